/**
 * The drill's state machine against a fake deployment in virtual time (no AWS, no real
 * waiting): the happy path and every way it can end early, each of which must restore.
 */
import { HealthCheckVersionMismatch } from "@aws-sdk/client-route-53";
import { IDEMPOTENCY_KEY, JSON_MEDIA_TYPE } from "../../../contract/ticket-json-schema";
import { probeOutcome, type DrillRecord } from "../../../tools/drill/record";
import { DRILL_MARKER_TAG } from "../../../tools/drill/targets";
import { drillTimings } from "../../../tools/drill/timings";
import { FAKE_START, FakeDeployment, THREE_REGIONS } from "./support/fake-deployment";

const MARKER = "drill-20261130T090000Z";
/** The fake deployment's checkers probe every 10 s; the drill polls every 5 s. */
const INTERVAL_MS = 10_000;
const POLL_MS = 5_000;
/** Route 53 and HTTP latencies of the fake within one poll. */
const POLL_SLACK_MS = 500;

function stepOutcomes(record: DrillRecord): Record<string, string> {
  return Object.fromEntries(record.steps.map((step) => [step.name, step.outcome]));
}

/** The health check is back as it was: not inverted, no marker, its own tags intact. */
function expectRestored(deployment: FakeDeployment): void {
  expect(deployment.primaryCheck.inverted).toBe(false);
  expect(deployment.primaryCheck.tags.has(DRILL_MARKER_TAG)).toBe(false);
  expect(deployment.primaryCheck.tags.get("Name")).toBe("ireland-api");
}

