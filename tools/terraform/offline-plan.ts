/**
 * Plans a Terraform configuration without AWS credentials and, with the toolchain's provider
 * mirror, without any network: an override file switches the backend to a local state and
 * gives every `aws` provider fake credentials; `terraform plan` runs without refresh. The
 * tests and `npm run plan` read the plan it leaves behind.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { type Plan, parsePlan } from "../plan-summary/plan-schema";
import type { TerraformToolchain } from "./toolchain";

const run = promisify(execFile);

/** Fake credentials and no AWS calls for one `aws` provider configuration. */
function offlineProvider(
  alias: string | undefined,
  endpoints: Readonly<Record<string, string>> | undefined,
): Record<string, unknown> {
  return {
    ...(alias === undefined ? {} : { alias }),
    access_key: "AKIAOFFLINEPLAN00000",
    secret_key: "offline-plan-no-credentials",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
    ...(endpoints === undefined ? {} : { endpoints: [endpoints] }),
  };
}

/**
 * An override file that switches any backend to a local one and gives every `aws` provider
 * (`undefined` = the default, unaliased one) fake credentials, and optionally local service
 * endpoints.
 */
export function offlineOverride(
  providerAliases: readonly (string | undefined)[],
  endpoints?: Readonly<Record<string, string>>,
): Record<string, unknown> {
  return {
    terraform: { backend: { local: { path: "offline.tfstate" } } },
    provider: { aws: providerAliases.map((alias) => offlineProvider(alias, endpoints)) },
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
  /**
   * AWS service endpoints for every `aws` provider, e.g. a local DynamoDB
   * (`{ dynamodb: "http://127.0.0.1:8000" }`). @default - the real AWS endpoints (never called without refresh)
   */
  readonly endpoints?: Readonly<Record<string, string>>;
  /**
   * Refresh the prior state before planning, which reads every object from AWS: only with
   * `endpoints` that answer for every resource in the state. @default false
   */
  readonly refresh?: boolean;
  /**
   * `readonly`: `terraform init -lockfile=readonly`, so init fails unless the configuration's
   * own `.terraform.lock.hcl` already records the providers it needs, with matching hashes.
   * @default - init may write or update the lock file
   */
  readonly lockfile?: "readonly";
  /** Called with the wall time of each terraform command as it finishes (benchmarks). */
  readonly onStep?: (step: OfflinePlanStep, milliseconds: number) => void;
}

/** The terraform commands `planOffline` runs, in order. */
export type OfflinePlanStep = "init" | "validate" | "plan" | "show";

/** `planOffline` leaves its result (validate + plan) here in the work dir, for other processes. */
export const OFFLINE_RESULT_FILE = "result.json";
/** The saved (binary) plan in the work dir; `terraform show` reads it there. */
export const SAVED_PLAN_FILE = "plan.bin";
/** `terraform show -json` of the saved plan, in the work dir. */
export const PLAN_JSON_FILE = "plan.json";

export interface OfflinePlanResult {
  /** `terraform validate -json`; `undefined` when it was not asked for. */
  readonly validate:
    | {
        valid: boolean;
        error_count: number;
        warning_count: number;
        diagnostics: { severity: string; summary: string; detail: string }[];
      }
    | undefined;
  /**
   * The warnings (and errors) of `terraform plan -json`, once each. A plan validates the
   * configuration first, with the provider's own checks (e.g. a deprecated argument), and
   * reports the same diagnostics `terraform validate` would, so an empty list proves what
   * `validate -json` with no diagnostic proves, without loading the provider schema once more.
   */
  readonly diagnostics: PlanDiagnostic[];
  /** `terraform show -json` of the saved plan, checked by the plan summary's schema. */
  readonly plan: Plan;
}

/** One diagnostic of `terraform plan -json` (its `diagnostic` object, trimmed). */
export interface PlanDiagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
  readonly address?: string;
  /** The configuration file it points at, relative to the root module's folder. */
  readonly filename?: string;
}

/** What `planOffline` left in `workDir`. */
export function readOfflineResult(workDir: string): OfflinePlanResult {
  const path = join(workDir, OFFLINE_RESULT_FILE);
  const { validate, diagnostics, plan } = JSON.parse(readFileSync(path, "utf8")) as Omit<OfflinePlanResult, "plan"> & {
    plan: unknown;
  };
  return { validate, diagnostics, plan: parsePlan(JSON.stringify(plan), path) };
}

/** A terraform command that failed; the message holds the command, the folder and terraform's output. */
export class TerraformCommandError extends Error {
  override readonly name = "TerraformCommandError";
}

/** One terraform command of `planOffline`, its wall time reported to `onStep`. */
async function step(
  toolchain: TerraformToolchain,
  options: Pick<OfflinePlanOptions, "workDir" | "onStep">,
  name: OfflinePlanStep,
  args: string[],
): Promise<string> {
  const started = performance.now();
  const stdout = await terraform(toolchain, options.workDir, args);
  options.onStep?.(name, performance.now() - started);
  return stdout;
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
    // `plan -json` prints its errors as JSON lines: shown as terraform prints them without -json.
    const output = args.includes("-json") && args[0] === "plan" ? renderDiagnostics(jsonDiagnostics(stdout ?? "")) : stdout;
    throw new TerraformCommandError(`terraform ${args.join(" ")} failed in ${cwd}:\n${stderr ?? ""}${output ?? ""}`, {
      cause: error,
    });
  }
}

