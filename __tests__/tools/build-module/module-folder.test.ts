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
const content = () => ({
  files: { main: { resource: {} }, versions: { terraform: { required_version: ">= 1.2.0" } } },
  readme: "# module\n",
  assetsDir: assetsDir(),
});

describe("the module folder", () => {
  test("writes README.md, versions.tf.json, main.tf.json and assets/ into a new folder", () => {
    const dir = join(scratch, "out", "terraform-module");
    writeModuleFolder(dir, content());
    expect(readdirSync(dir).sort()).toEqual(["README.md", "assets", "main.tf.json", "versions.tf.json"]);
    expect(JSON.parse(readFileSync(join(dir, "versions.tf.json"), "utf8"))).toEqual({
      terraform: { required_version: ">= 1.2.0" },
    });
    expect(readFileSync(join(dir, "assets", "bundle", "get.zip"), "utf8")).toBe("zip");
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
