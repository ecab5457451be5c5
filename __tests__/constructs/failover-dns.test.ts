import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { FailoverDns, type FailoverDnsProps, type FailoverRegion } from "../../constructs/failover-dns";
import { HANDLERS } from "../../contract/handlers";
import { exposedValue, exposeValue, regionalProvider, synthScope } from "../support/construct";
import { addressOf, attributeRef, expectResources, type TerraformJson } from "../support/terraform-json";

const ZONE = "Z0000000000EXAMPLE";

/** A region as RegionalDomains would hand it over, with literal endpoints and record. */
function region(name: string, label: string): FailoverRegion {
  return {
    region: name,
    label,
    regionalDomainName: `${label}.example.com`,
    // A dependable is its address; a literal one stands for RegionalDomains' record.
    regionalRecord: { fqn: `aws_route53_record.${label}_regional` },
    apiTarget: { name: `d-${label}.execute-api.${name}.amazonaws.com`, zoneId: `ZONE-OF-${name}` },
  };
}
const IRELAND = region("eu-west-1", "ireland");
const SINGAPORE = region("ap-southeast-1", "singapore");
const TOKYO = region("ap-northeast-1", "tokyo");

/** FailoverDns alone, on a Route 53 provider in eu-west-1; its health check ids become the output `health_check_ids`. */
function synthFailover(regions: readonly FailoverRegion[], props: Partial<FailoverDnsProps> = {}) {
  return synthScope((scope) => {
    const dns = new FailoverDns(scope, "failover", {
      provider: regionalProvider(scope, "eu-west-1"),
      hostedZoneId: ZONE,
      apiDomainName: "api.example.com",
      standbySetDomainName: "api-standby.example.com",
      regions,
      requestInterval: 10,
      failureThreshold: 1,
      ...props,
    });
    exposeValue(scope, "health_check_ids", dns.healthCheckIds);
  });
}

