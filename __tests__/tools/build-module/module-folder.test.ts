import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkReplaceable, RefusedFolderError, writeModuleFolder } from "../../../tools/build-module/module-folder";

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "module-folder-test-"));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function assetsDir(): string {
  const dir = join(scratch, "synth-assets");
  mkdirSync(join(dir, "bundle"), { recursive: true });
  writeFileSync(join(dir, "bundle", "get.zip"), "zip");
  return dir;
}
function sourceFilesDir(): string {
  const dir = join(scratch, "module-files");
  mkdirSync(join(dir, "tests"), { recursive: true });
  mkdirSync(join(dir, "examples", "two"), { recursive: true });
  writeFileSync(join(dir, "tests", "inputs.tftest.hcl"), "run {}\n");
  writeFileSync(join(dir, "examples", "two", "main.tf"), "module {}\n");
  return dir;
}
const content = () => ({
  files: {
    layout: { "variables.tf.json": { variable: {} }, "table.tf.json": { resource: {} } },
    versions: { terraform: { required_version: ">= 1.2.0" } },
  },
  readme: "# module\n",
  assetsDir: assetsDir(),
  sourceFilesDir: sourceFilesDir(),
});

describe("the module folder", () => {
  test("writes README.md, versions.tf.json, the files by concern, assets/, tests/ and examples/ into a new folder", () => {
    const dir = join(scratch, "out", "terraform-module");
    writeModuleFolder(dir, content());
    expect(readdirSync(dir).sort()).toEqual([
      "README.md",
      "assets",
      "examples",
      "table.tf.json",
      "tests",
      "variables.tf.json",
      "versions.tf.json",
    ]);
    expect(JSON.parse(readFileSync(join(dir, "versions.tf.json"), "utf8"))).toEqual({
      terraform: { required_version: ">= 1.2.0" },
    });
    expect(JSON.parse(readFileSync(join(dir, "table.tf.json"), "utf8"))).toEqual({ resource: {} });
    expect(readFileSync(join(dir, "assets", "bundle", "get.zip"), "utf8")).toBe("zip");
    expect(readFileSync(join(dir, "tests", "inputs.tftest.hcl"), "utf8")).toBe("run {}\n");
    expect(readFileSync(join(dir, "examples", "two", "main.tf"), "utf8")).toBe("module {}\n");
  });

  test("a build replaces an earlier one that wrote main.tf.json alone", () => {
    const dir = join(scratch, "terraform-module");
    mkdirSync(dir);
    for (const file of ["main.tf.json", "versions.tf.json", "README.md"]) writeFileSync(join(dir, file), "{}");
    writeModuleFolder(dir, content());
    expect(existsSync(join(dir, "main.tf.json"))).toBe(false);
  });

  test("refuses a layout file name that isn't a configuration file, or would overwrite versions.tf.json", () => {
    for (const name of ["../escape.tf.json", "versions.tf.json", "notes.md"]) {
      const bad = { ...content(), files: { ...content().files, layout: { [name]: {} } } };
      expect(() => writeModuleFolder(join(scratch, "m"), bad)).toThrow(`${name}: not a module configuration file name`);
    }
  });

  test("replaces an earlier build, leaving nothing of it behind", () => {
    const dir = join(scratch, "terraform-module");
    mkdirSync(join(dir, "assets", "old-bundle"), { recursive: true });
    writeFileSync(join(dir, "main.tf.json"), "{}");
    writeModuleFolder(dir, content());
    expect(existsSync(join(dir, "assets", "old-bundle"))).toBe(false);
  });

  test("refuses a folder holding anything a build doesn't write, and leaves it untouched", () => {
    const dir = join(scratch, "project");
    mkdirSync(dir);
    for (const file of ["package.json", "main.tf.json", "src", "a", "b"]) writeFileSync(join(dir, file), file);
    expect(() => writeModuleFolder(dir, content())).toThrow(RefusedFolderError);
    expect(() => checkReplaceable(dir)).toThrow(
      `${dir} holds a, b, package.json, … (4 in all), which a module build doesn't write`,
    );
    expect(readdirSync(dir).sort()).toEqual(["a", "b", "main.tf.json", "package.json", "src"]);
    expect(readFileSync(join(dir, "main.tf.json"), "utf8")).toBe("main.tf.json");
  });

  test("refuses a file", () => {
    const file = join(scratch, "terraform-module");
    writeFileSync(file, "not a folder");
    expect(() => checkReplaceable(file)).toThrow(`${file} is a file, not a module folder; choose another --out`);
  });

  test("accepts a missing or empty folder", () => {
    expect(() => checkReplaceable(join(scratch, "missing"))).not.toThrow();
    mkdirSync(join(scratch, "empty"));
    expect(() => checkReplaceable(join(scratch, "empty"))).not.toThrow();
  });
});
