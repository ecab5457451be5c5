/**
 * Section 5: wall time of the whole suite (`npm test`: type check, lint, jest with the
 * terraform global setup), of the unit project (`npm run test:unit`) and of one unit test
 * file, as a developer runs them.
 */
import { PROJECT_ROOT } from "../../build/project-root";
import { type ProcessSpread, processSpreadOf, runMeasured } from "./measure";

export const UNIT_TEST_FILE = "__tests__/config/config.test.ts";

export interface TestsResult {
  readonly npmTest?: ProcessSpread;
  readonly unitProject?: ProcessSpread;
  readonly unitFile: ProcessSpread;
}

export interface TestsOptions {
  readonly runs: number;
  readonly fullSuite: boolean;
  readonly log: (line: string) => void;
}

export function benchTests(options: TestsOptions): TestsResult {
  const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
  const unitRuns = Array.from({ length: options.runs }, (_, run) => {
    options.log(`tests: ${UNIT_TEST_FILE}, run ${run + 1}/${options.runs}`);
    return runMeasured("npx", ["jest", UNIT_TEST_FILE], { cwd: PROJECT_ROOT, env });
  });
  if (!options.fullSuite) return { unitFile: processSpreadOf(unitRuns) };
  options.log("tests: npm run test:unit (once)");
  const unitProject = runMeasured("npm", ["run", "-s", "test:unit"], { cwd: PROJECT_ROOT, env, timeoutMs: 20 * 60_000 });
  options.log("tests: npm test (the whole suite, once)");
  const npmTest = runMeasured("npm", ["test", "--silent"], { cwd: PROJECT_ROOT, env, timeoutMs: 20 * 60_000 });
  return {
    npmTest: processSpreadOf([npmTest]),
    unitProject: processSpreadOf([unitProject]),
    unitFile: processSpreadOf(unitRuns),
  };
}
