/**
 * `npm run plan:summary` as CI runs it: a child process, judged by exit code and streams.
 * 0 = printed (or --help); 1 = not a readable plan (one line on stderr); 2 = a stateful
 * resource would be destroyed and `--fail-on-stateful-change` was given (the replica cases:
 * replica-guards.test.ts).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLAN_FIXTURES, PLAN_SUMMARY_FIXTURES, type PlanFixture, planFixturePath } from "../../support/plan-fixtures";
import { type CliResult, planSummary, startAll } from "./cli-run";

describe("exit codes on real plans", () => {
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
    titleWithoutValue: [badInput("array.json"), "--title"],
    badMaxLength: [badInput("array.json"), "--max-length", "64k"],
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
    ["--title without a value", "titleWithoutValue", /^plan-summary: --title needs a value; usage: /],
    [
      "a --max-length that is not a number",
      "badMaxLength",
      /^plan-summary: --max-length must be a positive whole number of characters, got "64k"$/,
    ],
  ] as const)("rejects %s with exit 1 and one line on stderr", async (_, name, message) => {
    const result = await results[name];
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^plan-summary: [^\n]+\n$/);
    expect(result.stderr.trimEnd()).toMatch(message);
  });
});

describe("--help", () => {
  test("prints the usage on stdout and exits 0", async () => {
    const result = await planSummary(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run plan:summary -- <plan\.json> \[options\]\n/);
    expect(result.stdout).toContain("--fail-on-stateful-change");
    expect(result.stdout).toContain("--max-length <chars>");
    expect(result.stderr).toBe("");
  });
});

describe("real plans through the process boundary", () => {
  let results: Record<"binaryPlan" | "inActions" | "overLimit" | "belowStatefulMinimum", Promise<CliResult>>;
  // What `terraform plan -out` writes: a zip archive.
  let binaryPlan: string;
  beforeAll(() => {
    binaryPlan = join(mkdtempSync(join(tmpdir(), "plan-summary-cli-")), "tfplan");
    writeFileSync(binaryPlan, Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), Buffer.alloc(64, 1)]));
    results = {
      binaryPlan: planSummary([binaryPlan]),
      inActions: planSummary([planFixturePath(PLAN_FIXTURES.noChanges)], {
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "acme/tickets",
        GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
        GITHUB_RUN_ID: "42",
      }),
      overLimit: planSummary([planFixturePath(PLAN_FIXTURES.commentLimit)]),
      belowStatefulMinimum: planSummary([
        planFixturePath(PLAN_FIXTURES.commentLimit),
        "--max-length",
        "500",
        "--fail-on-stateful-change",
      ]),
    };
  });

  test("a saved (binary) plan gets the command that converts it", async () => {
    const result = await results.binaryPlan;
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `plan-summary: ${binaryPlan} is a binary file, probably a saved plan (terraform plan -out): summarize its JSON instead: terraform show -json ${binaryPlan} > plan.json\n`,
    );
  });

  test("links the commit and the run when GitHub Actions' variables are set", async () => {
    const result = await results.inActions;
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "[`0123456`](https://github.com/acme/tickets/commit/0123456789abcdef0123456789abcdef01234567)",
    );
    expect(result.stdout).toContain("(https://github.com/acme/tickets/actions/runs/42)");
  });

  test("fits a long plan into one comment by default", async () => {
    const result = await results.overLimit;
    expect(result.status).toBe(0);
    expect(result.stdout.length).toBeLessThanOrEqual(64_000);
    expect(result.stdout).toContain("**Shortened to stay under 64,000 characters**");
    expect(result.stderr).toBe("");
  });

  test("warns when the stateful changes alone need more than --max-length, and still fails on them", async () => {
    const result = await results.belowStatefulMinimum;
    expect(result.status).toBe(2);
    expect(result.stdout).toContain("`aws_dynamodb_table.legacy`: **delete**");
    expect(result.stderr).toMatch(
      /^plan-summary: warning: the summary is \d+ characters, over --max-length 500: it lists every stateful change/,
    );
  });
});