/** The diagnostics of a `-json` UI stream, each once (a plan reports its validation's twice). */
export function jsonDiagnostics(stdout: string): PlanDiagnostic[] {
  const seen = new Map<string, PlanDiagnostic>();
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const event = JSON.parse(line) as {
      type?: string;
      diagnostic?: { severity: string; summary: string; detail?: string; address?: string; range?: { filename?: string } };
    };
    if (event.type !== "diagnostic" || event.diagnostic === undefined) continue;
    const { severity, summary, detail, address, range } = event.diagnostic;
    const diagnostic: PlanDiagnostic = {
      severity,
      summary,
      detail: detail ?? "",
      ...(address === undefined ? {} : { address }),
      ...(range?.filename === undefined ? {} : { filename: range.filename }),
    };
    seen.set(JSON.stringify(diagnostic), diagnostic);
  }
  return [...seen.values()];
}

/** Diagnostics as terraform prints them without `-json` (`Error: <summary>`, then the detail). */
function renderDiagnostics(diagnostics: readonly PlanDiagnostic[]): string {
  return diagnostics
    .map(({ severity, summary, detail, address, filename }) =>
      [
        `${severity === "error" ? "Error" : "Warning"}: ${summary}`,
        ...(address === undefined && filename === undefined
          ? []
          : [`  ${[address && `with ${address}`, filename && `in ${filename}`].filter(Boolean).join(", ")}`]),
        ...(detail === "" ? [] : [detail]),
        "",
      ].join("\n\n"),
    )
    .join("\n");
}

/**
 * `terraform init`, `validate` and `plan -refresh=false` on a copy of `sourceDir`, with the
 * backend switched to local and fake credentials, so no AWS account is needed. Throws with
 * terraform's output when a command fails, or when the plan doesn't match the plan schema.
 */
export async function planOffline(toolchain: TerraformToolchain, options: OfflinePlanOptions): Promise<OfflinePlanResult> {
  const { workDir } = options;
  await initOffline(toolchain, options);
  const validate =
    options.validate === false
      ? undefined
      : (JSON.parse(
          await step(toolchain, options, "validate", ["validate", "-json", "-no-color"]),
        ) as OfflinePlanResult["validate"]);
  const varArgs = Object.entries(options.vars ?? {}).map(([name, value]) => `-var=${name}=${value}`);
  const refresh = `-refresh=${options.refresh === true}`;
  // -json: the diagnostics machine-readable (the errors are rendered as text when it fails).
  const planOutput = await step(toolchain, options, "plan", [
    "plan",
    "-json",
    "-input=false",
    "-no-color",
    refresh,
    "-lock=false",
    ...varArgs,
    `-out=${SAVED_PLAN_FILE}`,
  ]);
  const planJson = await step(toolchain, options, "show", ["show", "-json", "-no-color", SAVED_PLAN_FILE]);
  const plan = parsePlan(planJson, join(workDir, SAVED_PLAN_FILE));
  writeFileSync(join(workDir, PLAN_JSON_FILE), JSON.stringify(plan, null, 2));
  const result = { validate, diagnostics: jsonDiagnostics(planOutput), plan };
  writeFileSync(join(workDir, OFFLINE_RESULT_FILE), JSON.stringify(result));
  return result;
}

/** `terraform init` and `validate` only, on a copy of `sourceDir` (see {@link planOffline}). */
export async function validateOffline(
  toolchain: TerraformToolchain,
  options: Omit<OfflinePlanOptions, "vars" | "state" | "validate" | "refresh">,
): Promise<NonNullable<OfflinePlanResult["validate"]>> {
  await initOffline(toolchain, options);
  return JSON.parse(await step(toolchain, options, "validate", ["validate", "-json", "-no-color"])) as NonNullable<
    OfflinePlanResult["validate"]
  >;
}

/** Copies the configuration into the emptied work dir, adds the offline override and runs init. */
async function initOffline(
  toolchain: TerraformToolchain,
  options: Omit<OfflinePlanOptions, "vars" | "validate" | "refresh">,
): Promise<void> {
  const { sourceDir, workDir } = options;
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  cpSync(sourceDir, workDir, {
    recursive: true,
    // Not a source's own `.terraform/` (installed providers and modules), but its lock file, yes.
    filter: (src) => basename(src) !== ".terraform" && !src.endsWith(".tfstate"),
  });
  for (const file of options.extraFiles ?? []) cpSync(file, join(workDir, basename(file)));
  const aliases =
    options.providerAliases ??
    providerAliasesOf(JSON.parse(readFileSync(join(workDir, "cdk.tf.json"), "utf8")) as Parameters<typeof providerAliasesOf>[0]);
  writeFileSync(join(workDir, "offline_override.tf.json"), JSON.stringify(offlineOverride(aliases, options.endpoints), null, 2));
  if (options.state !== undefined) {
    writeFileSync(join(workDir, "offline.tfstate"), JSON.stringify(options.state, null, 2));
  }
  await step(toolchain, options, "init", [
    "init",
    "-input=false",
    "-no-color",
    ...(options.lockfile === "readonly" ? ["-lockfile=readonly"] : []),
  ]);
}

/** The stack folders below a synth output directory (`<outdir>/stacks/*`). */
export function synthesizedStacks(outdir: string): string[] {
  return readdirSync(join(outdir, "stacks")).sort();
}
