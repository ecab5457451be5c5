/**
 * `npm run build:module -- [--out <dir>] [--tgz <file>]`: the tickets stack as a plain
 * Terraform module for teams that write only HCL, packaged like the modules they already use:
 *
 *   dist/terraform-module/            README.md (terraform-docs style tables, usage, build-time settings)
 *                                     versions.tf.json (required Terraform and aws provider, aliases)
 *                                     variables, outputs, moved, providers (guards) .tf.json
 *                                     table, api-<region>, domains, dns, alarms .tf.json (module-layout.ts)
 *                                     tests/*.tftest.hcl (terraform test, mock providers), examples/
 *                                     assets/ (the Lambda zips, referenced through path.module)
 *   dist/terraform-module-<version>.tgz   the same files as a deterministic release archive
 *
 * The regions and the other build-time settings come from the config (`TICKETS_CONFIG` or the
 * defaults): providers can't be variables in Terraform. Exit codes: 0 built (or help printed);
 * 1 bad arguments, invalid configuration or a folder the build must not replace.
 */
import { ConfigError, loadConfig } from "../../config/load";
import { buildTerraformModule, DEFAULT_MODULE_DIR, projectRelease } from "./build";
import { BUILD_MODULE_USAGE, parseBuildModuleArgs, UsageError } from "./cli-args";
import { RefusedFolderError } from "./module-folder";
import { writeTarball } from "./tarball";
import { runCli } from "../cli-entry";

/** The command; returns the exit code. `env` holds `TICKETS_CONFIG`. */
export function main(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  try {
    const command = parseBuildModuleArgs(args, { outDir: DEFAULT_MODULE_DIR, version: projectRelease().version });
    if (command.kind === "help") {
      console.log(BUILD_MODULE_USAGE);
      return 0;
    }
    const config = loadConfig(env);
    const configuration = buildTerraformModule(config, command.outDir);
    const tarball = writeTarball(command.outDir, command.tarball);
    const { required_version: terraformVersion, required_providers: providers } = configuration.terraform;
    console.log(`Terraform module ${projectRelease().version} written to ${command.outDir}`);
    console.log(`  terraform: ${terraformVersion}, aws ${providers.aws.version}`);
    console.log(`  providers: ${providers.aws.configuration_aliases.join(", ")}`);
    console.log(`  inputs:    ${Object.keys(configuration.variable).join(", ")}`);
    console.log(`  outputs:   ${Object.keys(configuration.output ?? {}).join(", ")}`);
    console.log(`Release archive ${tarball.path} (${tarball.bytes} bytes, sha256 ${tarball.sha256})`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`build-module: ${error.message}\n\n${BUILD_MODULE_USAGE}`);
    } else if (error instanceof ConfigError) {
      console.error(error.message);
    } else if (error instanceof RefusedFolderError) {
      console.error(`build-module: ${error.message}`);
    } else {
      throw error;
    }
    return 1;
  }
}

if (require.main === module) {
  // No checkpoint calls to HashiCorp from the cdktf synth (README: CHECKPOINT_DISABLE).
  process.env.CHECKPOINT_DISABLE ??= "1";
  runCli("build:module", () => main(process.argv.slice(2)));
}
