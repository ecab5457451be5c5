import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { ApiDns, type ApiDnsProps, type DnsRegion } from "../../constructs/api-dns";
import { FAILOVER_LEVER } from "../../constructs/failover-lever";
import { HANDLERS } from "../../contract/handlers";
import { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { exposedValue, exposeValue, regionalProvider, synthScope, validationErrorOf } from "../support/construct";
import { addressOf, attributeRef, expectResources, type TerraformJson } from "../support/terraform-json";

const ZONE = "Z0000000000EXAMPLE";

/** A region as RegionalDomains would hand it over, with literal endpoints and record. */
function region(name: string, label: string): DnsRegion {
  return {
    region: name,
    label,
    regionalDomainName: `${label}.example.com`,
    // A dependable is its address; a literal one stands for RegionalDomains' record.
    regionalRecord: { fqn: `aws_route53_record.${label}_regional` },
    apiTarget: { name: `d-${label}.execute-api.${name}.amazonaws.com`, zoneId: `ZONE-OF-${name}` },
    // As ClientErrorAlarms hands them over, with literal names.
    clientErrorAlarms: [
      { alarmName: `${label}-get-5xx`, region: name, handler: "tickets-get", alarmArn: `arn:${label}-get-5xx` },
      { alarmName: `${label}-post-5xx`, region: name, handler: "tickets-post", alarmArn: `arn:${label}-post-5xx` },
    ],
  };
}
const CHECKER_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1"];
const IRELAND = region("eu-west-1", "ireland");
const SINGAPORE = region("ap-southeast-1", "singapore");
const TOKYO = region("ap-northeast-1", "tokyo");

/** ApiDns alone (failover unless `props` says otherwise), on a Route 53 provider in eu-west-1; its health check ids become the output `health_checks`. */
function synthDns(
  regions: readonly DnsRegion[],
  props: Partial<ApiDnsProps> | ((scope: Construct) => Partial<ApiDnsProps>) = {},
) {
  return synthScope((scope) => {
    const dns = new ApiDns(scope, "dns", {
      provider: regionalProvider(scope, "eu-west-1"),
      hostedZoneId: ZONE,
      apiDomainName: "api.example.com",
      standbySetDomainName: "api-standby.example.com",
      regions,
      routing: "failover",
      // requestInterval and failureThreshold: the construct's defaults, 10 s and 1.
      checkerRegions: CHECKER_REGIONS,
      ...(typeof props === "function" ? props(scope) : props),
    });
    exposeValue(scope, "health_checks", dns.healthChecks);
  });
}

const checksOfType = (json: TerraformJson, type: string): Record<string, any>[] =>
  Object.values(json.resource.aws_route53_health_check as Record<string, any>).filter((c) => c.type === type);

/** The health check probing `entry`'s own endpoint (exactly one). */
function checkOf(json: TerraformJson, entry: DnsRegion) {
  const found = checksOfType(json, "HTTPS").filter((c) => c.fqdn === entry.regionalDomainName);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The CALCULATED check of `entry` (exactly one): whose children include its endpoint check. */
function routingCheckOf(json: TerraformJson, entry: DnsRegion) {
  const endpointId = attributeRef(json, Route53HealthCheck, checkOf(json, entry), "id");
  const found = checksOfType(json, "CALCULATED").filter((c) => c.child_healthchecks.includes(endpointId));
  expect(found).toHaveLength(1);
  return found[0]!;
}

const aliasOf = (entry: DnsRegion, evaluateTargetHealth: boolean) => ({
  name: entry.apiTarget.name,
  zone_id: entry.apiTarget.zoneId,
  evaluate_target_health: evaluateTargetHealth,
});

describe("ApiDns failover, two regions", () => {
  const { text, json } = synthDns([IRELAND, SINGAPORE]);
  const failover = expectResources(json, Route53Record, 2);
  const primary = failover.find((r) => r.failover_routing_policy?.type === "PRIMARY")!;
  const secondary = failover.find((r) => r.failover_routing_policy?.type === "SECONDARY")!;

  test("probes https://<label>.example.com/health in every region, over SNI, at the given interval and threshold", () => {
    const checks = checksOfType(json, "HTTPS");
    expect(checks).toHaveLength(2);
    expect(checks.map((c) => c.fqdn).sort()).toEqual(["ireland.example.com", "singapore.example.com"]);
    for (const check of checks) {
      expect(check).toEqual({
        provider: "aws.eu-west-1",
        type: "HTTPS",
        fqdn: check.fqdn,
        port: 443,
        // The health function's own route: the probe reaches the deep ping.
        resource_path: HANDLERS.health.route.path,
        enable_sni: true,
        request_interval: 10,
        failure_threshold: 1,
        measure_latency: false,
        // Only from these regions' checkers: /health admits only their address ranges.
        regions: CHECKER_REGIONS,
        tags: { Name: `${check.fqdn.split(".")[0]}-api` },
        // Probing a name before its record exists would only fail the check and fire its alarm.
        depends_on: [`aws_route53_record.${check.fqdn.split(".")[0]}_regional`],
        lifecycle: { ignore_changes: ["invert_healthcheck", 'tags["drill-in-progress"]'] },
      });
    }
  });

  test("every region's client-route alarms each get a CLOUDWATCH_METRIC check that stays healthy without data", () => {
    const metricChecks = checksOfType(json, "CLOUDWATCH_METRIC");
    expect(metricChecks.map((c) => [c.cloudwatch_alarm_name, c.cloudwatch_alarm_region, c.tags.Name]).sort()).toEqual([
      ["ireland-get-5xx", "eu-west-1", "ireland-tickets-get-5xx"],
      ["ireland-post-5xx", "eu-west-1", "ireland-tickets-post-5xx"],
      ["singapore-get-5xx", "ap-southeast-1", "singapore-tickets-get-5xx"],
      ["singapore-post-5xx", "ap-southeast-1", "singapore-tickets-post-5xx"],
    ]);
    for (const check of metricChecks) {
      // A new check, or a CloudWatch outage: the last verdict (healthy when new), never a failover for lack of data.
      expect(check.insufficient_data_health_status).toBe("LastKnownStatus");
      expect(check.lifecycle.ignore_changes).toEqual([FAILOVER_LEVER.attribute, `tags["${FAILOVER_LEVER.markerTag}"]`]);
    }
  });

  test("each region's routing check is CALCULATED: healthy only while its endpoint check and both client-route checks are", () => {
    for (const entry of [IRELAND, SINGAPORE]) {
      const routing = routingCheckOf(json, entry);
      const children = (routing.child_healthchecks as string[]).map((ref) =>
        checksOfType(json, "HTTPS")
          .concat(checksOfType(json, "CLOUDWATCH_METRIC"))
          .find((c) => attributeRef(json, Route53HealthCheck, c, "id") === ref)!,
      );
      expect(children.map((c) => c.fqdn ?? c.cloudwatch_alarm_name)).toEqual([
        entry.regionalDomainName,
        `${entry.label}-get-5xx`,
        `${entry.label}-post-5xx`,
      ]);
      expect(routing.child_health_threshold).toBe(3);
      expect(routing.tags).toEqual({ Name: `${entry.label}-routing` });
      expect(routing.lifecycle.ignore_changes).toEqual(["invert_healthcheck", 'tags["drill-in-progress"]']);
    }
    expect(checksOfType(json, "CALCULATED")).toHaveLength(2);
    expect(expectResources(json, Route53HealthCheck, 8)).toHaveLength(8);
  });

  test("has exactly a PRIMARY and a SECONDARY alias A record for api.example.com", () => {
    expect(failover.map((r) => r.failover_routing_policy.type).sort()).toEqual(["PRIMARY", "SECONDARY"]);
    for (const record of failover) {
      expect(record).toMatchObject({ name: "api.example.com", type: "A", zone_id: ZONE, provider: "aws.eu-west-1" });
    }
    expect([primary.set_identifier, secondary.set_identifier]).toEqual(["ireland-primary", "singapore-secondary"]);
  });

  test("PRIMARY: the first region's api endpoint, with its routing check and evaluate-target-health", () => {
    expect(primary.alias).toEqual(aliasOf(IRELAND, true));
    expect(primary.health_check_id).toBe(attributeRef(json, Route53HealthCheck, routingCheckOf(json, IRELAND), "id"));
  });

  test("SECONDARY: the second region's api endpoint, with no health check (always presumed healthy)", () => {
    expect(text).toHaveResourceWithProperties(Route53Record, {
      set_identifier: "singapore-secondary",
      failover_routing_policy: { type: "SECONDARY" },
      alias: aliasOf(SINGAPORE, false),
    });
    expect(secondary.health_check_id).toBeUndefined();
    expect(secondary.depends_on).toBeUndefined();
  });

  test("healthChecks: every region's endpoint and routing check, by region", () => {
    const ids = (entry: DnsRegion) => ({
      endpoint: attributeRef(json, Route53HealthCheck, checkOf(json, entry), "id"),
      routing: attributeRef(json, Route53HealthCheck, routingCheckOf(json, entry), "id"),
    });
    expect(exposedValue(json, "health_checks")).toEqual({ "eu-west-1": ids(IRELAND), "ap-southeast-1": ids(SINGAPORE) });
  });

  test("endpoint checks follow the given interval, threshold and checker regions", () => {
    const checkers = ["us-west-2", "eu-west-1", "ap-northeast-1", "sa-east-1"];
    const { json: slow } = synthDns([IRELAND, SINGAPORE], {
      requestInterval: 30,
      failureThreshold: 3,
      checkerRegions: checkers,
    });
    for (const check of checksOfType(slow, "HTTPS")) {
      expect([check.request_interval, check.failure_threshold, check.regions]).toEqual([30, 3, checkers]);
    }
  });
});

describe("ApiDns failover, three regions", () => {
  const { json } = synthDns([IRELAND, SINGAPORE, TOKYO]);
  const records = expectResources(json, Route53Record, 4);
  const failover = records.filter((r) => r.failover_routing_policy !== undefined);
  const standbySet = records.filter((r) => r.latency_routing_policy !== undefined);

  test("every region's endpoint gets a health check, and every region a routing check", () => {
    expect(
      checksOfType(json, "HTTPS")
        .map((c) => c.fqdn)
        .sort(),
    ).toEqual(["ireland.example.com", "singapore.example.com", "tokyo.example.com"]);
    expect(checksOfType(json, "CALCULATED")).toHaveLength(3);
  });

  test("PRIMARY is the first region with its health check; SECONDARY an alias to the standby set, itself unchecked", () => {
    expect(failover.map((r) => [r.failover_routing_policy.type, r.set_identifier, r.name])).toEqual([
      ["PRIMARY", "ireland-primary", "api.example.com"],
      ["SECONDARY", "standbys-secondary", "api.example.com"],
    ]);
    const [primary, secondary] = failover as [Record<string, any>, Record<string, any>];
    expect(primary.alias).toEqual(aliasOf(IRELAND, true));
    expect(primary.health_check_id).toBe(attributeRef(json, Route53HealthCheck, routingCheckOf(json, IRELAND), "id"));
    expect(secondary.alias).toEqual({ name: "api-standby.example.com", zone_id: ZONE, evaluate_target_health: false });
    expect(secondary.health_check_id).toBeUndefined();
  });

  test("SECONDARY waits for the standby set it points at", () => {
    const secondary = failover.find((r) => r.failover_routing_policy.type === "SECONDARY")!;
    expect(standbySet).toHaveLength(2);
    expect([...secondary.depends_on].sort()).toEqual(standbySet.map((r) => addressOf(json, Route53Record, r)).sort());
  });

  test("the standby set routes by latency to each standby's api endpoint, each with its own routing check", () => {
    expect(standbySet.map((r) => [r.name, r.set_identifier, r.latency_routing_policy.region]).sort()).toEqual([
      ["api-standby.example.com", "singapore", "ap-southeast-1"],
      ["api-standby.example.com", "tokyo", "ap-northeast-1"],
    ]);
    for (const [record, standby] of standbySet.map((r) => [r, r.set_identifier === "tokyo" ? TOKYO : SINGAPORE] as const)) {
      expect(record).toMatchObject({ type: "A", zone_id: ZONE, provider: "aws.eu-west-1" });
      expect(record.alias).toEqual(aliasOf(standby, false));
      expect(record.health_check_id).toBe(attributeRef(json, Route53HealthCheck, routingCheckOf(json, standby), "id"));
    }
  });
});

describe("ApiDns needs a second region", () => {
  test.each([
    ["one region", "failover", [IRELAND]],
    ["no region", "failover", []],
    ["one region", "active-active", [IRELAND]],
  ] as const)("%s fails in %s mode, naming the construct and the field", (_case, routing, regions) => {
    expect(validationErrorOf(() => synthDns(regions, { routing }))).toEqual({
      path: expect.stringMatching(/\/dns$/),
      message: "regions needs at least two regions (a primary and a standby, or two active regions)",
    });
  });
});

describe.each([
  ["two", [IRELAND, SINGAPORE]],
  ["three", [IRELAND, SINGAPORE, TOKYO]],
])("ApiDns active-active, %s regions", (_count, regions) => {
  const { json } = synthDns(regions, { routing: "active-active" });
  const records = expectResources(json, Route53Record, regions.length);

  test("api.example.com is one latency alias per region and nothing else: no failover record, no standby set", () => {
    expect(records.map((r) => [r.name, r.type, r.set_identifier, r.latency_routing_policy?.region]).sort()).toEqual(
      regions.map((entry) => ["api.example.com", "A", entry.label, entry.region]).sort(),
    );
    for (const record of records) {
      expect(record.failover_routing_policy).toBeUndefined();
      expect(record).toMatchObject({ zone_id: ZONE, provider: "aws.eu-west-1" });
      // Built for one mode: nothing to order against, nothing counted.
      expect(record.depends_on).toBeUndefined();
      expect(record.count).toBeUndefined();
    }
  });

  test("each record is its own region's api endpoint, with its routing check and evaluate-target-health", () => {
    for (const entry of regions) {
      const record = records.find((r) => r.set_identifier === entry.label)!;
      expect(record.alias).toEqual(aliasOf(entry, true));
      expect(record.health_check_id).toBe(attributeRef(json, Route53HealthCheck, routingCheckOf(json, entry), "id"));
    }
  });

  test("the health checks are the failover mode's, check for check", () => {
    const { json: failover } = synthDns(regions);
    expect(json.resource.aws_route53_health_check).toEqual(failover.resource.aws_route53_health_check);
  });
});

describe("ApiDns with the mode as a Terraform expression (the plain module's var.routing)", () => {
  const synthWithVariable = (regions: readonly DnsRegion[]) =>
    synthDns(regions, (scope) => ({ routing: new TerraformVariable(scope, "routing", { type: "string" }).stringValue }));
  const countOf = (mode: string) => `\${(var.routing == "${mode}") ? 1 : 0}`;

  test.each([
    ["two", [IRELAND, SINGAPORE], 2],
    ["three", [IRELAND, SINGAPORE, TOKYO], 4],
  ])("%s regions: both modes' records, each counted on var.routing", (_count, regions, failoverCount) => {
    const { json } = synthWithVariable(regions);
    const records = expectResources(json, Route53Record, failoverCount + regions.length);
    const latency = records.filter((r) => r.name === "api.example.com" && r.latency_routing_policy !== undefined);
    const failover = records.filter((r) => !latency.includes(r));
    expect(latency.map((r) => r.set_identifier).sort()).toEqual(regions.map((entry) => entry.label).sort());
    expect(failover).toHaveLength(failoverCount);
    for (const record of failover) expect(record.count).toBe(countOf("failover"));
    for (const record of latency) expect(record.count).toBe(countOf("active-active"));
  });

  test("the latency records wait for every failover record: a switch deletes one mode's records before creating the other's", () => {
    // Route 53 refuses a latency record while failover records of the same name and type exist.
    const { json } = synthWithVariable([IRELAND, SINGAPORE, TOKYO]);
    const records = expectResources(json, Route53Record, 7);
    const latency = records.filter((r) => r.name === "api.example.com" && r.latency_routing_policy !== undefined);
    const failover = records.filter((r) => !latency.includes(r)).map((r) => addressOf(json, Route53Record, r));
    for (const record of latency) expect([...record.depends_on].sort()).toEqual([...failover].sort());
  });
});
