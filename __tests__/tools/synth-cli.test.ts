import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { DEFAULTS } from "../../config/schema";
import { runSynth } from "../support/synth-cli";

const scratch = mkdtempSync(join(tmpdir(), "tickets-synth-"));

/** Every file below `dir` (relative path -> bytes). */
function filesOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

/** Expects the same files with the same bytes below both folders. */
function expectSameFiles(expectedDir: string, actualDir: string): void {
  const expected = filesOf(expectedDir);
  const actual = filesOf(actualDir);
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [path, bytes] of expected) expect({ path, same: bytes.equals(actual.get(path)!) }).toEqual({ path, same: true });
}

describe("npm run synth", () => {
  // One synth on the built-in defaults, as `npm run synth` runs it (from the start-up
  // snapshot): the reference the other runs of the same source are compared with.
  const defaults = join(scratch, "defaults");
  let defaultsRun: ReturnType<typeof runSynth>;
  beforeAll(() => {
    defaultsRun = runSynth(defaults);
  });

  test("writes cdk.tf.json of every stack on the built-in defaults", () => {
    expect(defaultsRun.stderr).toBe("");
    expect(defaultsRun.status).toBe(0);
    expect(readdirSync(join(defaults, "stacks")).sort()).toEqual(["tickets", "tickets-state"]);
    for (const stack of ["tickets", "tickets-state"]) {
      expect(existsSync(join(defaults, "stacks", stack, "cdk.tf.json"))).toBe(true);
    }
  });

  test("needs no terraform: the same output with terraform off the PATH", () => {
    // Only node on the PATH: cdktf's own Terraform version check would run `terraform version`.
    const binDir = join(scratch, "node-only-bin");
    mkdirSync(binDir);
    symlinkSync(process.execPath, join(binDir, "node"));
    const withoutTerraform = join(scratch, "without-terraform");

    const result = runSynth(withoutTerraform, undefined, { PATH: binDir });

    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expectSameFiles(defaults, withoutTerraform);
  });

  test("two synths of the same source are byte-identical", () => {
    const second = join(scratch, "second");
    expect(runSynth(second).status).toBe(0);
    expectSameFiles(defaults, second);
  });

  test("rebuilds the Lambda zips when started from the snapshot (esbuild's worker thread would hang there)", () => {
    rmSync(resolve(__dirname, "..", "..", "dist", "lambdas", "bundle-cache.json"), { force: true });
    const result = spawnSync(process.execPath, ["tools/run-app.mjs"], {
      cwd: resolve(__dirname, "..", ".."),
      env: { ...process.env, CDKTF_OUTDIR: join(scratch, "rebuilt-lambdas"), CHECKPOINT_DISABLE: "1" },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect([result.signal, result.status, result.stderr]).toEqual([null, 0, ""]);
  });

  test("runs from the start-up snapshot, byte for byte what the app bundle writes", () => {
    const fromBundle = join(scratch, "from-bundle");
    const bundleRun = runSynth(fromBundle, undefined, { TICKETS_SYNTH_SNAPSHOT: "0" });

    expect([defaultsRun.stderr, defaultsRun.status, bundleRun.stderr, bundleRun.status]).toEqual(["", 0, "", 0]);
    expect(existsSync(resolve(__dirname, "..", "..", "dist", "app.blob"))).toBe(true);
    expectSameFiles(fromBundle, defaults);
  });

  describe("with invalid config", () => {
    const configFile = join(scratch, "bad.json");
    const outdir = join(scratch, "bad-out");

    beforeAll(() => {
      // A good synth's output first (the defaults run's files): it must not survive the failed one.
      cpSync(defaults, outdir, { recursive: true });
      writeFileSync(
        configFile,
        JSON.stringify({
          ...DEFAULTS,
          regions: [{ name: "eu-west-9", label: "ireland" }],
          healthCheck: { requestInterval: "10" },
        }),
      );
    });

    test("exits non-zero with one message per problem, naming each field", () => {
      const result = runSynth(outdir, configFile);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`Invalid configuration (${configFile}):`);
      expect(result.stderr).toContain(
        '  - config.regions[0].name: must be an AWS region code such as eu-west-1, got "eu-west-9"',
      );
      expect(result.stderr).toContain("  - config.regions: needs at least two regions");
      expect(result.stderr).toContain('  - config.healthCheck.requestInterval: must be 10 or 30, got "10" (a string)');
    });

    test("leaves no stack output behind", () => {
      runSynth(outdir, configFile);
      expect(existsSync(join(outdir, "manifest.json"))).toBe(false);
      const leftovers = [...filesOf(outdir).keys()].filter((path) => path.endsWith(".tf.json") || path.includes("assets"));
      expect(leftovers).toEqual([]);
    });

    test("a missing config file fails the same way", () => {
      const result = runSynth(join(scratch, "missing-out"), join(scratch, "does-not-exist.json"));
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/TICKETS_CONFIG: cannot read ".*does-not-exist\.json": file not found/);
      expect(existsSync(join(scratch, "missing-out", "stacks"))).toBe(false);
    });
  });
});
