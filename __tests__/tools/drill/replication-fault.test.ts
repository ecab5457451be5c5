/**
 * `--fault replication`: the stack's FIS template pauses replication (the fake's FIS is
 * aws-sdk-client-mock on a real client per region; tickets written while paused reach the
 * other regions only after the experiment stops).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probeOutcome, type DrillRecord } from "../../../tools/drill/record";
import { DRILL_MARKER_TAG } from "../../../tools/drill/targets";
import { FAKE_START, FakeDeployment, FIS_STOP_MS, FIS_TEMPLATE_ID } from "./support/fake-deployment";

const MARKER = "drill-20261130T090000Z";
const EXPERIMENT = "EXP00000000000001";

function stepOutcomes(record: DrillRecord): Record<string, string> {
  return Object.fromEntries(record.steps.map((step) => [step.name, step.outcome]));
}

/** The experiment was stopped (or never started) and every experiment has ended. */
function expectReplicationRunning(deployment: FakeDeployment): void {
  for (const experiment of deployment.experiments) {
    expect(experiment.stopRequestedAt).toBeDefined();
    expect(deployment.experimentStatus(experiment)).toBe("stopped");
  }
}

describe("the happy path", () => {
  let deployment: FakeDeployment;
  let record: DrillRecord;

  beforeAll(async () => {
    deployment = new FakeDeployment({ replicationFault: true });
    record = await deployment.run({ fault: "replication", probes: 6 });
  });

  test("passes", () => {
    expect(record.problems).toEqual([]);
    expect(record.outcome).toBe("passed");
    expect(stepOutcomes(record)).toEqual({
      preflight: "ok",
      mark: "ok",
      baseline: "ok",
      break: "ok",
      observe: "ok",
      restore: "ok",
      unmark: "ok",
      verify: "ok",
    });
  });

  test("writes exactly: StartExperiment of the template (tagged, the drill id as token), StopExperiment; nothing else", () => {
    expect(deployment.regionalWriteCalls()).toEqual([
      {
        command: "StartExperiment",
        input: { experimentTemplateId: FIS_TEMPLATE_ID, clientToken: MARKER, tags: { [DRILL_MARKER_TAG]: MARKER } },
      },
      { command: "StopExperiment", input: { id: EXPERIMENT } },
    ]);
    expect(deployment.writeCalls()).toEqual([]);
    expectReplicationRunning(deployment);
  });

  test("probes written in the primary while paused are missing in the standby, then arrive: the catch-up is measured", () => {
    expect(record.probes.map((probe) => probe.servedBy)).toEqual(Array(6).fill("eu-west-1"));
    expect(record.steps.find((step) => step.name === "observe")!.detail).toBe(
      "6 probes written in eu-west-1, none in ap-southeast-1 while paused",
    );
    const { broken, detected, restored, caughtUp } = record.milestones;
    expect([broken, detected, restored, caughtUp].every((at) => at !== undefined)).toBe(true);
    expect(detected!).toBeGreaterThan(broken!);
    // Replication resumes when the experiment stops; the fake's lag is 0.8 s, seen at the next poll.
    expect(restored! - broken!).toBeGreaterThan(FIS_STOP_MS);
    expect(caughtUp! - restored!).toBeLessThanOrEqual(5_500);
    expect(record.probes.map(probeOutcome)).toEqual(Array(6).fill("verified"));
  });

  test("nothing fails over: the region stays healthy and answered", () => {
    expect(record.failoverRegion).toBeUndefined();
    expect(record.samples.every((sample) => sample.health === "healthy" && sample.answer === "eu-west-1")).toBe(true);
  });

  test("the record names the fault and the drift on the replicas' resource policies", () => {
    expect(record.fault.kind).toBe("replication");
    expect(record.fault.drift.join()).toContain("aws_dynamodb_resource_policy");
    expect(record.fault.restoredCheck).toBe(`experiment ${EXPERIMENT} ended`);
  });
});

