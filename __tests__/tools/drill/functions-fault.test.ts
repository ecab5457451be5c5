/**
 * `--fault functions`: the drilled region's functions at reserved concurrency 0, against the
 * fake deployment (its Lambda is aws-sdk-client-mock on a real client per region; a region
 * whose functions are all throttled answers 500 and fails its health checks).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probeOutcome, type DrillRecord } from "../../../tools/drill/record";
import { DRILL_MARKER_TAG } from "../../../tools/drill/targets";
import { drillTimings } from "../../../tools/drill/timings";
import { ACCOUNT, FAKE_START, FakeDeployment } from "./support/fake-deployment";

const MARKER = "drill-20261130T090000Z";
const PRIMARY = "eu-west-1";
const NAMES = ["tickets-get", "tickets-post", "tickets-health"];
const arn = (name: string, region = PRIMARY) => `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`;

function stepOutcomes(record: DrillRecord): Record<string, string> {
  return Object.fromEntries(record.steps.map((step) => [step.name, step.outcome]));
}

/** Every function as the stack made it: get and post without reservation, health at 10, no marker. */
function expectFunctionsAsBefore(deployment: FakeDeployment): void {
  expect(deployment.functions.map(({ name, region, reserved }) => [region, name, reserved])).toEqual([
    [PRIMARY, "tickets-get", undefined],
    [PRIMARY, "tickets-post", undefined],
    [PRIMARY, "tickets-health", 10],
    ["ap-southeast-1", "tickets-get", undefined],
    ["ap-southeast-1", "tickets-post", undefined],
    ["ap-southeast-1", "tickets-health", 10],
  ]);
  for (const fn of deployment.functions) expect(fn.tags.has(DRILL_MARKER_TAG)).toBe(false);
}

const RESTORE_WRITES = [
  { command: "DeleteFunctionConcurrency", input: { FunctionName: "tickets-get" } },
  { command: "DeleteFunctionConcurrency", input: { FunctionName: "tickets-post" } },
  { command: "PutFunctionConcurrency", input: { FunctionName: "tickets-health", ReservedConcurrentExecutions: 10 } },
];

describe("the happy path", () => {
  let deployment: FakeDeployment;
  let record: DrillRecord;

  beforeAll(async () => {
    deployment = new FakeDeployment({ failoverAfterMs: 32_000, failbackAfterMs: 21_000 });
    record = await deployment.run({ fault: "functions" });
  });

  test("passes, every step ok", () => {
    expect(record.problems).toEqual([]);
    expect(record.outcome).toBe("passed");
    expect(Object.values(stepOutcomes(record)).every((outcome) => outcome === "ok")).toBe(true);
  });

  test("writes exactly: markers, reserved concurrency 0, each reservation put back, markers removed; Route 53 untouched", () => {
    expect(deployment.regionalWriteCalls()).toEqual([
      ...NAMES.map((name) => ({ command: "TagResource", input: { Resource: arn(name), Tags: { [DRILL_MARKER_TAG]: MARKER } } })),
      ...NAMES.map((name) => ({
        command: "PutFunctionConcurrency",
        input: { FunctionName: name, ReservedConcurrentExecutions: 0 },
      })),
      ...RESTORE_WRITES,
      ...NAMES.map((name) => ({ command: "UntagResource", input: { Resource: arn(name), TagKeys: [DRILL_MARKER_TAG] } })),
    ]);
    expect(deployment.writeCalls()).toEqual([]);
    expect(deployment.awsCalls.every((call) => call.region === PRIMARY)).toBe(true);
    expectFunctionsAsBefore(deployment);
  });

  test("the real outage is detected by the checkers (nothing inverted), and api.<domain> fails over and back", () => {
    const timings = drillTimings(record);
    expect(timings.timeToDetect).toBeGreaterThan(0);
    expect(timings.timeToDetect).toBeLessThanOrEqual(15_500);
    expect(timings.timeToFailOver).toBeGreaterThanOrEqual(32_000);
    expect(timings.timeToFailBack).toBeGreaterThanOrEqual(21_000);
    expect(record.failoverRegion).toBe("ap-southeast-1");
  });

  test("no probe goes to the region that is down: all are written after failover and read back everywhere", () => {
    expect(record.probes.map((probe) => probe.servedBy)).toEqual(Array(20).fill("ap-southeast-1"));
    expect(record.probes.map(probeOutcome)).toEqual(Array(20).fill("verified"));
  });

  test("the record names the fault, its Terraform drift and the reservations checked after restore", () => {
    expect(record.fault.kind).toBe("functions");
    expect(record.fault.drift).toEqual([
      expect.stringContaining(
        "aws_lambda_function tickets-get: reserved_concurrent_executions none in Terraform, 0 while broken",
      ),
      expect.stringContaining("aws_lambda_function tickets-post: reserved_concurrent_executions none"),
      expect.stringContaining(
        "aws_lambda_function tickets-health: reserved_concurrent_executions 10 in Terraform, 0 while broken",
      ),
    ]);
    expect(record.fault.restoredCheck).toBe(
      "reserved concurrency before: tickets-get none, tickets-post none, tickets-health 10; after: tickets-get none, tickets-post none, tickets-health 10",
    );
  });
});

