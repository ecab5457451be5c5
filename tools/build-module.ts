/**
 * `npm run build:module`: the tickets stack as a plain Terraform module for teams that write
 * only HCL, in `dist/terraform-module/`:
 * - no backend and no provider blocks: the caller passes one `aws` provider per region
 *   (`configuration_aliases`, named after the regions, plus us-east-1 for the alarms);
 * - input variables for the per-deployment settings, wired into every resource;
 * - the stack's outputs;
 * - the Lambda zips inside the module, referenced through `path.module`.
 *
 * The regions and everything else come from the config (`TICKETS_CONFIG` or the defaults)
 * at build time: providers can't be variables in Terraform.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { ConfigError, loadConfig } from "../config/load";
import type { TicketsConfig } from "../config/schema";
import { STACK_NAMES } from "../stacks/app";
import { TicketsStack } from "../stacks/tickets-stack";
import { PROJECT_ROOT } from "../build/project-root";

/** AWS provider versions the module works with (the bindings are generated from 5.100.0). */
export const MODULE_PROVIDER_VERSION = ">= 5.100.0, < 6.0.0";
export const DEFAULT_MODULE_DIR = join(PROJECT_ROOT, "dist", "terraform-module");

type StackJson = Record<string, any>;

/** Turns the synthesized stack into a module: see the file comment. */
export function toModule(stack: StackJson): StackJson {
  const aliases = (stack.provider?.aws ?? []).map((provider: { alias: string }) => `aws.${provider.alias}`);
  const { "//": _metadata, provider: _providers, terraform: stackTerraform, ...rest } = stack;
  const { backend: _backend, ...terraform } = stackTerraform;

  const functions = rest.resource?.aws_lambda_function ?? {};
  for (const fn of Object.values<Record<string, unknown>>(functions)) {
    fn.filename = `\${path.module}/${fn.filename}`;
  }

  return {
    terraform: {
      ...terraform,
      required_version: ">= 1.5.0",
      required_providers: {
        aws: { source: "hashicorp/aws", version: MODULE_PROVIDER_VERSION, configuration_aliases: aliases },
      },
    },
    ...rest,
  };
}

/** Builds the module into `outDir` (emptied first) and returns the module's JSON. */
export function buildTerraformModule(config: TicketsConfig, outDir: string = DEFAULT_MODULE_DIR): StackJson {
  const synthDir = mkdtempSync(join(tmpdir(), "tickets-module-"));
  try {
    const app = new App({ outdir: synthDir });
    new TicketsStack(app, STACK_NAMES.tickets, { config, deploymentVariables: true });
    app.synth();

    const stackDir = join(synthDir, "stacks", STACK_NAMES.tickets);
    const moduleJson = toModule(JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")));
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    cpSync(join(stackDir, "assets"), join(outDir, "assets"), { recursive: true });
    writeFileSync(join(outDir, "main.tf.json"), `${JSON.stringify(moduleJson, null, 2)}\n`);
    return moduleJson;
  } finally {
    rmSync(synthDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    const outDir = process.argv[2] ?? DEFAULT_MODULE_DIR;
    const moduleJson = buildTerraformModule(loadConfig(), outDir);
    const aliases = moduleJson.terraform.required_providers.aws.configuration_aliases as string[];
    console.log(`Terraform module written to ${outDir}`);
    console.log(`  providers: ${aliases.join(", ")}`);
    console.log(`  inputs:    ${Object.keys(moduleJson.variable).join(", ")}`);
    console.log(`  outputs:   ${Object.keys(moduleJson.output ?? {}).join(", ")}`);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
