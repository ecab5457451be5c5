/**
 * Active-active drills against the fake deployment: `api.<domain>` is one latency record per
 * region, and the drill asks Route 53 as a client in the drilled region's area
 * (TestDNSAnswer's EDNS0ClientSubnetIP) whether its answer moves to another region and back.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestDNSAnswerCommand, type TestDNSAnswerCommandInput } from "@aws-sdk/client-route-53";
import { CLIENT_SUBNETS } from "../../../tools/drill/client-subnets";
import { probeOutcome, type DrillRecord } from "../../../tools/drill/record";
import { renderMarkdown, reportJson, REPORT_FILES } from "../../../tools/drill/report";
import { DRILL_MARKER_TAG } from "../../../tools/drill/targets";
import { renderTimelineSvg } from "../../../tools/drill/timeline-svg";
import { FakeDeployment, THREE_REGIONS, type FakeDeploymentOptions } from "./support/fake-deployment";

const MARKER = "drill-20261130T090000Z";
/** Network addresses of the vendored EC2 prefixes: Ireland's and Singapore's areas. */
const IRELAND_CLIENT = CLIENT_SUBNETS["eu-west-1"]!.split("/")[0]!;
const SINGAPORE_CLIENT = CLIENT_SUBNETS["ap-southeast-1"]!.split("/")[0]!;

function activeActive(options: FakeDeploymentOptions = {}): FakeDeployment {
  return new FakeDeployment({ routing: "active-active", ...options });
}

function dnsQueries(deployment: FakeDeployment): TestDNSAnswerCommandInput[] {
  return deployment.route53.commandCalls(TestDNSAnswerCommand).map((call) => call.args[0].input);
}

function configFile(deployment: FakeDeployment): string {
  const file = join(mkdtempSync(join(tmpdir(), "drill-aa-")), "config.json");
  writeFileSync(file, JSON.stringify(deployment.config));
  return file;
}

function stepOutcomes(record: DrillRecord): Record<string, string> {
  return Object.fromEntries(record.steps.map((step) => [step.name, step.outcome]));
}

