/**
 * `npm run plan:summary -- <plan.json> [--fail-on-stateful-change] [--title <text>]`
 *
 * Prints a Markdown summary of `terraform show -json <planfile>` for a PR comment or a job
 * summary. Exit codes: 0 summary printed; 1 bad arguments or not a readable plan (one line
 * on stderr); 2 `--fail-on-stateful-change` and a stateful resource would be destroyed.
 * How to read the output: docs/plan-review.md.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parsePlan, PlanInputError } from "./plan-summary/plan-schema";
import { renderMarkdown } from "./plan-summary/render-markdown";
import { stateLosingChanges, summarizePlan } from "./plan-summary/summarize";

export const EXIT_CODES = { ok: 0, badInput: 1, statefulChange: 2 } as const;

const USAGE = "usage: plan-summary <plan.json> [--fail-on-stateful-change] [--title <text>]";

export interface CliOptions {
  readonly planFile: string;
  readonly failOnStatefulChange: boolean;
  readonly title: string | undefined;
}

/** Parses argv (without node and the script); throws `PlanInputError` with the usage. */
export function parseArgs(args: readonly string[]): CliOptions {
  const files: string[] = [];
  let failOnStatefulChange = false;
  let title: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === "--fail-on-stateful-change") failOnStatefulChange = true;
    else if (arg === "--title" && i + 1 < args.length) title = args[++i];
    else if (arg.startsWith("-")) throw new PlanInputError(`unknown option ${arg}; ${USAGE}`);
    else files.push(arg);
  }
  if (files.length !== 1) throw new PlanInputError(`expected one plan file, got ${files.length}; ${USAGE}`);
  return { planFile: files[0]!, failOnStatefulChange, title };
}

function readPlanFile(path: string): string {
  try {
    // npm runs scripts in the project root; a relative path is meant from where the user typed
    // the command (npm's INIT_CWD), e.g. the stack folder that holds plan.json.
    return readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), path), "utf8");
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    throw new PlanInputError(
      code === "ENOENT" ? `${path}: no such file` : `${path}: cannot read (${code ?? (error as Error).message})`,
    );
  }
}

export function main(args: readonly string[]): number {
  try {
    const options = parseArgs(args);
    const summary = summarizePlan(parsePlan(readPlanFile(options.planFile), options.planFile));
    process.stdout.write(renderMarkdown(summary, { title: options.title }));
    return options.failOnStatefulChange && stateLosingChanges(summary).length > 0 ? EXIT_CODES.statefulChange : EXIT_CODES.ok;
  } catch (error) {
    if (!(error instanceof PlanInputError)) throw error;
    process.stderr.write(`plan-summary: ${error.message}\n`);
    return EXIT_CODES.badInput;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