describe("the happy path (two regions)", () => {
  let deployment: FakeDeployment;
  let record: DrillRecord;

  beforeAll(async () => {
    // Route 53 (the fake's model) answers the standby 32 s after the inversion and the
    // primary 21 s after it is lifted.
    deployment = new FakeDeployment({ failoverAfterMs: 32_000, failbackAfterMs: 21_000 });
    record = await deployment.run();
  });

  test("passes with exit code 0 and every step ok", () => {
    expect(record.outcome).toBe("passed");
    expect(record.exitCode).toBe(0);
    expect(record.problems).toEqual([]);
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

  test("writes exactly: marker, invert (with the version read in preflight), un-invert, marker removal", () => {
    const id = deployment.primaryCheck.id;
    expect(deployment.writeCalls()).toEqual([
      {
        command: "ChangeTagsForResourceCommand",
        input: { ResourceType: "healthcheck", ResourceId: id, AddTags: [{ Key: DRILL_MARKER_TAG, Value: MARKER }] },
      },
      { command: "UpdateHealthCheckCommand", input: { HealthCheckId: id, Inverted: true, HealthCheckVersion: 1 } },
      { command: "UpdateHealthCheckCommand", input: { HealthCheckId: id, Inverted: false } },
      {
        command: "ChangeTagsForResourceCommand",
        input: { ResourceType: "healthcheck", ResourceId: id, RemoveTagKeys: [DRILL_MARKER_TAG] },
      },
    ]);
    expectRestored(deployment);
  });

  test("detection takes the checkers catching up with the inversion: at least 82 % of them, at most one interval, plus one poll", () => {
    const { timeToDetect } = drillTimings(record);
    expect(timeToDetect).toBeGreaterThanOrEqual(0.82 * INTERVAL_MS);
    expect(timeToDetect).toBeLessThanOrEqual(INTERVAL_MS + POLL_MS + POLL_SLACK_MS);
  });

  test("time to fail over and to fail back are Route 53's, seen within one poll", () => {
    const timings = drillTimings(record);
    expect(timings.timeToFailOver).toBeGreaterThanOrEqual(32_000);
    expect(timings.timeToFailOver).toBeLessThanOrEqual(32_000 + POLL_MS + POLL_SLACK_MS);
    expect(timings.timeToFailBack).toBeGreaterThanOrEqual(21_000);
    expect(timings.timeToFailBack).toBeLessThanOrEqual(21_000 + POLL_MS + POLL_SLACK_MS);
    // Un-inverted, a check counts healthy once more than 18 % of the checkers checked again.
    expect(timings.timeToHealthy).toBeGreaterThanOrEqual(0.18 * INTERVAL_MS);
    expect(timings.timeToHealthy).toBeLessThanOrEqual(INTERVAL_MS + POLL_SLACK_MS);
    expect(record.failoverRegion).toBe("ap-southeast-1");
  });

  test("polls on a fixed 5 s cadence from the change", () => {
    const observed = record.samples.filter((sample) => sample.phase === "observe").map((sample) => sample.at);
    const gaps = observed.slice(1).map((at, index) => at - observed[index]!);
    expect(gaps.length).toBeGreaterThan(4);
    for (const gap of gaps) expect(Math.abs(gap - POLL_MS)).toBeLessThanOrEqual(POLL_SLACK_MS);
  });

  test("the health lane turns unhealthy at detection and healthy after the restore", () => {
    const health = record.samples.map((sample) => `${sample.phase}:${sample.health}`);
    expect(health[0]).toBe("baseline:healthy");
    expect(health).toContain("observe:unhealthy");
    expect(health.at(-1)).toBe("restore:healthy");
    expect(record.samples.at(-1)!.answer).toBe("eu-west-1");
  });

  test("writes half the probes while waiting and the rest once the standby answers, each to an address of Route 53's answer", () => {
    const posts = deployment.posted();
    expect(posts).toHaveLength(20);
    expect(posts.every((post) => post.url === "https://api.example.com/ticket")).toBe(true);
    // One probe per poll before failover (at most half of them), the rest at the standby.
    const pollsBeforeFailover = record.samples.filter(
      (sample) => sample.phase === "observe" && sample.answer === "eu-west-1",
    ).length;
    const early = Math.min(pollsBeforeFailover, 10);
    expect(early).toBeGreaterThan(1);
    expect(posts.map((post) => post.address)).toEqual([
      ...Array(early).fill(deployment.regionAddresses("eu-west-1")[0]),
      ...Array(20 - early).fill(deployment.regionAddresses("ap-southeast-1")[0]),
    ]);
    expect(record.probes.map((probe) => probe.servedBy)).toEqual([
      ...Array(early).fill("eu-west-1"),
      ...Array(20 - early).fill("ap-southeast-1"),
    ]);
  });

  test("each probe is a valid ticket with its own Idempotency-Key", () => {
    const posts = deployment.posted();
    expect(posts.map((post) => post.headers?.["idempotency-key"])).toEqual(
      Array.from({ length: 20 }, (_, index) => `${MARKER}-probe-${String(index + 1).padStart(3, "0")}`),
    );
    expect(JSON.parse(posts[0]!.body!)).toEqual({
      description: `Failover drill ${MARKER}: probe 1 of 20`,
      createdBy: "failover-drill",
    });
    // What the API accepts (contract/): a JSON body and a key it validates.
    expect(posts.every((post) => post.headers?.["content-type"] === JSON_MEDIA_TYPE)).toBe(true);
    for (const post of posts) expect(post.headers?.["idempotency-key"]).toMatch(new RegExp(IDEMPOTENCY_KEY.pattern));
  });

  test("reads every probe back in every region, following X-Next-Token", () => {
    expect(record.probes.map(probeOutcome)).toEqual(Array(20).fill("verified"));
    expect(record.probes[0]!.readBack).toEqual({ "eu-west-1": "found", "ap-southeast-1": "found" });
    const pages = deployment.httpLog.filter((request) => request.method === "GET" && request.url.includes("/ticket"));
    expect(pages.some((request) => new URL(request.url).searchParams.has("nextToken"))).toBe(true);
    expect(pages.every((request) => new URL(request.url).searchParams.get("limit") === "1000")).toBe(true);
  });

  test("leaves no signal listener behind", () => {
    expect(deployment.signals.listenerCount("SIGINT")).toBe(0);
    expect(deployment.signals.listenerCount("SIGTERM")).toBe(0);
  });

  test("in a log, prints a line per step and per change of state, never rewriting a line", () => {
    const text = deployment.output.text;
    expect(text).not.toContain("\r");
    for (const step of ["preflight", "mark", "baseline", "break", "observe", "restore", "unmark", "verify"]) {
      expect(text).toMatch(new RegExp(`^\\[\\s*[\\d.]+ s\\] ${step}: `, "m"));
    }
    const waiting = text.split("\n").filter((line) => line.includes("waiting for failover"));
    // One line per change (healthy/unhealthy, answer) or per 30 s, not one per 5 s poll.
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    expect(waiting.length).toBeLessThan(record.samples.filter((sample) => sample.phase === "observe").length);
  });
});

test("on a terminal, the wait rewrites one status line with the elapsed time and state", async () => {
  const deployment = new FakeDeployment({ isTTY: true });
  await deployment.run({ probes: 2 });
  // ESC [2K clears the line; the carriage return goes back to its start.
  const clearLine = "\r\x1b[2K";
  expect(
    deployment.output.text
      .split(clearLine)
      .some((status) =>
        /^ {2}waiting for failover: \d+ s, primary (un)?healthy \(\d+ of 16 checkers\), api\.example\.com answers eu-west-1/.test(
          status,
        ),
      ),
  ).toBe(true);
  expect(deployment.output.text).toContain(`${clearLine}  waiting for fail back: `);
});

test("three regions: api.<domain> fails over into the standby set and probes are read back in all three", async () => {
  const deployment = new FakeDeployment({ regions: THREE_REGIONS, failoverTo: "us-west-2" });
  const record = await deployment.run({ probes: 6 });
  expect(record.outcome).toBe("passed");
  expect(record.failoverRegion).toBe("us-west-2");
  expect(record.targets.standbySetName).toBe("api-standby.example.com");
  expect(record.probes.map((probe) => probe.readBack)).toEqual(
    Array(6).fill({ "eu-west-1": "found", "ap-southeast-1": "found", "us-west-2": "found" }),
  );
  expect(record.healthChecks.map((check) => check.label)).toEqual(["ireland", "singapore", "oregon"]);
  expectRestored(deployment);
});

test("the primary never fails over: the wait ends at --timeout, restore runs, exit 1", async () => {
  const deployment = new FakeDeployment({ failoverAfterMs: "never" });
  const record = await deployment.run({ timeoutSeconds: 60 });
  expect(record.outcome).toBe("failed");
  expect(record.exitCode).toBe(1);
  expect(record.problems).toEqual(["observe: api.example.com still answered eu-west-1 60 s after the break (--timeout)"]);
  expect(stepOutcomes(record)).toMatchObject({ observe: "failed", restore: "ok", unmark: "ok", verify: "ok" });
  const observe = record.steps.find((step) => step.name === "observe")!;
  expect(observe.endedAt - record.milestones.broken!).toBeGreaterThanOrEqual(60_000);
  expect(observe.endedAt - record.milestones.broken!).toBeLessThanOrEqual(60_000 + POLL_SLACK_MS);
  expect(drillTimings(record).timeToFailOver).toBeUndefined();
  expectRestored(deployment);
  // The probes written while waiting are still checked.
  expect(record.probes.map(probeOutcome)).toEqual(Array(10).fill("verified"));
});

test("an AWS error in the middle fails the drill and restore still runs", async () => {
  const deployment = new FakeDeployment();
  deployment.failRoute53("TestDNSAnswer", Object.assign(new Error("Route 53 is unavailable"), { name: "ServiceUnavailable" }), {
    when: () => deployment.clock.now() > FAKE_START + 15_000,
  });
  const record = await deployment.run();
  expect(record.exitCode).toBe(1);
  expect(record.problems).toEqual(["observe: ServiceUnavailable: Route 53 is unavailable"]);
  expect(stepOutcomes(record)).toMatchObject({ observe: "failed", restore: "ok", unmark: "ok" });
  expect(deployment.writeCalls().map((call) => call.input.Inverted ?? call.input.RemoveTagKeys ?? "marker")).toEqual([
    "marker",
    true,
    false,
    [DRILL_MARKER_TAG],
  ]);
  expectRestored(deployment);
});

test.each([
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const)("%s in the middle stops the drill, restores, skips verification and exits %i", async (signal, exitCode) => {
  const deployment = new FakeDeployment();
  deployment.clock.at(FAKE_START + 12_000, () => deployment.signals.emit(signal));
  const record = await deployment.run();
  expect(record.outcome).toBe("interrupted");
  expect(record.exitCode).toBe(exitCode);
  expect(stepOutcomes(record)).toEqual({
    preflight: "ok",
    mark: "ok",
    baseline: "ok",
    break: "ok",
    observe: "interrupted",
    restore: "ok",
    unmark: "ok",
  });
  expect(record.problems).toEqual([`observe: interrupted by ${signal}`]);
  expect(deployment.output.text).toContain(`${signal}: stopping the drill; restoring first`);
  expect(record.probes.map(probeOutcome).every((outcome) => outcome === "unverified")).toBe(true);
  expectRestored(deployment);
  expect(deployment.signals.listenerCount(signal)).toBe(0);
});

test("a second SIGINT during restore stops waiting, after the health check is un-inverted", async () => {
  const deployment = new FakeDeployment();
  deployment.clock.at(FAKE_START + 12_000, () => deployment.signals.emit("SIGINT"));
  deployment.clock.at(FAKE_START + 13_000, () => deployment.signals.emit("SIGINT"));
  const record = await deployment.run();
  expect(record.exitCode).toBe(130);
  expect(stepOutcomes(record)).toMatchObject({ observe: "interrupted", restore: "interrupted", unmark: "ok" });
  expect(deployment.output.text).toContain("SIGINT: no longer waiting for the primary to be back");
  expect(record.milestones.healthy).toBeUndefined();
  expectRestored(deployment);
});

test("SIGINT while waiting to fail back stops waiting; the health check is already un-inverted", async () => {
  const deployment = new FakeDeployment({ failoverAfterMs: 20_000, failbackAfterMs: 60_000 });
  deployment.clock.at(FAKE_START + 40_000, () => deployment.signals.emit("SIGINT"));
  const record = await deployment.run();
  expect(record.exitCode).toBe(130);
  expect(stepOutcomes(record)).toMatchObject({ observe: "ok", restore: "interrupted", unmark: "ok" });
  expect(record.milestones.failedOver).toBeDefined();
  expect(record.milestones.failedBack).toBeUndefined();
  expect(record.steps.some((step) => step.name === "verify")).toBe(false);
  expectRestored(deployment);
});

test("SIGINT while reading probes back stops reading (the primary is restored already)", async () => {
  const deployment = new FakeDeployment();
  deployment.lostReplicas.set(1, new Set(["ap-southeast-1"]));
  deployment.clock.at(FAKE_START + 90_000, () => deployment.signals.emit("SIGINT"));
  const record = await deployment.run();
  expect(record.exitCode).toBe(130);
  expect(stepOutcomes(record)).toMatchObject({ restore: "ok", unmark: "ok", verify: "interrupted" });
  expect(deployment.output.text).toContain("SIGINT: stopping (the primary is restored already)");
  expect(record.steps.at(-1)!.endedAt).toBeLessThan(91_000);
  expectRestored(deployment);
});

test("SIGINT during preflight changes nothing", async () => {
  const deployment = new FakeDeployment();
  deployment.clock.at(FAKE_START + 300, () => deployment.signals.emit("SIGINT"));
  const record = await deployment.run();
  expect(record.exitCode).toBe(130);
  expect(stepOutcomes(record)).toEqual({ preflight: "interrupted" });
  expect(deployment.writeCalls()).toEqual([]);
});

test("a lost probe is reported with the region that lacks it, exit 1", async () => {
  const deployment = new FakeDeployment();
  deployment.lostReplicas.set(3, new Set(["ap-southeast-1"]));
  const record = await deployment.run();
  expect(record.outcome).toBe("failed");
  expect(record.exitCode).toBe(1);
  const lost = record.probes[2]!;
  expect(probeOutcome(lost)).toBe("lost");
  expect(lost.readBack).toEqual({ "eu-west-1": "found", "ap-southeast-1": "missing" });
  expect(record.problems).toEqual([`probe 3 (ticket ${lost.ticketId}) is lost: missing in ap-southeast-1`]);
  // Reading back kept trying for the replication grace period before calling it lost.
  const verify = record.steps.find((step) => step.name === "verify")!;
  expect(verify.endedAt - verify.startedAt).toBeGreaterThanOrEqual(60_000);
  expectRestored(deployment);
});

test("replication slower than a first read is not a loss: reading back retries within the grace period", async () => {
  const deployment = new FakeDeployment({ replicationLagMs: 45_000 });
  const record = await deployment.run();
  expect(record.outcome).toBe("passed");
  const verify = record.steps.find((step) => step.name === "verify")!;
  expect(verify.endedAt - verify.startedAt).toBeGreaterThanOrEqual(POLL_MS);
});

test("a region that cannot be read leaves its probes missing and names the error", async () => {
  const deployment = new FakeDeployment();
  deployment.clock.at(FAKE_START + 50_000, () => deployment.unreachableHosts.add("singapore.example.com"));
  const record = await deployment.run();
  expect(record.exitCode).toBe(1);
  expect(record.problems).toContain(
    "verify: could not read the tickets in ap-southeast-1: connect ETIMEDOUT singapore.example.com:443",
  );
  expect(record.probes.every((probe) => probe.readBack?.["ap-southeast-1"] === "missing")).toBe(true);
});

test("a probe write that fails once is retried with the same Idempotency-Key and body at the same address", async () => {
  const deployment = new FakeDeployment();
  deployment.rejectedPosts.set(2, 503);
  const record = await deployment.run();
  expect(record.outcome).toBe("passed");
  expect(record.probes[1]).toMatchObject({ attempts: 2, outcome: "written", httpStatus: 201 });
  const [first, retry] = deployment.posted().slice(1, 3);
  expect(retry).toEqual({ ...first, signal: retry!.signal });
  expect(deployment.tickets.filter((ticket) => ticket.body.createdBy === "failover-drill")).toHaveLength(20);
});

test("a write that landed but whose answer was lost is one ticket, not two", async () => {
  const deployment = new FakeDeployment();
  deployment.unacknowledgedPosts.add(3);
  const record = await deployment.run();
  expect(record.outcome).toBe("passed");
  expect(record.probes[2]).toMatchObject({ attempts: 2, outcome: "written" });
  const probe3 = deployment.tickets.filter((ticket) => String(ticket.body.description).endsWith("probe 3 of 20"));
  expect(probe3.map((ticket) => ticket.id)).toEqual([record.probes[2]!.ticketId]);
});

test("a probe the API keeps refusing is reported as not written after three attempts, exit 1", async () => {
  const deployment = new FakeDeployment();
  for (const post of [2, 3, 4]) deployment.rejectedPosts.set(post, 503);
  const record = await deployment.run();
  expect(record.exitCode).toBe(1);
  expect(record.probes[1]).toMatchObject({ attempts: 3, outcome: "failed", httpStatus: 503 });
  expect(record.problems).toEqual(["probe 2 was not written: 503 Service Unavailable"]);
  expect(record.probes.filter((probe) => probeOutcome(probe) === "verified")).toHaveLength(19);
});

test("a probe the API rejects as invalid is not retried", async () => {
  const deployment = new FakeDeployment();
  deployment.rejectedPosts.set(1, 400);
  const record = await deployment.run({ probes: 2 });
  expect(record.probes[0]).toMatchObject({ attempts: 1, outcome: "failed", httpStatus: 400 });
  expect(record.exitCode).toBe(1);
});

test("un-inverting that keeps failing leaves the marker and says how to restore by hand", async () => {
  const deployment = new FakeDeployment();
  const id = deployment.primaryCheck.id;
  deployment.failRoute53("UpdateHealthCheck", Object.assign(new Error("Rate exceeded"), { name: "Throttling" }), {
    times: 3,
    when: (input) => input.Inverted === false,
  });
  const record = await deployment.run();
  expect(record.exitCode).toBe(1);
  expect(stepOutcomes(record)).toMatchObject({ observe: "ok", restore: "failed" });
  expect(record.steps.some((step) => step.name === "unmark")).toBe(false);
  expect(record.problems.join("\n")).toContain(`aws route53 update-health-check --health-check-id ${id} --no-inverted`);
  expect(
    deployment.route53.calls().filter((call) => (call.args[0].input as { Inverted?: boolean }).Inverted === false),
  ).toHaveLength(3);
  expect(deployment.primaryCheck.tags.get(DRILL_MARKER_TAG)).toBe(MARKER);
  expect(deployment.primaryCheck.inverted).toBe(true);
});

test("un-inverting that fails once succeeds on the retry", async () => {
  const deployment = new FakeDeployment();
  deployment.failRoute53("UpdateHealthCheck", Object.assign(new Error("Rate exceeded"), { name: "Throttling" }), {
    when: (input) => input.Inverted === false,
  });
  const record = await deployment.run();
  expect(record.outcome).toBe("passed");
  expect(deployment.output.text).toContain("un-invert attempt 1 failed (Throttling: Rate exceeded); retrying");
  expectRestored(deployment);
});

test("a health check changed since preflight: Route 53 refuses the inversion, restore still runs", async () => {
  const deployment = new FakeDeployment();
  deployment.failRoute53("UpdateHealthCheck", new HealthCheckVersionMismatch({ message: "version mismatch", $metadata: {} }), {
    when: (input) => input.Inverted === true,
  });
  const record = await deployment.run();
  expect(record.exitCode).toBe(1);
  expect(record.problems).toEqual(["break: HealthCheckVersionMismatch: version mismatch"]);
  expect(stepOutcomes(record)).toMatchObject({ break: "failed", restore: "ok", unmark: "ok" });
  expectRestored(deployment);
});

test("another drill marks the health check at the same moment: nothing is inverted and its marker stays", async () => {
  const deployment = new FakeDeployment();
  const other = "drill-20261130T085959Z";
  deployment.afterChangeTags = (check) => {
    if (check.tags.get(DRILL_MARKER_TAG) === MARKER) check.tags.set(DRILL_MARKER_TAG, other);
  };
  const record = await deployment.run();
  expect(record.exitCode).toBe(1);
  expect(record.problems).toEqual([
    `mark: another drill (${other}) marked health check ${deployment.primaryCheck.id} at the same time; nothing was changed`,
  ]);
  expect(deployment.writeCalls().map((call) => call.command)).toEqual(["ChangeTagsForResourceCommand"]);
  expect(deployment.primaryCheck.tags.get(DRILL_MARKER_TAG)).toBe(other);
  expect(record.steps.find((step) => step.name === "unmark")?.detail).toBe(
    `tag ${DRILL_MARKER_TAG}=${other} left in place: it belongs to another drill`,
  );
});