describe("a passing active-active drill of the first region (the default)", () => {
  let deployment: FakeDeployment;
  let record: DrillRecord;

  beforeAll(async () => {
    deployment = activeActive({ failoverAfterMs: 32_000, failbackAfterMs: 21_000 });
    record = await deployment.run();
  });

  test("passes: answers in Ireland's area move to Singapore and back", () => {
    expect(record.outcome).toBe("passed");
    expect(record.problems).toEqual([]);
    expect(Object.values(stepOutcomes(record)).every((outcome) => outcome === "ok")).toBe(true);
    expect(record.targets.routing).toBe("active-active");
    expect(record.targets.drilled.name).toBe("eu-west-1");
    expect(record.failoverRegion).toBe("ap-southeast-1");
    const answers = record.samples.map((sample) => sample.answer);
    expect(answers[0]).toBe("eu-west-1");
    expect(answers).toContain("ap-southeast-1");
    expect(answers.at(-1)).toBe("eu-west-1");
    expect(Object.keys(record.milestones)).toEqual(["broken", "detected", "failedOver", "restored", "healthy", "failedBack"]);
  });

  test("every TestDNSAnswer asks as a client in Ireland's area: EDNS0ClientSubnetIP (and ResolverIP) of eu-west-1, mask 24", () => {
    const queries = dnsQueries(deployment);
    expect(queries.length).toBeGreaterThan(5);
    for (const query of queries) {
      expect(query).toEqual({
        HostedZoneId: "Z0123456789ABCDEFGHIJ",
        RecordName: "api.example.com",
        RecordType: "A",
        ResolverIP: IRELAND_CLIENT,
        EDNS0ClientSubnetIP: IRELAND_CLIENT,
        EDNS0ClientSubnetMask: "24",
      });
    }
  });

  test("inverts, marks and restores Ireland's endpoint check only", () => {
    const id = deployment.checkOf("eu-west-1").id;
    expect(deployment.writeCalls().map((call) => call.input.ResourceId ?? call.input.HealthCheckId)).toEqual([id, id, id, id]);
    expect(deployment.writeCalls()[1]).toEqual({
      command: "UpdateHealthCheckCommand",
      input: { HealthCheckId: id, Inverted: true, HealthCheckVersion: 1 },
    });
    expect(deployment.checkOf("eu-west-1").inverted).toBe(false);
    expect(deployment.checkOf("eu-west-1").tags.has(DRILL_MARKER_TAG)).toBe(false);
    expect(deployment.checkOf("ap-southeast-1").inversions).toEqual([]);
  });

  test("probes write through api.<domain> to both regions and are read back in every region", () => {
    expect(record.probes).toHaveLength(20);
    expect(new Set(record.probes.map((probe) => probe.servedBy))).toEqual(new Set(["eu-west-1", "ap-southeast-1"]));
    expect(record.probes.every((probe) => probeOutcome(probe) === "verified")).toBe(true);
    expect(deployment.posted().every((request) => request.url === "https://api.example.com/ticket")).toBe(true);
  });

  test("the output names the mode, the drilled region and the subnet", () => {
    expect(deployment.output.text).toContain(
      `active-active drill ${MARKER}: api.example.com, breaking eu-west-1 (ireland), asking Route 53 from its area ` +
        `(EDNS0 client subnet ${IRELAND_CLIENT}/24, EC2 prefix ${CLIENT_SUBNETS["eu-west-1"]} of eu-west-1 (ip-ranges.json `,
    );
    expect(deployment.output.text).toContain(
      `preflight: 2 health checks healthy, every region answers from itself, api.example.com (asked from eu-west-1's area, EDNS0 client subnet ${IRELAND_CLIENT}/24) answers eu-west-1`,
    );
    expect(deployment.output.text).toContain("baseline: eu-west-1 healthy");
    expect(renderMarkdown(record)).toContain("| time to detect: Route 53 counts eu-west-1 unhealthy |");
    expect(renderMarkdown(record)).toContain("| time to fail back: Route 53 answers eu-west-1 again |");
  });

  test("the report: JSON with routing, drilled region and subnet; Markdown and timeline name them", () => {
    const json = JSON.parse(reportJson(record)) as Record<string, any>;
    expect(json.routing).toBe("active-active");
    expect(json.drilledRegion).toEqual({ name: "eu-west-1", label: "ireland" });
    expect(json.failoverRegion).toBe("ap-southeast-1");
    expect(json.config.clientSubnet).toMatchObject({ ip: IRELAND_CLIENT, mask: 24 });
    expect(json.config.standbySetName).toBeNull();
    expect(json.budget).toMatchObject({ routing: "active-active", failoverSeconds: 20, clientFailoverSeconds: 80 });
    const markdown = renderMarkdown(record);
    expect(markdown).toMatch(/^# Active-active drill `drill-20261130T090000Z` of eu-west-1: passed\n/);
    expect(markdown).toContain("| drilled region | eu-west-1 (`ireland.example.com`)");
    expect(markdown).toContain(`| asked from | EDNS0 client subnet \`${IRELAND_CLIENT}/24\``);
    expect(markdown).toContain("For clients in eu-west-1's area, `api.example.com` moved from eu-west-1 to ap-southeast-1 ");
    expect(markdown).toContain("| time to fail over: Route 53 answers another region in eu-west-1's area |");
    expect(markdown).toContain("Routing is active-active: breaking eu-west-1 moves the clients nearest the drilled region");
    expect(markdown).toContain("| api answers another region in eu-west-1's area |");
    const svg = renderTimelineSvg(record);
    expect(svg).toContain(`<title>Active-active drill ${MARKER} of eu-west-1: passed</title>`);
    expect(svg).toContain(">eu-west-1 health check</text>");
    expect(svg).toContain(">answer in eu-west-1 area</text>");
    expect(svg).toMatch(/<rect [^>]*fill="#ef6c00"><title>ap-southeast-1: /);
  });
});

test("--region names the second region: its check is broken, Route 53 asked from its area, answers move to the next nearest", async () => {
  const deployment = activeActive({ regions: THREE_REGIONS, failoverTo: "us-west-2" });
  const out = join(mkdtempSync(join(tmpdir(), "drill-aa-out-")), "report");
  const code = await deployment.cli([
    "--config",
    configFile(deployment),
    "--region",
    "ap-southeast-1",
    "--probes",
    "4",
    "--out",
    out,
  ]);
  expect(code).toBe(0);
  const singapore = deployment.checkOf("ap-southeast-1");
  expect(singapore.inversions).toHaveLength(1);
  expect(deployment.checkOf("eu-west-1").inversions).toEqual([]);
  expect(singapore.inverted).toBe(false);
  expect(new Set(dnsQueries(deployment).map((query) => query.EDNS0ClientSubnetIP))).toEqual(new Set([SINGAPORE_CLIENT]));
  const json = JSON.parse(readFileSync(join(out, REPORT_FILES.json), "utf8")) as Record<string, any>;
  expect(json.drilledRegion).toEqual({ name: "ap-southeast-1", label: "singapore" });
  expect(json.failoverRegion).toBe("us-west-2");
  expect(json.healthChecks).toHaveLength(3);
});

test("answers that never move: observe times out naming the area, and the drilled region is restored", async () => {
  const deployment = activeActive({ failoverAfterMs: "never" });
  const record = await deployment.run({ probes: 2, timeoutSeconds: 30 });
  expect(record.outcome).toBe("failed");
  expect(record.problems).toContain(
    "observe: api.example.com still answered eu-west-1 in eu-west-1's area 30 s after the break (--timeout)",
  );
  expect(stepOutcomes(record)).toMatchObject({ restore: "ok", unmark: "ok" });
  expect(deployment.checkOf("eu-west-1").inverted).toBe(false);
  expect(deployment.checkOf("eu-west-1").tags.has(DRILL_MARKER_TAG)).toBe(false);
});

test("--region takes a label too; the default is the first region", async () => {
  const byLabel = activeActive({ drill: { region: "singapore" } });
  expect(byLabel.targets.drilled.name).toBe("ap-southeast-1");
  expect(byLabel.targets.others.map((region) => region.name)).toEqual(["eu-west-1"]);
  expect(activeActive().targets.drilled.name).toBe("eu-west-1");
  expect(activeActive().targets.clientSubnet).toMatchObject({ ip: IRELAND_CLIENT, mask: 24 });
});

test("refuses when Route 53 answers another region to the drilled region's area at preflight; nothing changed", async () => {
  const deployment = activeActive();
  deployment.forcedApiAnswer = "ap-southeast-1";
  const record = await deployment.run();
  expect(record.outcome).toBe("refused");
  expect(record.exitCode).toBe(3);
  expect(deployment.writeCalls()).toEqual([]);
  expect(record.problems).toEqual([
    `api.example.com answers ap-southeast-1 (192.0.2.20, 192.0.2.21) for clients in eu-west-1's area ` +
      `(EDNS0 client subnet ${IRELAND_CLIENT}/24, EC2 prefix ${CLIENT_SUBNETS["eu-west-1"]} of eu-west-1 (ip-ranges.json 2026-08-22-15-17-05)), ` +
      "expected eu-west-1 itself: the drill could not tell its answers moving; is eu-west-1's latency record missing or unhealthy, or the routing not active-active?",
  ]);
});

test("--client-subnet replaces the vendored address in every TestDNSAnswer", async () => {
  const deployment = activeActive();
  // An address of no configured region: the fake answers it as from the first region's area.
  const code = await deployment.cli(["--config", configFile(deployment), "--client-subnet", "198.51.100.7", "--dry-run"]);
  expect(code).toBe(0);
  expect(new Set(dnsQueries(deployment).map((query) => query.EDNS0ClientSubnetIP))).toEqual(new Set(["198.51.100.7"]));
  expect(deployment.output.text).toContain("  asked from EDNS0 client subnet 198.51.100.7/24 (--client-subnet)");
});

test("the dry run prints the active-active plan with the EDNS0 subnet it will use", async () => {
  const deployment = activeActive({ regions: THREE_REGIONS });
  const code = await deployment.cli(["--dry-run", "--config", configFile(deployment), "--region", "us-west-2"]);
  expect(code).toBe(0);
  expect(deployment.writeCalls()).toEqual([]);
  const text = deployment.output.text;
  const oregon = CLIENT_SUBNETS["us-west-2"]!;
  const client = oregon.split("/")[0]!;
  const id = deployment.checkOf("us-west-2").id;
  expect(text).toContain("Active-active drill plan (dry run: no AWS write call is made)");
  expect(text).toContain(`  drilled    us-west-2 (oregon.example.com), health check ${id} (version 1)`);
  expect(text).toContain("  other      eu-west-1 (ireland.example.com)");
  expect(text).toContain(
    `  asked from EDNS0 client subnet ${client}/24 (EC2 prefix ${oregon} of us-west-2 (ip-ranges.json 2026-08-22-15-17-05)): ` +
      "Route 53 answers as for a client in us-west-2's area",
  );
  expect(text).toContain(`4. break: Route 53 UpdateHealthCheck ${id}: Inverted=true, HealthCheckVersion 1`);
  expect(text).toContain(
    `TestDNSAnswer api.example.com A ResolverIP and EDNS0ClientSubnetIP ${client} EDNS0ClientSubnetMask 24, until another region (eu-west-1, ap-southeast-1) answers`,
  );
  expect(text).not.toContain("api-standby");
  expect(text).toContain("Preflight passes now: the drill would start.");
});

describe("failover mode is unchanged", () => {
  test("TestDNSAnswer carries no client subnet", async () => {
    const deployment = new FakeDeployment();
    const record = await deployment.run({ probes: 0 });
    expect(record.outcome).toBe("passed");
    for (const query of dnsQueries(deployment)) {
      expect(query).toEqual({ HostedZoneId: "Z0123456789ABCDEFGHIJ", RecordName: "api.example.com", RecordType: "A" });
    }
  });

  test.each([
    [
      ["--region", "ap-southeast-1"],
      '--region: ap-southeast-1 (singapore) is a standby; in failover mode (config routing "failover") the drill always breaks the primary, eu-west-1 (ireland)',
    ],
    [
      ["--region", "mars-1"],
      '--region: "mars-1" is not a region of this deployment; its regions: eu-west-1 (ireland), ap-southeast-1 (singapore)',
    ],
    [["--client-subnet", "198.51.100.7"], "--client-subnet: only for active-active drills"],
    [["--client-subnet", "2001:db8::1"], '--client-subnet: "2001:db8::1" is not an IPv4 address'],
  ])("%j: a usage error, exit 2, no AWS call", async (args, message) => {
    const deployment = new FakeDeployment();
    expect(await deployment.cli(["--config", configFile(deployment), ...args])).toBe(2);
    expect(deployment.errorOutput.text).toContain(`drill: ${message}`);
    expect(deployment.route53.calls()).toEqual([]);
  });

  test("--region naming the primary is accepted", async () => {
    const deployment = new FakeDeployment();
    expect(await deployment.cli(["--config", configFile(deployment), "--region", "ireland", "--dry-run"])).toBe(0);
  });
});

test("active-active --region outside the config lists the regions", async () => {
  const deployment = activeActive();
  expect(await deployment.cli(["--config", configFile(deployment), "--region", "us-east-1"])).toBe(2);
  expect(deployment.errorOutput.text).toContain(
    'drill: --region: "us-east-1" is not a region of this deployment; its regions: eu-west-1 (ireland), ap-southeast-1 (singapore)',
  );
});
