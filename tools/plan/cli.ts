/**
 * `npm run plan -- [--stack <name>] [--config <file>] [--out <dir>] [--state <file>]`
 *
 * An offline plan of one stack, with no AWS credentials (see plan-stack.ts). Exit codes:
 * 0 planned (or --help); 1 bad arguments, unknown stack, invalid settings, unreadable state,
 * no terraform, or terraform failed (the reason on stderr, nothing written).
 */
import { relative, resolve } from "node:path";
import { ConfigError } from "../../config/load";
import { STACK_NAMES } from "../../stacks/app";
import { TerraformCommandError } from "../terraform/offline-plan";
import { type PlannedStack, planStack, PlanStackError, STACKS } from "./plan-stack";
import { runCli } from "../cli-entry";

export const EXIT_CODES = { ok: 0, failed: 1 } as const;

export const USAGE = `usage: npm run plan -- [--stack <name>] [--config <file>] [--out <dir>] [--state <file>]

Plans one stack offline: fake AWS credentials, a local backend, no refresh; no AWS account needed.

options:
  --stack <name>   ${STACKS.join(" or ")} (default: ${STACK_NAMES.tickets})
  --config <file>  settings file (default: $TICKETS_CONFIG, else the built-in defaults)
  --out <dir>      where to write tfplan, plan.json and plan-summary.md (default: dist/plan/<stack>)
  --state <file>   plan against this state (e.g. from terraform state pull) instead of an empty one
  --help           print this help

Needs terraform 1.10+ ($TERRAFORM_BIN, else PATH); uses a provider mirror when it finds one
($TF_PROVIDER_MIRROR, then the usual plugin folders). More: docs/plan-review.md.
`;

interface CliOptions {
  readonly stack: string;
  readonly configFile: string | undefined;
  readonly outDir: string | undefined;
  readonly stateFile: string | undefined;
}

const OPTIONS = { "--stack": "stack", "--config": "configFile", "--out": "outDir", "--state": "stateFile" } as const;

/** Parses argv (without node and the script); `undefined` for --help. */
export function parseArgs(args: readonly string[]): CliOptions | undefined {
  if (args.includes("--help") || args.includes("-h")) return undefined;
  const values: Partial<Record<(typeof OPTIONS)[keyof typeof OPTIONS], string>> = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const key = OPTIONS[arg as keyof typeof OPTIONS];
    if (key === undefined) throw new PlanStackError(`unknown argument ${arg}; ${USAGE.split("\n")[0]}`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith("--")) throw new PlanStackError(`${arg} needs a value`);
    values[key] = value;
    i += 1;
  }
  return {
    stack: values.stack ?? STACK_NAMES.tickets,
    configFile: values.configFile,
    outDir: values.outDir,
    stateFile: values.stateFile,
  };
}

function report(stack: string, planned: PlannedStack, cwd: string): string {
  const { counts } = planned.summary;
  // Relative to where the command ran when inside it, else absolute.
  const show = (path: string) => (relative(cwd, path).startsWith("..") ? path : relative(cwd, path));
  return [
    `Planned stack "${stack}" offline (settings: ${planned.settings}; fake credentials, local backend, no refresh):`,
    `  ${counts.create} to create, ${counts.update} to update, ${counts.replace} to replace, ${counts.delete} to delete`,
    `  ${show(planned.files.savedPlan)}  saved plan (terraform -chdir=${show(planned.files.workDir)} show ../tfplan)`,
    `  ${show(planned.files.planJson)}  terraform show -json`,
    `  ${show(planned.files.summary)}  review summary`,
    "",
  ].join("\n");
}

export async function main(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<number> {
  try {
    const options = parseArgs(args);
    if (options === undefined) {
      process.stdout.write(USAGE);
      return EXIT_CODES.ok;
    }
    const planned = await planStack({
      stack: options.stack,
      configFile: options.configFile === undefined ? undefined : resolve(cwd, options.configFile),
      outDir: resolve(cwd, options.outDir ?? `dist/plan/${options.stack}`),
      stateFile: options.stateFile === undefined ? undefined : resolve(cwd, options.stateFile),
      env,
    });
    process.stdout.write(report(options.stack, planned, cwd));
    return EXIT_CODES.ok;
  } catch (error) {
    if (!(error instanceof PlanStackError || error instanceof ConfigError || error instanceof TerraformCommandError)) throw error;
    process.stderr.write(`plan: ${(error as Error).message.trimEnd()}\n`);
    return EXIT_CODES.failed;
  }
}

if (require.main === module) runCli("plan", () => main(process.argv.slice(2)));
