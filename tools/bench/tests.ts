/**
 * Section 5: the suite as a developer runs it: `npm test` three times (the first with the type
 * checker's and the linters' caches emptied, as on a fresh clone), then each of its phases
 * alone, warm, one after the other (where its CPU goes: the type check, lint, the unit group
 * and the terraform group), and one unit test file.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";
import { type ProcessRun, type ProcessSpread, processSpreadOf, runMeasured } from "./measure";

export const UNIT_TEST_FILE = "__tests__/config/config.test.ts";

/** Runs of one test command; a failing run is timed too, and counted. */
export interface TestCommandResult {
  readonly spread: ProcessSpread;
  /** Runs that exited non-zero (failing tests): their time is not a passing suite's. */
  readonly failedRuns: number;
}

/** One phase of `npm test` run alone (tools/run-tests.mjs runs them, terraform beside the rest). */
export interface TestPhaseResult {
  readonly label: string;
  readonly result: TestCommandResult;
}

export interface TestsResult {
  readonly npmTest?: TestCommandResult;
  readonly phases?: readonly TestPhaseResult[];
  readonly unitFile: TestCommandResult;
}

/** Runs of `npm test` the section's median is taken from. */
export const NPM_TEST_RUNS = 3;

/** The caches a fresh clone doesn't have (tsconfig.json's tsBuildInfoFile, the lint script's caches). */
export const TOOL_CACHES = [".cache/tsc", ".cache/lint"];

interface TestPhase {
  readonly label: string;
  readonly bin?: string;
  readonly command?: string;
  readonly args: readonly string[];
}
/** `npm test`'s phases, as tools/run-tests.mjs runs them. */
const { CHECK_PHASES, TERRAFORM_PHASE, phaseCommand } = require("../test-phases.cjs") as {
  CHECK_PHASES: readonly TestPhase[];
  TERRAFORM_PHASE: TestPhase;
  phaseCommand: (root: string, phase: TestPhase) => string;
};

export interface TestsOptions {
  readonly runs: number;
  readonly fullSuite: boolean;
  readonly log: (line: string) => void;
}

function timeTests(
  label: string,
  command: string,
  args: readonly string[],
  runs: number,
  log: (line: string) => void,
  beforeRun: (run: number) => void = () => undefined,
): TestCommandResult {
  // CI as the clean-clone job sets it: the terraform group fails, not skips, without terraform.
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true" };
  const results: ProcessRun[] = [];
  for (let run = 0; run < runs; run += 1) {
    log(`tests: ${label}, run ${run + 1}/${runs}`);
    beforeRun(run);
    results.push(runMeasured(command, args, { cwd: PROJECT_ROOT, env, timeoutMs: 20 * 60_000, allowFailure: true }));
  }
  return { spread: processSpreadOf(results), failedRuns: results.filter((run) => run.exitCode !== 0).length };
}

const emptyToolCaches = () => {
  for (const cache of TOOL_CACHES) rmSync(join(PROJECT_ROOT, cache), { recursive: true, force: true });
};

export function benchTests(options: TestsOptions): TestsResult {
  const unitFile = timeTests(UNIT_TEST_FILE, "npx", ["jest", UNIT_TEST_FILE], options.runs, options.log);
  if (!options.fullSuite) return { unitFile };
  const npmTest = timeTests("npm test (the whole suite)", "npm", ["test", "--silent"], NPM_TEST_RUNS, options.log, (run) => {
    if (run === 0) emptyToolCaches();
  });
  const phases = [...CHECK_PHASES, TERRAFORM_PHASE].map((phase) => ({
    label: phase.label,
    result: timeTests(phase.label, phaseCommand(PROJECT_ROOT, phase), phase.args, 1, options.log),
  }));
  return { npmTest, phases, unitFile };
}
