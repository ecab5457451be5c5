import { BUILD_MODULE_USAGE, parseBuildModuleArgs, UsageError } from "../../../tools/build-module/cli-args";

const defaults = { outDir: "/repo/dist/terraform-module", version: "0.3.1", cwd: "/work/here" };
const parse = (...args: string[]) => parseBuildModuleArgs(args, defaults);
const usageError = (...args: string[]) => {
  try {
    parse(...args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no UsageError for ${JSON.stringify(args)}`);
};

describe("npm run build:module arguments", () => {
  test("no arguments: the default folder and the archive beside it, named with the version", () => {
    expect(parse()).toEqual({
      kind: "build",
      outDir: "/repo/dist/terraform-module",
      tarball: "/repo/dist/terraform-module-0.3.1.tgz",
    });
  });

  test("--out resolves against the working directory and moves the default archive along", () => {
    expect(parse("--out", "build/tickets")).toEqual({
      kind: "build",
      outDir: "/work/here/build/tickets",
      tarball: "/work/here/build/tickets-0.3.1.tgz",
    });
    expect(parse("--out=/abs/mod")).toEqual({ kind: "build", outDir: "/abs/mod", tarball: "/abs/mod-0.3.1.tgz" });
  });

  test("--tgz names the archive", () => {
    expect(parse("--tgz", "release/tickets.tar.gz")).toMatchObject({ tarball: "/work/here/release/tickets.tar.gz" });
  });

  test.each([["--help"], ["-h"], ["--out", "x", "--help"]])("%s asks for the help and builds nothing", (...args) => {
    expect(parse(...args)).toEqual({ kind: "help" });
  });

  test("the usage lists every option", () => {
    for (const option of ["--out <dir>", "--tgz <file>", "-h, --help"]) expect(BUILD_MODULE_USAGE).toContain(option);
  });

  test.each([
    [["--outdir", "x"], "Unknown option '--outdir'"],
    [["-o", "x"], "Unknown option '-o'"],
    [["--out"], "Option '--out <value>' argument missing"],
    [["dist/mod"], 'unexpected argument "dist/mod" (the module folder is given with --out <dir>)'],
    [["--out", "a", "--out", "b"], "--out given 2 times; give it once"],
    [["--out", ""], "--out needs a path, got an empty string"],
    [["--tgz", "module.zip"], "--tgz /work/here/module.zip: name it .tgz or .tar.gz"],
    [["--out", "mod", "--tgz", "mod/release.tgz"], "--tgz /work/here/mod/release.tgz is inside the module folder /work/here/mod"],
  ])("%j is refused: %s", (args, message) => {
    expect(usageError(...args)).toContain(message);
  });
});