describe("restores on every exit path", () => {
  test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s while paused stops the experiment and exits %i", async (signal, exitCode) => {
    const deployment = new FakeDeployment({ replicationFault: true });
    // The experiment runs from about 6.5 s; the probes are written from then on.
    deployment.clock.at(FAKE_START + 7_000, () => deployment.signals.emit(signal));
    const record = await deployment.run({ fault: "replication" });
    expect(record.exitCode).toBe(exitCode);
    expect(stepOutcomes(record)).toMatchObject({ observe: "interrupted", restore: "ok", unmark: "ok" });
    expect(deployment.regionalWriteCalls().map((call) => call.command)).toEqual(["StartExperiment", "StopExperiment"]);
    expectReplicationRunning(deployment);
  });

  test("an AWS error while paused fails the drill and the experiment is still stopped", async () => {
    const deployment = new FakeDeployment({ replicationFault: true });
    deployment.failRoute53("TestDNSAnswer", Object.assign(new Error("Route 53 is unavailable"), { name: "ServiceUnavailable" }), {
      when: () => deployment.clock.now() > FAKE_START + 6_000,
    });
    const record = await deployment.run({ fault: "replication" });
    expect(record.problems).toEqual(["observe: ServiceUnavailable: Route 53 is unavailable"]);
    expect(stepOutcomes(record)).toMatchObject({ observe: "failed", restore: "ok" });
    expectReplicationRunning(deployment);
  });

  test("the experiment ends before it runs (a stop condition fired): break fails, nothing is left paused", async () => {
    const deployment = new FakeDeployment({ replicationFault: true });
    deployment.afterStartExperiment = (experiment) => {
      experiment.stopRequestedAt = deployment.clock.now();
    };
    const record = await deployment.run({ fault: "replication" });
    expect(record.exitCode).toBe(1);
    expect(record.problems).toEqual([`break: experiment ${EXPERIMENT} ended before it ran: stopped`]);
    expect(stepOutcomes(record)).toMatchObject({ break: "failed", restore: "ok", unmark: "ok" });
    expect(deployment.regionalWriteCalls().map((call) => call.command)).toEqual(["StartExperiment"]);
    expectReplicationRunning(deployment);
  });

  test("StopExperiment keeps failing: the report gives the command, exit 1", async () => {
    const deployment = new FakeDeployment({ replicationFault: true });
    deployment.failAws("StopExperiment", Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }), {
      times: 3,
    });
    const record = await deployment.run({ fault: "replication" });
    expect(record.exitCode).toBe(1);
    expect(stepOutcomes(record)).toMatchObject({ restore: "failed" });
    expect(record.problems.join("\n")).toContain(`aws fis stop-experiment --region eu-west-1 --id ${EXPERIMENT}`);
    expect(deployment.experimentStatus(deployment.experiments[0]!)).toBe("running");
  });
});

describe("refuses to start", () => {
  test('without the template (setting off): names "drill": { "replicationFault": true }, exit 3, nothing written', async () => {
    const deployment = new FakeDeployment();
    const record = await deployment.run({ fault: "replication" });
    expect(record.exitCode).toBe(3);
    expect(record.problems).toEqual([
      'the replication fault needs "drill": { "replicationFault": true } in the settings file (test deployment) and a deploy: ' +
        "the stack then creates the FIS experiment template tickets-drill-replication-pause in eu-west-1",
    ]);
    expect(deployment.regionalWriteCalls()).toEqual([]);
    expect(deployment.awsCalls).toEqual([]);
  });

  test("the setting is on but the template is not deployed", async () => {
    const deployment = new FakeDeployment({ replicationFault: true });
    deployment.fisTemplates.length = 0;
    const record = await deployment.run({ fault: "replication" });
    expect(record.exitCode).toBe(3);
    expect(record.problems).toEqual([
      'no FIS experiment template tagged Name=tickets-drill-replication-pause in eu-west-1: deploy the stack with "drill": { "replicationFault": true }',
    ]);
    expect(deployment.regionalWriteCalls()).toEqual([]);
  });

  test("an experiment of the template is still running", async () => {
    const deployment = new FakeDeployment({ replicationFault: true });
    deployment.experiments.push({
      id: "EXPrunning",
      templateId: FIS_TEMPLATE_ID,
      startedAt: FAKE_START - 60_000,
      stopRequestedAt: undefined,
      tags: {},
    });
    const record = await deployment.run({ fault: "replication" });
    expect(record.exitCode).toBe(3);
    expect(record.problems).toEqual([
      `experiment EXPrunning of template ${FIS_TEMPLATE_ID} has not ended: replication may be paused already`,
    ]);
    expect(deployment.regionalWriteCalls()).toEqual([]);
  });
});

test("dry run: the template id, every step, no write call", async () => {
  const deployment = new FakeDeployment({ replicationFault: true });
  const file = join(mkdtempSync(join(tmpdir(), "drill-replication-")), "config.json");
  writeFileSync(file, JSON.stringify(deployment.config));
  expect(await deployment.cli(["--dry-run", "--fault", "replication", "--config", file, "--probes", "4"])).toBe(0);
  const text = deployment.output.text;
  expect(text).toContain(
    "  fault      replication: AWS FIS pauses replication of SXRTickets, SXRTickets-idempotency into and out of eu-west-1",
  );
  expect(text).toContain(
    `4. break: FIS StartExperiment ${FIS_TEMPLATE_ID} in eu-west-1 (clientToken ${MARKER}); GetExperiment until running`,
  );
  expect(text).toContain("5. observe: 4 × POST https://api.example.com/ticket");
  expect(text).toContain("6. restore (on every exit path): FIS StopExperiment; GetExperiment until stopped");
  expect(text).toContain("Preflight passes now: the drill would start.");
  expect(deployment.regionalWriteCalls()).toEqual([]);
  expect(deployment.writeCalls()).toEqual([]);
  expect(deployment.posted()).toEqual([]);
});

test("dry run without credentials and without the setting: says the drill would refuse, naming the setting", async () => {
  const deployment = new FakeDeployment();
  deployment.failRoute53(
    "ListHealthChecks",
    Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
  );
  const file = join(mkdtempSync(join(tmpdir(), "drill-replication-")), "config.json");
  writeFileSync(file, JSON.stringify(deployment.config));
  expect(await deployment.cli(["--dry-run", "--fault", "replication", "--config", file])).toBe(0);
  expect(deployment.output.text).toContain(
    'the settings lack "drill": { "replicationFault": true }: the stack has no template and the drill would refuse',
  );
  expect(deployment.awsCalls).toEqual([]);
});
