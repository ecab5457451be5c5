/**
 * Writes the module folder. The build replaces the folder it is given, so it first checks that
 * the folder is new, empty or an earlier module build: `--out .` or a typo must not wipe a
 * repository.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";
import type { ModuleFiles } from "./module-json";

/** Everything a module build writes at the folder's top level, besides its `*.tf.json` files. */
export const MODULE_ENTRIES = ["README.md", "assets", "examples", "tests"] as const;

/**
 * Files of the module written by hand, copied into every build: `tests/*.tftest.hcl` (run by
 * `terraform test`) and `examples/` (root modules that use the module from `../..`).
 */
export const MODULE_SOURCE_FILES = join(PROJECT_ROOT, "tools", "build-module", "module-files");

/** A Terraform JSON configuration file at the folder's top level: this build's or an earlier one's (`main.tf.json`). */
const isConfigurationFile = (entry: string) => /^[a-z0-9][a-z0-9_.-]*\.tf\.json$/.test(entry);

/** The build won't replace this folder (the message says why); nothing was written. */
export class RefusedFolderError extends Error {
  override readonly name = "RefusedFolderError";
}

/** Throws {@link RefusedFolderError} unless `dir` may be replaced by a module build. */
export function checkReplaceable(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new RefusedFolderError(`${dir} is a file, not a module folder; choose another --out`);
  const foreign = readdirSync(dir)
    .filter((entry) => !(MODULE_ENTRIES as readonly string[]).includes(entry) && !isConfigurationFile(entry))
    .sort();
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(", ") + (foreign.length > 3 ? `, … (${foreign.length} in all)` : "");
    throw new RefusedFolderError(
      `${dir} holds ${shown}, which a module build doesn't write; the build replaces its folder, so choose a new or empty one`,
    );
  }
}

export interface ModuleFolderContent {
  readonly files: Pick<ModuleFiles, "layout" | "versions">;
  readonly readme: string;
  /** The synthesized stack's `assets/` (the Lambda zips). */
  readonly assetsDir: string;
  /** Hand-written files copied in as they are (`tests/`, `examples/`). @default MODULE_SOURCE_FILES */
  readonly sourceFilesDir?: string;
}

const jsonFile = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Replaces `dir` with the module: README.md, versions.tf.json, the configuration's files by
 * concern, assets/, and the hand-written tests/ and examples/.
 */
export function writeModuleFolder(dir: string, content: ModuleFolderContent): void {
  checkReplaceable(dir);
  for (const name of Object.keys(content.files.layout)) {
    if (!isConfigurationFile(name) || name === "versions.tf.json")
      throw new Error(`${name}: not a module configuration file name`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(content.assetsDir, join(dir, "assets"), { recursive: true });
  const sources = content.sourceFilesDir ?? MODULE_SOURCE_FILES;
  for (const entry of ["tests", "examples"]) {
    if (existsSync(join(sources, entry))) cpSync(join(sources, entry), join(dir, entry), { recursive: true });
  }
  writeFileSync(join(dir, "versions.tf.json"), jsonFile(content.files.versions));
  for (const [name, file] of Object.entries(content.files.layout)) writeFileSync(join(dir, name), jsonFile(file));
  writeFileSync(join(dir, "README.md"), content.readme);
}
