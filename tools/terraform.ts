/**
 * Runs the Terraform CLI on synthesized stacks without AWS credentials and, where the
 * machine has a filesystem mirror of the AWS provider, without any network:
 * `terraform init`, `validate` and a `plan` whose JSON the tests and tools read.
 */
import { execFile, spawnSync } from "node:child_process";
import { accessSync, constants, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, delimiter, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

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
    ["/", "-maxdepth", "8", "(", "-path", "/proc", "-o", "-path", "/sys", "-o", "-path", "/dev", "-o", "-name", "node_modules", ")", "-prune",
      "-o", "-type", "d", "-path", `*/${AWS_PROVIDER_PATH}`, "-print", "-quit"],
    { encoding: "utf8", timeout: 20_000 },
  );
  const providerDir = found.stdout?.trim();
  return providerDir ? providerDir.slice(0, -AWS_PROVIDER_PATH.length - 1) : undefined;
}

export interface TerraformToolchain {
  readonly terraform: string;
  /** Environment for every terraform command: CLI config for the mirror, no checkpoint calls. */
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
  const toolEnv: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
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

/** Fake credentials and no AWS calls for one `aws` provider configuration. */
function offlineProvider(alias: string | undefined): Record<string, unknown> {
  return {
    ...(alias === undefined ? {} : { alias }),
    access_key: "AKIAOFFLINEPLAN00000",
    secret_key: "offline-plan-no-credentials",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
  };
}

/**
 * An override file that switches any backend to a local one and gives every `aws` provider
 * (`undefined` = the default, unaliased one) fake credentials.
 */
export function offlineOverride(providerAliases: readonly (string | undefined)[]): Record<string, unknown> {
  return {
    terraform: { backend: { local: { path: "offline.tfstate" } } },
    provider: { aws: providerAliases.map(offlineProvider) },
  };
}

/** The `aws` provider aliases a synthesized `cdk.tf.json` declares. */
export function providerAliasesOf(stackJson: { provider?: { aws?: { alias?: string }[] } }): (string | undefined)[] {
  return (stackJson.provider?.aws ?? []).map((provider) => provider.alias);
}

export interface OfflinePlanOptions {
  /** Folder with the Terraform configuration (a synthesized stack or an HCL root module). */
  readonly sourceDir: string;
  /** Scratch folder; it is emptied and receives a copy of the configuration. */
  readonly workDir: string;
  /** `aws` provider aliases to give fake credentials; default: those of `cdk.tf.json`. */
  readonly providerAliases?: readonly (string | undefined)[];
  /** Extra `-var` assignments for plan. */
  readonly vars?: Readonly<Record<string, string>>;
  /** A state file (JSON) to plan against instead of an empty state. */
  readonly state?: unknown;
  /** Files copied into the configuration beside `sourceDir`'s (e.g. shared provider blocks). */
  readonly extraFiles?: readonly string[];
  /** Run `terraform validate` before the plan (the plan validates too, less verbosely). @default true */
  readonly validate?: boolean;
  /** Called with the wall time of each terraform command as it finishes (benchmarks). */
  readonly onStep?: (step: OfflinePlanStep, milliseconds: number) => void;
}

/** The terraform commands `planOffline` runs, in order. */
export type OfflinePlanStep = "init" | "validate" | "plan" | "show";

/** `planOffline` leaves its result (validate + plan) here in the work dir, for other processes. */
export const OFFLINE_RESULT_FILE = "result.json";

/** What `planOffline` left in `workDir`. */
export function readOfflineResult(workDir: string): OfflinePlanResult {
  return JSON.parse(readFileSync(join(workDir, OFFLINE_RESULT_FILE), "utf8")) as OfflinePlanResult;
}

export interface OfflinePlanResult {
  /** `terraform validate -json`; `undefined` when it was not asked for. */
  readonly validate: { valid: boolean; error_count: number; diagnostics: unknown[] } | undefined;
  /** `terraform show -json` of the saved plan. */
  readonly plan: TerraformPlan;
}

/** The parts of `terraform show -json <plan>` the tests and tools read. */
export interface TerraformPlan {
  format_version: string;
  terraform_version?: string;
  planned_values?: unknown;
  resource_changes?: ResourceChange[];
  output_changes?: Record<string, { actions: string[]; after?: unknown; after_unknown?: unknown; after_sensitive?: unknown }>;
  configuration?: {
    provider_config?: Record<string, { name: string; alias?: string; expressions?: Record<string, unknown> }>;
    root_module?: unknown;
  };
}

export interface ResourceChange {
  address: string;
  module_address?: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  change: {
    actions: string[];
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    after_unknown?: Record<string, unknown>;
    replace_paths?: (string | number)[][];
  };
  action_reason?: string;
}

async function terraform(toolchain: TerraformToolchain, cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(toolchain.terraform, args, {
      cwd,
      env: toolchain.env,
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`terraform ${args.join(" ")} failed in ${cwd}:\n${stderr ?? ""}${stdout ?? ""}`, { cause: error });
  }
}

/**
 * `terraform init`, `validate` and `plan -refresh=false` on a copy of `sourceDir`, with the
 * backend switched to local and fake credentials, so no AWS account is needed.
 */
export async function planOffline(toolchain: TerraformToolchain, options: OfflinePlanOptions): Promise<OfflinePlanResult> {
  const { sourceDir, workDir } = options;
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  cpSync(sourceDir, workDir, {
    recursive: true,
    filter: (src) => !src.includes(`${"/"}.terraform`) && !src.endsWith(".tfstate"),
  });
  for (const file of options.extraFiles ?? []) cpSync(file, join(workDir, basename(file)));
  const aliases =
    options.providerAliases ??
    providerAliasesOf(JSON.parse(readFileSync(join(workDir, "cdk.tf.json"), "utf8")) as Parameters<typeof providerAliasesOf>[0]);
  writeFileSync(join(workDir, "offline_override.tf.json"), JSON.stringify(offlineOverride(aliases), null, 2));
  if (options.state !== undefined) {
    writeFileSync(join(workDir, "offline.tfstate"), JSON.stringify(options.state, null, 2));
  }

  const step = async (name: OfflinePlanStep, args: string[]): Promise<string> => {
    const started = performance.now();
    const stdout = await terraform(toolchain, workDir, args);
    options.onStep?.(name, performance.now() - started);
    return stdout;
  };
  await step("init", ["init", "-input=false", "-no-color"]);
  const validate =
    options.validate === false
      ? undefined
      : (JSON.parse(await step("validate", ["validate", "-json", "-no-color"])) as OfflinePlanResult["validate"]);
  const varArgs = Object.entries(options.vars ?? {}).map(([name, value]) => `-var=${name}=${value}`);
  await step("plan", ["plan", "-input=false", "-no-color", "-refresh=false", "-lock=false", ...varArgs, "-out=plan.bin"]);
  const plan = JSON.parse(await step("show", ["show", "-json", "-no-color", "plan.bin"])) as TerraformPlan;
  writeFileSync(join(workDir, "plan.json"), JSON.stringify(plan, null, 2));
  const result = { validate, plan };
  writeFileSync(join(workDir, OFFLINE_RESULT_FILE), JSON.stringify(result));
  return result;
}

/** The stack folders below a synth output directory (`<outdir>/stacks/*`). */
export function synthesizedStacks(outdir: string): string[] {
  return readdirSync(join(outdir, "stacks")).sort();
}
