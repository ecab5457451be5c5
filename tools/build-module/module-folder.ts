/**
 * Writes the module folder. The build replaces the folder it is given, so it first checks that
 * the folder is new, empty or an earlier module build: `--out .` or a typo must not wipe a
 * repository.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ModuleFiles } from "./module-json";

/** Everything a module build writes at the folder's top level. */
export const MODULE_ENTRIES = ["README.md", "assets", "main.tf.json", "versions.tf.json"] as const;

/** The build won't replace this folder (the message says why); nothing was written. */
export class RefusedFolderError extends Error {
  override readonly name = "RefusedFolderError";
}

/** Throws {@link RefusedFolderError} unless `dir` may be replaced by a module build. */
export function checkReplaceable(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new RefusedFolderError(`${dir} is a file, not a module folder; choose another --out`);
  const foreign = readdirSync(dir)
    .filter((entry) => !(MODULE_ENTRIES as readonly string[]).includes(entry))
    .sort();
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(", ") + (foreign.length > 3 ? `, … (${foreign.length} in all)` : "");
    throw new RefusedFolderError(
      `${dir} holds ${shown}, which a module build doesn't write; the build replaces its folder, so choose a new or empty one`,
    );
  }
}

export interface ModuleFolderContent {
  readonly files: Pick<ModuleFiles, "main" | "versions">;
  readonly readme: string;
  /** The synthesized stack's `assets/` (the Lambda zips). */
  readonly assetsDir: string;
}

const jsonFile = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Replaces `dir` with the module: README.md, versions.tf.json, main.tf.json, assets/. */
export function writeModuleFolder(dir: string, content: ModuleFolderContent): void {
  checkReplaceable(dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(content.assetsDir, join(dir, "assets"), { recursive: true });
  writeFileSync(join(dir, "versions.tf.json"), jsonFile(content.files.versions));
  writeFileSync(join(dir, "main.tf.json"), jsonFile(content.files.main));
  writeFileSync(join(dir, "README.md"), content.readme);
}
