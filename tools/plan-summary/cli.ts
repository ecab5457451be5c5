/**
 * `npm run plan:summary -- <plan.json> [--fail-on-stateful-change] [--title <text>] [--max-length <chars>]`
 *
 * Prints a Markdown summary of `terraform show -json <planfile>` for a PR comment or a job
 * summary. Exit codes: 0 summary printed (or `--help`); 1 bad arguments or not a readable
 * plan (one line on stderr); 2 `--fail-on-stateful-change` and a stateful resource would be
 * destroyed (a global table's replica removed or re-created included), or a replica would lack
 * its table's point-in-time recovery. How to read the output: docs/plan-review.md.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { githubRunFromEnv } from "./github-run";
import { parsePlan, PlanInputError } from "./plan-schema";
import { DEFAULT_MAX_LENGTH, renderMarkdown } from "./render-markdown";
import { failsStatefulCheck, summarizePlan } from "./summarize";
import { runCli } from "../cli-entry";

export const EXIT_CODES = { ok: 0, badInput: 1, statefulChange: 2 } as const;

export const USAGE = `usage: npm run plan:summary -- <plan.json> [options]

Prints a Markdown summary of a Terraform plan: the JSON of \`terraform show -json <planfile>\`.

options:
  --fail-on-stateful-change  exit 2 when a stateful resource would be destroyed or replaced (a
                             global table's replica removed or re-created included), or a
                             replica would lack its table's point-in-time recovery
  --title <text>             heading of the summary (default: "Terraform plan")
  --max-length <chars>       leave out detail to stay under this length (default: ${DEFAULT_MAX_LENGTH},
                             for a GitHub comment; stateful changes are never left out)
  --help                     print this help

In GitHub Actions, the summary links the commit and the run (GITHUB_SERVER_URL,
GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_RUN_ID). How to read it: docs/plan-review.md.
`;

export interface CliOptions {
  readonly planFile: string;
  readonly failOnStatefulChange: boolean;
  readonly title: string | undefined;
  readonly maxLength: number;
}

/** `--help` anywhere in the arguments. */
class HelpRequested extends Error {}

const SHORT_USAGE =
  "usage: plan-summary <plan.json> [--fail-on-stateful-change] [--title <text>] [--max-length <chars>] (--help for more)";

/** The value after an option; throws when it is missing. */
function optionValue(args: readonly string[], index: number): string {
  const value = args[index + 1];
  if (value === undefined || value.startsWith("--")) throw new PlanInputError(`${args[index]} needs a value; ${SHORT_USAGE}`);
  return value;
}

/** Parses argv (without node and the script); throws `PlanInputError` with the usage. */
export function parseArgs(args: readonly string[]): CliOptions {
  if (args.includes("--help") || args.includes("-h")) throw new HelpRequested();
  const files: string[] = [];
  let failOnStatefulChange = false;
  let title: string | undefined;
  let maxLength = DEFAULT_MAX_LENGTH;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === "--fail-on-stateful-change") failOnStatefulChange = true;
    else if (arg === "--title") title = optionValue(args, i++);
    else if (arg === "--max-length") {
      const value = optionValue(args, i++);
      if (!/^[1-9]\d*$/.test(value))
        throw new PlanInputError(`--max-length must be a positive whole number of characters, got "${value}"`);
      maxLength = Number(value);
    } else if (arg.startsWith("-")) throw new PlanInputError(`unknown option ${arg}; ${SHORT_USAGE}`);
    else files.push(arg);
  }
  if (files.length !== 1) throw new PlanInputError(`expected one plan file, got ${files.length}; ${SHORT_USAGE}`);
  return { planFile: files[0]!, failOnStatefulChange, title, maxLength };
}

/** A saved plan file is a zip archive: its first bytes are the zip signature. */
const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The text of the plan file; a saved (binary) plan gets the command that converts it. */
export function readPlanFile(path: string): string {
  let bytes: Buffer;
  try {
    // npm runs scripts in the project root; a relative path is meant from where the user typed
    // the command (npm's INIT_CWD), e.g. the stack folder that holds plan.json.
    bytes = readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), path));
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    throw new PlanInputError(
      code === "ENOENT" ? `${path}: no such file` : `${path}: cannot read (${code ?? (error as Error).message})`,
    );
  }
  if (bytes.subarray(0, ZIP_SIGNATURE.length).equals(ZIP_SIGNATURE) || bytes.includes(0)) {
    throw new PlanInputError(
      `${path} is a binary file, probably a saved plan (terraform plan -out): summarize its JSON instead: terraform show -json ${path} > plan.json`,
    );
  }
  return bytes.toString("utf8");
}

export function main(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  try {
    const options = parseArgs(args);
    const summary = summarizePlan(parsePlan(readPlanFile(options.planFile), options.planFile));
    const markdown = renderMarkdown(summary, { title: options.title, run: githubRunFromEnv(env), maxLength: options.maxLength });
    if (markdown.length > options.maxLength) {
      process.stderr.write(
        `plan-summary: warning: the summary is ${markdown.length} characters, over --max-length ${options.maxLength}: it lists every stateful change, and there are that many\n`,
      );
    }
    process.stdout.write(markdown);
    return options.failOnStatefulChange && failsStatefulCheck(summary) ? EXIT_CODES.statefulChange : EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(USAGE);
      return EXIT_CODES.ok;
    }
    if (!(error instanceof PlanInputError)) throw error;
    process.stderr.write(`plan-summary: ${error.message}\n`);
    return EXIT_CODES.badInput;
  }
}

if (require.main === module) runCli("plan:summary", () => main(process.argv.slice(2)));
