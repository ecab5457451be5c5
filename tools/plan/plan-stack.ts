/**
 * Plans one stack of this app offline, the way the tests do: synthesize it, switch its
 * backend to a local state and give every provider fake credentials (tools/terraform), and
 * run `terraform plan -refresh=false`. No AWS account is needed, and no network where the
 * machine has a mirror of the AWS provider. Writes into `outDir`:
 *
 *   tfplan           the saved plan
 *   plan.json        `terraform show -json tfplan`
 *   plan-summary.md  the review summary (`npm run plan:summary`), with every detail
 *   terraform/       the working directory the plan was made in (for `terraform show`)
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import { CONFIG_ENV_VAR, loadConfig } from "../../config/load";
import type { TicketsConfig } from "../../config/schema";
import { buildStacks, STACK_NAMES } from "../../stacks/app";
import { renderMarkdown } from "../plan-summary/render-markdown";
import { type PlanSummary, summarizePlan } from "../plan-summary/summarize";
import { PLAN_JSON_FILE, planOffline, SAVED_PLAN_FILE } from "../terraform/offline-plan";
import { findTerraform, prepareToolchain, terraformNotFound } from "../terraform/toolchain";

/** Input this command can't plan; the message says which argument and why. */
export class PlanStackError extends Error {
  override readonly name = "PlanStackError";
}

export const STACKS: readonly string[] = Object.values(STACK_NAMES);

/** What `planStack` writes into the out folder. */
export const OUTPUT_FILES = {
  savedPlan: "tfplan",
  planJson: "plan.json",
  summary: "plan-summary.md",
  workDir: "terraform",
} as const;

export interface PlanStackOptions {
  readonly stack: string;
  /** Settings file; `undefined`: `$TICKETS_CONFIG`, else the built-in defaults. */
  readonly configFile: string | undefined;
  readonly outDir: string;
  /** A state to plan against (e.g. `terraform state pull`); `undefined`: an empty state. */
  readonly stateFile: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

export interface PlannedStack {
  /** Where the settings came from: a file path or "built-in defaults". */
  readonly settings: string;
  readonly summary: PlanSummary;
  readonly files: Readonly<Record<keyof typeof OUTPUT_FILES, string>>;
}

function loadSettings(configFile: string | undefined, env: NodeJS.ProcessEnv): { config: TicketsConfig; settings: string } {
  const configEnv = configFile === undefined ? env : { ...env, [CONFIG_ENV_VAR]: configFile };
  const file = configEnv[CONFIG_ENV_VAR];
  // loadConfig throws a ConfigError naming the file and every invalid field.
  return { config: loadConfig(configEnv), settings: file ? resolve(file) : "built-in defaults" };
}

/** A state file's JSON, checked to be a Terraform state before terraform sees it. */
function readState(stateFile: string): unknown {
  let state: unknown;
  try {
    state = JSON.parse(readFileSync(stateFile, "utf8"));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message.split("\n")[0];
    throw new PlanStackError(`--state ${stateFile}: ${reason}`);
  }
  const { version, resources } = (state ?? {}) as { version?: unknown; resources?: unknown };
  if (version !== 4 || !Array.isArray(resources)) {
    throw new PlanStackError(
      `--state ${stateFile}: not a Terraform state (expected the JSON of \`terraform state pull\`, format version 4)`,
    );
  }
  return state;
}

/** Synthesizes the app into `outdir` and returns the stack's folder. */
function synthesize(config: TicketsConfig, stack: string, outdir: string): string {
  const app = new App({ outdir });
  buildStacks(app, config);
  app.synth();
  return join(outdir, "stacks", stack);
}

/**
 * Checks every input first (stack, settings, state, terraform), so bad input writes
 * nothing; then synthesizes and plans. A failed plan leaves none of the output files.
 */
export async function planStack(options: PlanStackOptions): Promise<PlannedStack> {
  if (!STACKS.includes(options.stack)) {
    throw new PlanStackError(`unknown stack "${options.stack}"; the stacks are: ${STACKS.join(", ")}`);
  }
  const { config, settings } = loadSettings(options.configFile, options.env);
  const state = options.stateFile === undefined ? undefined : readState(options.stateFile);
  if (findTerraform(options.env) === undefined) throw new PlanStackError(terraformNotFound(options.env));

  const outDir = resolve(options.outDir);
  const files = Object.fromEntries(
    Object.entries(OUTPUT_FILES).map(([key, name]) => [key, join(outDir, name)]),
  ) as PlannedStack["files"];
  const scratch = mkdtempSync(join(tmpdir(), "tickets-plan-"));
  try {
    const toolchain = prepareToolchain(scratch, options.env)!;
    const sourceDir = synthesize(config, options.stack, join(scratch, "synth"));
    mkdirSync(outDir, { recursive: true });
    for (const file of [files.savedPlan, files.planJson, files.summary]) rmSync(file, { force: true });
    try {
      const { plan } = await planOffline(toolchain, { sourceDir, workDir: files.workDir, state, validate: false });
      const summary = summarizePlan(plan);
      copyFileSync(join(files.workDir, SAVED_PLAN_FILE), files.savedPlan);
      copyFileSync(join(files.workDir, PLAN_JSON_FILE), files.planJson);
      writeFileSync(
        files.summary,
        renderMarkdown(summary, { title: `Terraform plan: ${options.stack} (offline)`, maxLength: Number.MAX_SAFE_INTEGER }),
      );
      return { settings, summary, files };
    } catch (error) {
      rmSync(files.workDir, { recursive: true, force: true });
      throw error;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
