/**
 * Finds the Terraform toolchain on this machine: the `terraform` binary and, where the
 * machine has one, a filesystem mirror of the AWS provider, with a CLI config that makes
 * `terraform init` use it (no registry, no network).
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";

/** The AWS provider version that `@cdktf/provider-aws` 20.1.0 is generated from. */
export const AWS_PROVIDER_VERSION = "5.100.0";
const AWS_PROVIDER_PATH = join("registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION);

/** Where machine images and users usually keep provider mirrors and plugins. */
const MIRROR_CANDIDATES = [
  "/opt/tf-plugins",
  "/opt/terraform/plugins",
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
  join(homedir(), ".terraform.d", "plugins"),
  join(homedir(), ".local", "share", "terraform", "plugins"),
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The terraform binary: `$TERRAFORM_BIN`, else the first `terraform` on `PATH`. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TERRAFORM_BIN) {
    return isExecutable(env.TERRAFORM_BIN) ? env.TERRAFORM_BIN : undefined;
  }
  return (env.PATH ?? "")
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, "terraform"))
    .find(isExecutable);
}

/** Why `findTerraform` found nothing, and what to do about it, in one line. */
export function terraformNotFound(env: NodeJS.ProcessEnv = process.env): string {
  return env.TERRAFORM_BIN
    ? `TERRAFORM_BIN is "${env.TERRAFORM_BIN}", which is not an executable file`
    : "terraform not found on PATH: install Terraform 1.10 or later, or set TERRAFORM_BIN to its path";
}

/**
 * The root of a filesystem mirror holding the AWS provider: `$TF_PROVIDER_MIRROR`, else the
 * usual plugin folders. `undefined` means: let `terraform init` download it as usual.
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TF_PROVIDER_MIRROR) {
    return existsSync(join(env.TF_PROVIDER_MIRROR, AWS_PROVIDER_PATH)) ? env.TF_PROVIDER_MIRROR : undefined;
  }
  return MIRROR_CANDIDATES.find((dir) => existsSync(join(dir, AWS_PROVIDER_PATH))) ?? probeFilesystem();
}

/** Last resort: a bounded search of the filesystem for the provider's mirror folder. */
function probeFilesystem(): string | undefined {
  const found = spawnSync(
    "find",
    [
      "/",
      "-maxdepth",
      "8",
      "(",
      "-path",
      "/proc",
      "-o",
      "-path",
      "/sys",
      "-o",
      "-path",
      "/dev",
      "-o",
      "-name",
      "node_modules",
      ")",
      "-prune",
      "-o",
      "-type",
      "d",
      "-path",
      `*/${AWS_PROVIDER_PATH}`,
      "-print",
      "-quit",
    ],
    { encoding: "utf8", timeout: 20_000 },
  );
  const providerDir = found.stdout?.trim();
  return providerDir ? providerDir.slice(0, -AWS_PROVIDER_PATH.length - 1) : undefined;
}

/**
 * Go's garbage collector target for terraform and the provider processes it starts (they
 * inherit the environment), unless the caller sets GOGC. Most of an offline plan's CPU is the
 * AWS provider: every provider configuration starts a process (twice in a plan: validate,
 * then plan), and the first one builds the provider's schema, which allocates hundreds of MB.
 * At Go's default of 100 the collector runs through that again and again; at 400, measured
 * on the default `tickets` stack (2 cores, idle): plan 6.8 -> 5.2 s CPU, show 3.1 -> 2.4 s,
 * the largest process 0.52 -> 0.55 GB resident. `off` saved little more and took 0.8 GB.
 * Less when many run at once: the terraform test group's 49 commands, in parallel on 2 cores,
 * took 166 s of CPU at 100, 155 s at 200 and 153 s at 400 (one run each).
 */
export const TERRAFORM_GOGC = "400";

export interface TerraformToolchain {
  readonly terraform: string;
  /** Environment for every terraform command: CLI config for the mirror, no checkpoint calls, GOGC. */
  readonly env: NodeJS.ProcessEnv;
  readonly mirror: string | undefined;
}

/**
 * Finds terraform and the provider mirror and writes a CLI config for the mirror into
 * `workDir`. Returns `undefined` when there is no terraform binary.
 */
export function prepareToolchain(workDir: string, env: NodeJS.ProcessEnv = process.env): TerraformToolchain | undefined {
  const terraform = findTerraform(env);
  if (terraform === undefined) return undefined;
  const mirror = findProviderMirror(env);
  const toolEnv: NodeJS.ProcessEnv = {
    ...env,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    GOGC: env.GOGC ?? TERRAFORM_GOGC,
  };
  delete toolEnv.TF_CLI_ARGS;
  if (mirror !== undefined) {
    mkdirSync(workDir, { recursive: true });
    const cliConfig = join(workDir, "offline.tfrc");
    writeFileSync(
      cliConfig,
      [
        "provider_installation {",
        `  filesystem_mirror {`,
        `    path    = ${JSON.stringify(resolve(mirror))}`,
        `    include = ["registry.terraform.io/hashicorp/aws"]`,
        "  }",
        "  direct {",
        `    exclude = ["registry.terraform.io/hashicorp/aws"]`,
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    toolEnv.TF_CLI_CONFIG_FILE = cliConfig;
  }
  return { terraform, env: toolEnv, mirror };
}