/** The health check probing `entry`'s own endpoint (exactly one). */
function checkOf(json: TerraformJson, entry: FailoverRegion) {
  const found = Object.values(json.resource.aws_route53_health_check as Record<string, any>).filter(
    (c) => c.fqdn === entry.regionalDomainName,
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

const aliasOf = (entry: FailoverRegion, evaluateTargetHealth: boolean) => ({
  name: entry.apiTarget.name,
  zone_id: entry.apiTarget.zoneId,
  evaluate_target_health: evaluateTargetHealth,
});

describe("FailoverDns, two regions", () => {
  const { text, json } = synthFailover([IRELAND, SINGAPORE]);
  const failover = expectResources(json, Route53Record, 2);
  const primary = failover.find((r) => r.failover_routing_policy?.type === "PRIMARY")!;
  const secondary = failover.find((r) => r.failover_routing_policy?.type === "SECONDARY")!;

  test("probes https://<label>.example.com/health in every region, over SNI, at the given interval and threshold", () => {
    const checks = expectResources(json, Route53HealthCheck, 2);
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
        tags: { Name: `${check.fqdn.split(".")[0]}-api` },
        // Probing a name before its record exists would only fail the check and fire its alarm.
        depends_on: [`aws_route53_record.${check.fqdn.split(".")[0]}_regional`],
      });
    }
  });

  test("has exactly a PRIMARY and a SECONDARY alias A record for api.example.com", () => {
    expect(failover.map((r) => r.failover_routing_policy.type).sort()).toEqual(["PRIMARY", "SECONDARY"]);
    for (const record of failover) {
      expect(record).toMatchObject({ name: "api.example.com", type: "A", zone_id: ZONE, provider: "aws.eu-west-1" });
    }
    expect([primary.set_identifier, secondary.set_identifier]).toEqual(["ireland-primary", "singapore-secondary"]);
  });

  test("PRIMARY: the first region's api endpoint, with its health check and evaluate-target-health", () => {
    expect(primary.alias).toEqual(aliasOf(IRELAND, true));
    expect(primary.health_check_id).toBe(attributeRef(json, Route53HealthCheck, checkOf(json, IRELAND), "id"));
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

  test("healthCheckIds: every region's health check, by region", () => {
    expect(exposedValue(json, "health_check_ids")).toEqual({
      "eu-west-1": attributeRef(json, Route53HealthCheck, checkOf(json, IRELAND), "id"),
      "ap-southeast-1": attributeRef(json, Route53HealthCheck, checkOf(json, SINGAPORE), "id"),
    });
  });

  test("health checks follow the given interval and threshold", () => {
    const { json: slow } = synthFailover([IRELAND, SINGAPORE], { requestInterval: 30, failureThreshold: 3 });
    for (const check of expectResources(slow, Route53HealthCheck, 2)) {
      expect([check.request_interval, check.failure_threshold]).toEqual([30, 3]);
    }
  });
});

describe("FailoverDns, three regions", () => {
  const { json } = synthFailover([IRELAND, SINGAPORE, TOKYO]);
  const records = expectResources(json, Route53Record, 4);
  const failover = records.filter((r) => r.failover_routing_policy !== undefined);
  const standbySet = records.filter((r) => r.latency_routing_policy !== undefined);

  test("every region's endpoint gets a health check", () => {
    expect(
      expectResources(json, Route53HealthCheck, 3)
        .map((c) => c.fqdn)
        .sort(),
    ).toEqual(["ireland.example.com", "singapore.example.com", "tokyo.example.com"]);
  });

  test("PRIMARY is the first region with its health check; SECONDARY an alias to the standby set, itself unchecked", () => {
    expect(failover.map((r) => [r.failover_routing_policy.type, r.set_identifier, r.name])).toEqual([
      ["PRIMARY", "ireland-primary", "api.example.com"],
      ["SECONDARY", "standbys-secondary", "api.example.com"],
    ]);
    const [primary, secondary] = failover as [Record<string, any>, Record<string, any>];
    expect(primary.alias).toEqual(aliasOf(IRELAND, true));
    expect(primary.health_check_id).toBe(attributeRef(json, Route53HealthCheck, checkOf(json, IRELAND), "id"));
    expect(secondary.alias).toEqual({ name: "api-standby.example.com", zone_id: ZONE, evaluate_target_health: false });
    expect(secondary.health_check_id).toBeUndefined();
  });

  test("SECONDARY waits for the standby set it points at", () => {
    const secondary = failover.find((r) => r.failover_routing_policy.type === "SECONDARY")!;
    expect(standbySet).toHaveLength(2);
    expect([...secondary.depends_on].sort()).toEqual(standbySet.map((r) => addressOf(json, Route53Record, r)).sort());
  });

  test("the standby set routes by latency to each standby's api endpoint, each with its own health check", () => {
    expect(standbySet.map((r) => [r.name, r.set_identifier, r.latency_routing_policy.region]).sort()).toEqual([
      ["api-standby.example.com", "singapore", "ap-southeast-1"],
      ["api-standby.example.com", "tokyo", "ap-northeast-1"],
    ]);
    for (const [record, standby] of standbySet.map((r) => [r, r.set_identifier === "tokyo" ? TOKYO : SINGAPORE] as const)) {
      expect(record).toMatchObject({ type: "A", zone_id: ZONE, provider: "aws.eu-west-1" });
      expect(record.alias).toEqual(aliasOf(standby, false));
      expect(record.health_check_id).toBe(attributeRef(json, Route53HealthCheck, checkOf(json, standby), "id"));
    }
  });
});

describe("FailoverDns needs somewhere to fail over to", () => {
  test.each([
    ["one region", [IRELAND]],
    ["no region", []],
  ])("%s fails, naming the construct and the field", (_case, regions) => {
    expect(() => synthFailover(regions)).toThrow("FailoverDns: regions needs a primary and at least one standby");
  });
});
