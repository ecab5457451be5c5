/**
 * `npm run build:module` as a command: what it prints and returns for help and for each kind
 * of bad input, and that none of them writes anything. (The build itself is tested in the
 * terraform group, which builds the module once for all its tests.)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILD_MODULE_USAGE } from "../../../tools/build-module/cli-args";
import { projectRelease } from "../../../tools/build-module/build";
import { main } from "../../../tools/build-module/cli";

let scratch: string;
let output: { stdout: string; stderr: string };
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "build-module-cli-"));
  output = { stdout: "", stderr: "" };
  jest.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void (output.stdout += `${parts.join(" ")}\n`));
  jest.spyOn(console, "error").mockImplementation((...parts: unknown[]) => void (output.stderr += `${parts.join(" ")}\n`));
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(scratch, { recursive: true, force: true });
});

describe("npm run build:module", () => {
  test("--help prints the usage, exits 0 and writes no folder called --help", () => {
    const cwd = process.cwd();
    process.chdir(scratch);
    try {
      expect(main(["--help"])).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(output.stdout).toBe(`${BUILD_MODULE_USAGE}\n`);
    expect(readdirSync(scratch)).toEqual([]);
  });

  test.each([
    [["--outdir", join("x", "y")], "build-module: Unknown option '--outdir'"],
    [["dist/elsewhere"], 'build-module: unexpected argument "dist/elsewhere"'],
  ])("%j exits 1 with the reason, then the usage", (args, reason) => {
    expect(main(args)).toBe(1);
    expect(output.stderr.startsWith(reason)).toBe(true);
    expect(output.stderr).toContain(BUILD_MODULE_USAGE);
    expect(output.stdout).toBe("");
  });

  test("a folder the build must not replace: exit 1, the folder untouched, no archive", () => {
    const project = join(scratch, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), "{}");
    expect(main(["--out", project])).toBe(1);
    expect(output.stderr).toBe(
      `build-module: ${project} holds package.json, which a module build doesn't write; the build replaces its folder, so choose a new or empty one\n`,
    );
    expect(readdirSync(project)).toEqual(["package.json"]);
    expect(readdirSync(scratch)).toEqual(["project"]);
  });

  test("an invalid TICKETS_CONFIG: exit 1 with the config's own message, nothing written", () => {
    const configFile = join(scratch, "bad.json");
    writeFileSync(
      configFile,
      JSON.stringify({ domainName: "example.com", hostedZoneId: "Z1", regions: [{ name: "eu-west-9", label: "x" }] }),
    );
    const out = join(scratch, "module");
    expect(main(["--out", out], { TICKETS_CONFIG: configFile })).toBe(1);
    expect(output.stderr).toContain(`Invalid configuration (${configFile}):`);
    expect(output.stderr).toContain("config.regions");
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}-${projectRelease().version}.tgz`)).toBe(false);
  });
});
