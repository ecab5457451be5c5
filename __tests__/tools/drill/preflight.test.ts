/**
 * Preflight refuses the drill, with nothing written, whenever the deployment is not in the
 * state a drill starts from. One test per refusal; each names what is off.
 */
import { DRILL_MARKER_TAG } from "../../../tools/drill/targets";
import { fakeConfig, FakeDeployment, TWO_REGIONS } from "./support/fake-deployment";

type Setup = (deployment: FakeDeployment) => void;

const refusals: [string, Setup, string][] = [
  [
    "a drill is already running (marker tag on the primary's health check)",
    (d) => d.primaryCheck.tags.set(DRILL_MARKER_TAG, "drill-20261130T080000Z"),
    "a drill is already running: health check a1b2c3d4-0000-4000-8000-000000000001 has tag drill-in-progress=drill-20261130T080000Z",
  ],
  [
    "a region has no health check",
    (d) => d.healthChecks.splice(d.healthChecks.indexOf(d.checkOf("ap-southeast-1")), 1),
    "no Route 53 health check requests https://singapore.example.com/health (is the tickets stack deployed for example.com?)",
  ],
  [
    "two health checks request the same endpoint",
    (d) => d.healthChecks.push({ ...d.primaryCheck, id: "a1b2c3d4-0000-4000-8000-000000000007", tags: new Map() }),
    "2 health checks request https://ireland.example.com/health (a1b2c3d4-0000-4000-8000-000000000001, a1b2c3d4-0000-4000-8000-000000000007); the drill needs exactly one",
  ],
  [
    "a health check requests another path",
    (d) => {
      d.checkOf("ap-southeast-1").path = "/";
    },
    "no Route 53 health check requests https://singapore.example.com/health",
  ],
  [
    "a standby's health check is unhealthy",
    (d) => d.endpointsDown.add("ap-southeast-1"),
    "health check a1b2c3d4-0000-4000-8000-000000000002 (singapore.example.com) is unhealthy: 0 of 16 checkers report healthy",
  ],
  [
    "the primary's health check is inverted (an interrupted drill)",
    (d) => {
      d.primaryCheck.inverted = true;
    },
    "health check a1b2c3d4-0000-4000-8000-000000000001 (ireland.example.com) is inverted",
  ],
  [
    "a health check is disabled",
    (d) => {
      d.primaryCheck.disabled = true;
    },
    "health check a1b2c3d4-0000-4000-8000-000000000001 (ireland.example.com) is disabled",
  ],
  [
    "a region's endpoint answers from another region",
    (d) => d.endpointAnswersFrom.set("ap-southeast-1", "eu-west-1"),
    "https://singapore.example.com/health answered from eu-west-1, expected ap-southeast-1",
  ],
  [
    "a region's endpoint answers 503",
    (d) => d.endpointsDown.add("eu-west-1"),
    "https://ireland.example.com/health answered 503 Tickets API is unavailable in this region",
  ],
  [
    "/health refuses this machine (outside Route 53's checkers and the allowlist)",
    (d) => {
      d.healthRefused = true;
    },
    "https://ireland.example.com/health refused this machine (403): GET /health answers only Route 53's health checkers and the addresses in healthCheck.allowedCidrs",
  ],
  [
    "a region's endpoint does not answer",
    (d) => d.unreachableHosts.add("singapore.example.com"),
    "https://singapore.example.com/health did not answer: connect ETIMEDOUT singapore.example.com:443",
  ],
  [
    "api.<domain> already answers a standby",
    (d) => {
      d.forcedApiAnswer = "ap-southeast-1";
    },
    "api.example.com answers ap-southeast-1 (192.0.2.20, 192.0.2.21), expected the primary eu-west-1",
  ],
  [
    "Route 53 has no api.<domain> record",
    (d) => {
      d.apiRecordMissing = true;
    },
    "Route 53 answers NXDOMAIN for api.example.com A (TestDNSAnswer in Z0123456789ABCDEFGHIJ)",
  ],
];

test.each(refusals)("refuses when %s: exit 3, nothing written", async (_case, setup, problem) => {
  const deployment = new FakeDeployment();
  setup(deployment);
  const record = await deployment.run();
  expect(record.outcome).toBe("refused");
  expect(record.exitCode).toBe(3);
  expect(record.problems.some((entry) => entry.startsWith(problem))).toBe(true);
  expect(record.steps.map((step) => [step.name, step.outcome])).toEqual([["preflight", "failed"]]);
  expect(deployment.writeCalls()).toEqual([]);
  expect(deployment.posted()).toEqual([]);
  expect(deployment.output.text).toContain(`- ${problem}`);
});

test("lists every problem, not just the first", async () => {
  const deployment = new FakeDeployment();
  deployment.primaryCheck.tags.set(DRILL_MARKER_TAG, "drill-20261130T080000Z");
  deployment.forcedApiAnswer = "ap-southeast-1";
  const record = await deployment.run();
  expect(record.problems).toHaveLength(2);
  expect(record.steps[0]!.detail).toBe("refused: 2 problems found");
});

test("finds its health checks on any page of ListHealthChecks and ignores other checks", async () => {
  const deployment = new FakeDeployment();
  // The fake pages two at a time: the standby's check is on page 1, someone else's on page 2.
  const record = await deployment.run({ probes: 0 });
  expect(record.outcome).toBe("passed");
  expect(record.healthChecks.map((check) => check.id)).toEqual([
    deployment.primaryCheck.id,
    deployment.checkOf("ap-southeast-1").id,
  ]);
  expect(deployment.route53.calls().filter((call) => call.args[0].constructor.name === "ListHealthChecksCommand")).toHaveLength(
    2,
  );
});

test("a deployed health check that differs from config is a warning, not a refusal", async () => {
  const deployment = new FakeDeployment();
  const record = await deployment.run({
    probes: 0,
    targets: { ...deployment.targets, failureThreshold: fakeConfig(TWO_REGIONS, 3).healthCheck.failureThreshold },
  });
  expect(record.outcome).toBe("passed");
  expect(record.warnings).toEqual([
    "health check a1b2c3d4-0000-4000-8000-000000000001 (ireland.example.com) checks every 10 s with failure threshold 1; config says 10 s and 3: the RTO budget follows config",
    "health check a1b2c3d4-0000-4000-8000-000000000002 (singapore.example.com) checks every 10 s with failure threshold 1; config says 10 s and 3: the RTO budget follows config",
  ]);
});
