/**
 * Section 5: wall time of the whole suite (`npm test`: type check, lint, jest with the
 * terraform global setup), of the unit project (`npm run test:unit`) and of one unit test
 * file, as a developer runs them.
 */
import { PROJECT_ROOT } from "../../bundling/project-root";
import { type ProcessRun, type ProcessSpread, processSpreadOf, runMeasured } from "./measure";

export const UNIT_TEST_FILE = "__tests__/config/config.test.ts";

/** Runs of one test command; a failing run is timed too, and counted. */
export interface TestCommandResult {
  readonly spread: ProcessSpread;
  /** Runs that exited non-zero (failing tests): their time is not a passing suite's. */
  readonly failedRuns: number;
}

export interface TestsResult {
  readonly npmTest?: TestCommandResult;
  readonly unitProject?: TestCommandResult;
  readonly unitFile: TestCommandResult;
}

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
): TestCommandResult {
  const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
  const results: ProcessRun[] = [];
  for (let run = 0; run < runs; run += 1) {
    log(`tests: ${label}, run ${run + 1}/${runs}`);
    results.push(runMeasured(command, args, { cwd: PROJECT_ROOT, env, timeoutMs: 20 * 60_000, allowFailure: true }));
  }
  return { spread: processSpreadOf(results), failedRuns: results.filter((run) => run.exitCode !== 0).length };
}

export function benchTests(options: TestsOptions): TestsResult {
  const unitFile = timeTests(UNIT_TEST_FILE, "npx", ["jest", UNIT_TEST_FILE], options.runs, options.log);
  if (!options.fullSuite) return { unitFile };
  return {
    unitProject: timeTests("npm run test:unit", "npm", ["run", "-s", "test:unit"], 1, options.log),
    npmTest: timeTests("npm test (the whole suite)", "npm", ["test", "--silent"], 1, options.log),
    unitFile,
  };
}