describe("restores on every exit path", () => {
  test("failover never comes: the wait ends at --timeout, the reservations are put back, exit 1", async () => {
    const deployment = new FakeDeployment({ failoverAfterMs: "never" });
    const record = await deployment.run({ fault: "functions", timeoutSeconds: 60 });
    expect(record.exitCode).toBe(1);
    expect(stepOutcomes(record)).toMatchObject({ observe: "failed", restore: "ok", unmark: "ok" });
    expect(
      deployment
        .regionalWriteCalls()
        .filter((call) => call.command !== "TagResource")
        .slice(3, 6),
    ).toEqual(RESTORE_WRITES);
    expectFunctionsAsBefore(deployment);
  });

  test("an AWS error in the middle fails the drill and restore still runs", async () => {
    const deployment = new FakeDeployment();
    deployment.failRoute53("TestDNSAnswer", Object.assign(new Error("Route 53 is unavailable"), { name: "ServiceUnavailable" }), {
      when: () => deployment.clock.now() > FAKE_START + 15_000,
    });
    const record = await deployment.run({ fault: "functions" });
    expect(record.problems).toEqual(["observe: ServiceUnavailable: Route 53 is unavailable"]);
    expect(stepOutcomes(record)).toMatchObject({ observe: "failed", restore: "ok", unmark: "ok" });
    expectFunctionsAsBefore(deployment);
  });

  test("the break fails half way (the second function): every function is put back", async () => {
    const deployment = new FakeDeployment();
    deployment.failAws(
      "PutFunctionConcurrency",
      Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }),
      {
        when: (input) => input.FunctionName === "tickets-post" && input.ReservedConcurrentExecutions === 0,
      },
    );
    const record = await deployment.run({ fault: "functions" });
    expect(record.problems).toEqual(["break: TooManyRequestsException: Rate exceeded"]);
    expect(stepOutcomes(record)).toMatchObject({ break: "failed", restore: "ok", unmark: "ok" });
    expectFunctionsAsBefore(deployment);
  });

  test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s while waiting for failover: restores, skips verification, exits %i", async (signal, exitCode) => {
    const deployment = new FakeDeployment({ failoverAfterMs: 20_000 });
    deployment.clock.at(FAKE_START + 15_000, () => deployment.signals.emit(signal));
    const record = await deployment.run({ fault: "functions" });
    expect(record.exitCode).toBe(exitCode);
    expect(stepOutcomes(record)).toMatchObject({ observe: "interrupted", restore: "ok", unmark: "ok" });
    expect(record.steps.some((step) => step.name === "verify")).toBe(false);
    expectFunctionsAsBefore(deployment);
  });

  test("a second SIGINT during restore stops waiting, after the reservations are put back", async () => {
    const deployment = new FakeDeployment();
    deployment.clock.at(FAKE_START + 12_000, () => deployment.signals.emit("SIGINT"));
    deployment.clock.at(FAKE_START + 13_500, () => deployment.signals.emit("SIGINT"));
    const record = await deployment.run({ fault: "functions" });
    expect(stepOutcomes(record)).toMatchObject({ observe: "interrupted", restore: "interrupted", unmark: "ok" });
    expect(deployment.output.text).toContain(
      "SIGINT: no longer waiting for the primary to be back (the functions' reserved concurrency is put back first)",
    );
    expectFunctionsAsBefore(deployment);
  });

  test("putting a reservation back keeps failing: the markers stay and the report says how to restore by hand", async () => {
    const deployment = new FakeDeployment();
    deployment.failAws(
      "PutFunctionConcurrency",
      Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }),
      {
        times: 3,
        when: (input) => input.ReservedConcurrentExecutions === 10,
      },
    );
    const record = await deployment.run({ fault: "functions" });
    expect(record.exitCode).toBe(1);
    expect(stepOutcomes(record)).toMatchObject({ restore: "failed" });
    expect(record.steps.some((step) => step.name === "unmark")).toBe(false);
    expect(record.problems.join("\n")).toContain(
      `aws lambda put-function-concurrency --region ${PRIMARY} --function-name tickets-health --reserved-concurrent-executions 10`,
    );
    expect(deployment.functionOf(PRIMARY, "tickets-health").reserved).toBe(0);
    expect(deployment.functionOf(PRIMARY, "tickets-health").tags.get(DRILL_MARKER_TAG)).toBe(MARKER);
  });

  test("a reservation someone changes while the drill waits to fail back is reported after restore, exit 1", async () => {
    const deployment = new FakeDeployment();
    // Restore waits for fail back from about 37 s to 58 s.
    deployment.clock.at(FAKE_START + 45_000, () => {
      deployment.functionOf(PRIMARY, "tickets-get").reserved = 5;
    });
    const record = await deployment.run({ fault: "functions" });
    expect(record.exitCode).toBe(1);
    expect(stepOutcomes(record)).toMatchObject({ restore: "ok", unmark: "failed" });
    expect(record.problems).toEqual([
      `unmark: tag ${DRILL_MARKER_TAG} removed from tickets-get, tickets-post, tickets-health; not as before the drill: ` +
        "tickets-get has reserved concurrency 5, before the drill none",
    ]);
  });
});

