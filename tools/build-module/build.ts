/**
 * Builds the module: synthesizes the tickets stack with its deployment settings as variables,
 * turns it into the module's files (module-json.ts), renders the README (readme.ts) and writes
 * the folder (module-folder.ts). `npm run build:module` (cli.ts) adds the release archive.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import type { TicketsConfig } from "../../config/schema";
import { STACK_NAMES } from "../../stacks/app";
import { TicketsStack } from "../../stacks/tickets-stack";
import { PROJECT_ROOT } from "../../bundling/project-root";
import { checkReplaceable, writeModuleFolder } from "./module-folder";
import { moduleConfiguration, type ProjectRelease, type TerraformJson, toModule } from "./module-json";
import { renderModuleReadme } from "./readme";

export const DEFAULT_MODULE_DIR = join(PROJECT_ROOT, "dist", "terraform-module");

/** Name and version from package.json: the module's release. */
export function projectRelease(): ProjectRelease {
  const { name, version } = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as Record<string, string>;
  return { name: name!, version: version! };
}

/**
 * Builds the module into `outDir` (replaced; refused when it holds anything a module build
 * doesn't write) and returns the module's configuration as Terraform loads it (all files merged).
 */
export function buildTerraformModule(config: TicketsConfig, outDir: string = DEFAULT_MODULE_DIR): TerraformJson {
  checkReplaceable(outDir); // before the synth's seconds, and again right before writing
  const synthDir = mkdtempSync(join(tmpdir(), "tickets-module-"));
  try {
    const app = new App({ outdir: synthDir });
    new TicketsStack(app, STACK_NAMES.tickets, { config, deploymentVariables: true });
    app.synth();

    const stackDir = join(synthDir, "stacks", STACK_NAMES.tickets);
    const release = projectRelease();
    const files = toModule(JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")), release);
    const readme = renderModuleReadme({
      release,
      files,
      build: { regions: config.regions },
    });
    writeModuleFolder(outDir, { files, readme, assetsDir: join(stackDir, "assets") });
    return moduleConfiguration(files);
  } finally {
    rmSync(synthDir, { recursive: true, force: true });
  }
}
