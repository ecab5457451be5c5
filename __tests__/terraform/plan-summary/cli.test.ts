/**
 * `npm run plan:summary` as CI runs it: a child process, judged by exit code and streams.
 * 0 = printed; 1 = not a readable plan (one line on stderr); 2 = a stateful resource would be
 * destroyed and `--fail-on-stateful-change` was given.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../../../build/project-root";
import { PLAN_FIXTURES, PLAN_SUMMARY_FIXTURES, type PlanFixture, planFixturePath } from "../support/plan-fixtures";
import { describeWithTerraform } from "../support/terraform-tests";

const run = promisify(execFile);

interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function planSummary(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "tools/plan-summary.ts", ...args], { cwd: PROJECT_ROOT });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { status: code, stdout, stderr };
  }
}

/** Starts every run at once (each costs a node + tsx start-up); the tests await theirs. */
function startAll<K extends string>(runs: Record<K, string[]>): Record<K, Promise<CliResult>> {
  return Object.fromEntries(Object.entries<string[]>(runs).map(([name, args]) => [name, planSummary(...args)])) as Record<K, Promise<CliResult>>;
}

describeWithTerraform("exit codes on real plans", () => {
  const failOn = (fixture: PlanFixture) => [planFixturePath(fixture), "--fail-on-stateful-change"];
  let results: Record<
    "createOnly" | "dynamodbReplace" | "dynamodbReplaceNoFlag" | "s3Delete" | "replicaRemoved" | "statelessChanges" | "noChanges",
    Promise<CliResult>
  >;
  beforeAll(() => {
    results = startAll({
      createOnly: failOn(PLAN_FIXTURES.createOnly),
      dynamodbReplace: failOn(PLAN_FIXTURES.dynamodbReplace),
      dynamodbReplaceNoFlag: [planFixturePath(PLAN_FIXTURES.dynamodbReplace)],
      s3Delete: failOn(PLAN_FIXTURES.s3Delete),
      replicaRemoved: failOn(PLAN_FIXTURES.replicaRemoved),
      statelessChanges: failOn(PLAN_FIXTURES.statelessChanges),
      noChanges: failOn(PLAN_FIXTURES.noChanges),
    });
  });

  test.each([
    ["a stateful replacement", "dynamodbReplace"],
    ["a stateful deletion", "s3Delete"],
    ["a global table losing a region's replica (an in-place update)", "replicaRemoved"],
  ] as const)("fails with 2 on %s, after printing the summary", async (_, name) => {
    const result = await results[name];
    expect(result.status).toBe(2);
    expect(result.stdout).toContain("> [!CAUTION]");
    expect(result.stderr).toBe("");
  });

  test.each([
    ["only creations", "createOnly"],
    ["a stateless replacement and a stateful in-place update", "statelessChanges"],
    ["no changes", "noChanges"],
  ] as const)("passes with 0 on %s", async (_, name) => {
    const result = await results[name];
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^### Terraform plan\n/);
  });

  test("passes with 0 on a stateful replacement without --fail-on-stateful-change", async () => {
    const result = await results.dynamodbReplaceNoFlag;
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("> [!CAUTION]");
  });
});

describe("input that is not a readable plan", () => {
  const badInput = (file: string) => join(PLAN_SUMMARY_FIXTURES, "bad-input", file);
  const cases = {
    missing: [badInput("does-not-exist.json")],
    notJson: [badInput("not-json.txt")],
    array: [badInput("array.json")],
    noFormatVersion: [badInput("no-format-version.json")],
    formatVersion2: [badInput("format-version-2.json")],
    stateNotPlan: [badInput("state-not-plan.json")],
    noArguments: [],
    unknownOption: [badInput("array.json"), "--fail-on-everything"],
  };
  let results: Record<keyof typeof cases, Promise<CliResult>>;
  beforeAll(() => {
    results = startAll(cases);
  });

  test.each([
    ["a missing file", "missing", /: no such file$/],
    ["a file that is not JSON", "notJson", /not-json\.txt is not JSON \(/],
    ["a JSON array", "array", /is not a Terraform plan: expected the object of `terraform show -json <planfile>`, got an array$/],
    ["an object without format_version", "noFormatVersion", /is not a Terraform plan: "format_version" is missing/],
    ["format_version 2.0", "formatVersion2", /unsupported plan format_version "2\.0" \(supported: 1\.x\)$/],
    ["the JSON of a state, not a plan", "stateNotPlan", /is not a Terraform plan: planned_values: /],
    ["no arguments", "noArguments", /^plan-summary: expected one plan file, got 0; usage: /],
    ["an unknown option", "unknownOption", /^plan-summary: unknown option --fail-on-everything; usage: /],
  ] as const)("rejects %s with exit 1 and one line on stderr", async (_, name, message) => {
    const result = await results[name];
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^plan-summary: [^\n]+\n$/);
    expect(result.stderr.trimEnd()).toMatch(message);
  });
});