describe("refuses to start", () => {
  test("a function already carries the drill marker: exit 3, nothing written", async () => {
    const deployment = new FakeDeployment();
    deployment.functionOf(PRIMARY, "tickets-post").tags.set(DRILL_MARKER_TAG, "drill-20261130T080000Z");
    const record = await deployment.run({ fault: "functions" });
    expect(record.outcome).toBe("refused");
    expect(record.exitCode).toBe(3);
    expect(record.problems).toEqual([
      `a drill is already running: function tickets-post in ${PRIMARY} has tag ${DRILL_MARKER_TAG}=drill-20261130T080000Z ` +
        '(if no drill is running, see docs/failover-drill.md "Recovering by hand")',
    ]);
    expect(deployment.regionalWriteCalls()).toEqual([]);
    expect(deployment.writeCalls()).toEqual([]);
  });

  test("a function is already at reserved concurrency 0", async () => {
    const deployment = new FakeDeployment();
    deployment.functionOf(PRIMARY, "tickets-get").reserved = 0;
    const record = await deployment.run({ fault: "functions" });
    expect(record.outcome).toBe("refused");
    expect(record.problems).toEqual([
      `function tickets-get in ${PRIMARY} already has reserved concurrency 0: it answers nothing`,
    ]);
    expect(deployment.regionalWriteCalls()).toEqual([]);
  });
});

test("active-active --region singapore: throttles singapore's functions, with singapore's Lambda client", async () => {
  const deployment = new FakeDeployment({ routing: "active-active", drill: { region: "singapore" } });
  const record = await deployment.run({ fault: "functions", probes: 4 });
  expect(record.outcome).toBe("passed");
  expect(new Set(deployment.awsCalls.map((call) => call.region))).toEqual(new Set(["ap-southeast-1"]));
  expect(deployment.regionalWriteCalls().filter((call) => call.command === "TagResource")[0]!.input.Resource).toBe(
    arn("tickets-get", "ap-southeast-1"),
  );
  expect(record.failoverRegion).toBe(PRIMARY);
  expectFunctionsAsBefore(deployment);
});

test("dry run: every step with the function names and their reservations now, no write call", async () => {
  const deployment = new FakeDeployment();
  const file = join(mkdtempSync(join(tmpdir(), "drill-functions-")), "config.json");
  writeFileSync(file, JSON.stringify(deployment.config));
  expect(await deployment.cli(["--dry-run", "--fault", "functions", "--config", file])).toBe(0);
  const text = deployment.output.text;
  expect(text).toContain(
    "  fault      functions: reserved concurrency 0 on tickets-get, tickets-post, tickets-health in eu-west-1",
  );
  expect(text).toContain("reservations now: tickets-get none, tickets-post none, tickets-health 10");
  expect(text).toContain(
    `2. mark: Lambda TagResource tickets-get, tickets-post, tickets-health in eu-west-1: add ${DRILL_MARKER_TAG}=${MARKER}`,
  );
  expect(text).toContain(
    "4. break: Lambda PutFunctionConcurrency tickets-get, tickets-post, tickets-health in eu-west-1: ReservedConcurrentExecutions=0",
  );
  expect(text).toContain("probes: 20 × POST https://api.example.com/ticket");
  expect(text).toContain(": 0 while waiting, 20 once a standby answers");
  expect(text).toContain(
    "6. restore (on every exit path): Lambda PutFunctionConcurrency back to each reservation read in preflight",
  );
  expect(text).toContain("Preflight passes now: the drill would start.");
  expect(deployment.regionalWriteCalls()).toEqual([]);
  expect(deployment.writeCalls()).toEqual([]);
  expect(deployment.posted()).toEqual([]);
});
