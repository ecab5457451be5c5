import { spawnSync } from "node:child_process";
import {
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

describe("npm run synth", () => {
  test("writes cdk.tf.json of every stack on the built-in defaults", () => {
    const outdir = join(scratch, "defaults");
    const result = runSynth(outdir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["tickets", "tickets-state"]);
    for (const stack of ["tickets", "tickets-state"]) {
      expect(existsSync(join(outdir, "stacks", stack, "cdk.tf.json"))).toBe(true);
    }
  });

  test("needs no terraform: the same output with terraform off the PATH", () => {
    // Only node on the PATH: cdktf's own Terraform version check would run `terraform version`.
    const binDir = join(scratch, "node-only-bin");
    mkdirSync(binDir);
    symlinkSync(process.execPath, join(binDir, "node"));
    const withTerraform = join(scratch, "with-terraform");
    const withoutTerraform = join(scratch, "without-terraform");
    expect(runSynth(withTerraform).status).toBe(0);

    const result = runSynth(withoutTerraform, undefined, { PATH: binDir });

    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const expected = filesOf(withTerraform);
    const actual = filesOf(withoutTerraform);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, bytes] of expected) expect({ path, same: bytes.equals(actual.get(path)!) }).toEqual({ path, same: true });
  });

  test("two synths of the same source are byte-identical", () => {
    const first = join(scratch, "first");
    const second = join(scratch, "second");
    expect(runSynth(first).status).toBe(0);
    expect(runSynth(second).status).toBe(0);
    const a = filesOf(first);
    const b = filesOf(second);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [path, bytes] of a) {
      expect({ path, same: bytes.equals(b.get(path)!) }).toEqual({ path, same: true });
    }
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
    const fromSnapshot = join(scratch, "from-snapshot");
    const fromBundle = join(scratch, "from-bundle");
    const snapshotRun = runSynth(fromSnapshot);
    const bundleRun = runSynth(fromBundle, undefined, { TICKETS_SYNTH_SNAPSHOT: "0" });

    expect([snapshotRun.stderr, snapshotRun.status, bundleRun.stderr, bundleRun.status]).toEqual(["", 0, "", 0]);
    expect(existsSync(resolve(__dirname, "..", "..", "dist", "app.blob"))).toBe(true);
    const expected = filesOf(fromBundle);
    const actual = filesOf(fromSnapshot);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, bytes] of expected) expect({ path, same: bytes.equals(actual.get(path)!) }).toEqual({ path, same: true });
  });

  describe("with invalid config", () => {
    const configFile = join(scratch, "bad.json");
    const outdir = join(scratch, "bad-out");

    beforeAll(() => {
      // A good synth first: its output must not survive the failed one.
      expect(runSynth(outdir).status).toBe(0);
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
