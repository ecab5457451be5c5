import type { Plan, PlanResourceChange } from "../../tools/plan-summary/plan-schema";
import type { OfflinePlanResult } from "../../tools/terraform/offline-plan";
import { readOfflinePlan, type SynthConfigName } from "./support/paths";
import { describeWithTerraform } from "./support/terraform-tests";

/** `aws.<alias>` of every managed resource in the plan, by address. */
function providerKeys(plan: Plan): Map<string, string> {
  const resources =
    (plan.configuration?.root_module as { resources?: { address: string; provider_config_key: string }[] })?.resources ?? [];
  return new Map(resources.map((r) => [r.address, r.provider_config_key]));
}

const created = (plan: Plan, type?: string): PlanResourceChange[] =>
  (plan.resource_changes ?? []).filter((c) => c.mode === "managed" && (type === undefined || c.type === type));

/** Resources that belong to one region: everything but global Route 53, alarms and the table. */
const REGIONAL_TYPES = [
  "aws_lambda_function",
  "aws_lambda_permission",
  "aws_iam_role_policy",
  "aws_cloudwatch_log_group",
  "aws_api_gateway_rest_api",
  "aws_api_gateway_deployment",
  "aws_api_gateway_stage",
  "aws_api_gateway_method_settings",
  "aws_api_gateway_account",
  "aws_api_gateway_domain_name",
  "aws_api_gateway_base_path_mapping",
  "aws_acm_certificate",
  "aws_acm_certificate_validation",
];

/** A state bucket, its key and its controls, sorted as the plan lists them. */
const STATE_BUCKET_TYPES = [
  "aws_kms_alias",
  "aws_kms_key",
  "aws_kms_key_policy",
  "aws_s3_bucket",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning",
];

describeWithTerraform("terraform on the state bootstrap stack", () => {
  let diagnostics: OfflinePlanResult["diagnostics"];
  let plan: Plan;
  beforeAll(() => ({ diagnostics, plan } = readOfflinePlan("default", "tickets-state")));

  // The plan validates first: no diagnostic in `plan -json` is what `validate -json` would say.
  test("validates: no error, no warning", () => {
    expect(diagnostics).toEqual([]);
  });

  test("plans the bucket, its six controls and its KMS key with its policy and alias, nothing else", () => {
    expect(created(plan).map((c) => [c.type, c.change.actions])).toEqual(STATE_BUCKET_TYPES.map((type) => [type, ["create"]]));
  });
});

describeWithTerraform("terraform on the state bootstrap stack with a replica (threeRegions config)", () => {
  let plan: Plan;
  beforeAll(() => ({ plan } = readOfflinePlan("threeRegions", "tickets-state")));

  test("plans both buckets with their controls, each in its region, the replication and its role", () => {
    const keys = providerKeys(plan);
    const byRegion = new Map<string, string[]>();
    for (const change of created(plan)) {
      expect(change.change.actions).toEqual(["create"]);
      const key = keys.get(change.address) ?? "";
      byRegion.set(key, [...(byRegion.get(key) ?? []), change.type].sort());
    }
    expect(Object.fromEntries(byRegion)).toEqual({
      aws: [...STATE_BUCKET_TYPES, "aws_iam_role", "aws_iam_role_policy", "aws_s3_bucket_replication_configuration"].sort(),
      "aws.replica": STATE_BUCKET_TYPES,
    });
    const bucket = (name: string) => created(plan, "aws_s3_bucket").find((c) => c.name === name)!.change.after!;
    expect(bucket("replica_bucket").bucket).toBe("example-org-tickets-state-use2");
    expect(plan.configuration?.provider_config?.["aws.replica"]?.expressions?.region).toEqual({ constant_value: "us-east-2" });
  });
});

const THREE_REGIONS = {
  regions: ["us-west-2", "eu-central-1", "ap-northeast-1"],
  domain: "tickets.example.org",
  labels: ["oregon", "frankfurt", "tokyo"],
};

describe.each<[SynthConfigName, { regions: string[]; domain: string; labels: string[]; activeActive?: boolean }]>([
  ["default", { regions: ["eu-west-1", "ap-southeast-1"], domain: "example.com", labels: ["ireland", "singapore"] }],
  ["threeRegions", THREE_REGIONS],
  ["threeRegionsActiveActive", { ...THREE_REGIONS, activeActive: true }],
])("terraform on the tickets stack (%s config)", (configName, expected) => {
  describeWithTerraform("offline plan", () => {
    let diagnostics: OfflinePlanResult["diagnostics"];
    let plan: Plan;
    let keys: Map<string, string>;
    beforeAll(() => {
      ({ diagnostics, plan } = readOfflinePlan(configName, "tickets"));
      keys = providerKeys(plan);
    });
    const after = (change: PlanResourceChange) => change.change.after ?? {};

    // The plan validates first and `plan -json` reports what `validate -json` would (a
    // deprecated argument's warning included), so no `terraform validate` runs.
    test("validates without a warning (reset_on_delete, deprecated in provider 5.100, is not set)", () => {
      expect(diagnostics).toEqual([]);
    });

    test("only creates: a first apply", () => {
      for (const change of created(plan)) expect(change.change.actions).toEqual(["create"]);
    });

    test("plans the table in the primary region with a replica in every other region", () => {
      const [table] = created(plan, "aws_dynamodb_table");
      expect(keys.get(table!.address)).toBe(`aws.${expected.regions[0]}`);
      // `replica` is a set: Terraform orders it by value.
      expect((after(table!).replica as { region_name: string }[]).map((r) => r.region_name).sort()).toEqual(
        expected.regions.slice(1).sort(),
      );
    });

    test.each(expected.regions.map((region, index) => [region, expected.labels[index]!]))(
      "%s: three functions, the API, its deployment, stage prod and both domains",
      (region, label) => {
        const inRegion = (type: string) => created(plan, type).filter((c) => keys.get(c.address) === `aws.${region}`);
        expect(
          inRegion("aws_lambda_function")
            .map((c) => after(c).function_name)
            .sort(),
        ).toEqual(["tickets-get", "tickets-health", "tickets-post"]);
        for (const fn of inRegion("aws_lambda_function")) {
          expect(after(fn)).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"] });
        }
        expect(inRegion("aws_api_gateway_rest_api")).toHaveLength(1);
        expect(inRegion("aws_api_gateway_deployment")).toHaveLength(1);
        expect(inRegion("aws_api_gateway_stage").map((c) => after(c).stage_name)).toEqual(["prod"]);
        expect(
          inRegion("aws_api_gateway_domain_name")
            .map((c) => after(c).domain_name)
            .sort(),
        ).toEqual([`api.${expected.domain}`, `${label}.${expected.domain}`].sort());
        expect(inRegion("aws_api_gateway_base_path_mapping")).toHaveLength(2);
        expect(inRegion("aws_acm_certificate")).toHaveLength(1);
        expect(inRegion("aws_acm_certificate_validation")).toHaveLength(1);
      },
    );

    test("every regional resource is on its own region's provider", () => {
      // Regional constructs carry their region in their id (api-<region>, domains-<region>, ...).
      // The drill's replication fault (its role policy, in the primary only) is checked on its own below.
      const regional = created(plan).filter(
        (c) => REGIONAL_TYPES.includes(c.type) && !c.address.includes("drill_replication_fault"),
      );
      expect(regional).toHaveLength(26 * expected.regions.length);
      for (const change of regional) {
        // Every regional resource's name ends in its region (stacks/stable-addresses.ts).
        const owner = expected.regions.filter((region) => change.address.endsWith(`_${region.replaceAll("-", "_")}`));
        expect({ address: change.address, owners: owner.length, provider: keys.get(change.address) }).toEqual({
          address: change.address,
          owners: 1,
          provider: `aws.${owner[0]}`,
        });
      }
    });

    test("one validation record for every certificate, and the regional and failover records", () => {
      const records = created(plan, "aws_route53_record");
      const validation = records.filter((r) => r.index !== undefined);
      expect(validation.map((r) => r.index)).toEqual([expected.domain]);
      const named = records.filter((r) => r.index === undefined).map((r) => after(r).name);
      expect(named).toEqual(
        expect.arrayContaining([`api.${expected.domain}`, ...expected.labels.map((l) => `${l}.${expected.domain}`)]),
      );
    });

    test(`api.<domain>: ${expected.activeActive ? "a latency record per region" : "PRIMARY and SECONDARY"}; health checks, and alarms in us-east-1`, () => {
      const policies = created(plan, "aws_route53_record")
        .filter((r) => after(r).name === `api.${expected.domain}`)
        .map((r) => {
          const { set_identifier, failover_routing_policy, latency_routing_policy } = after(r) as Record<string, any>;
          return [set_identifier, failover_routing_policy[0]?.type ?? latency_routing_policy[0]?.region];
        });
      expect(policies.sort()).toEqual(
        expected.activeActive
          ? expected.labels.map((label, index) => [label, expected.regions[index]]).sort()
          : [
              [`${expected.labels[0]}-primary`, "PRIMARY"],
              [expected.regions.length > 2 ? "standbys-secondary" : `${expected.labels[1]}-secondary`, "SECONDARY"],
            ],
      );
      const standbySet = created(plan, "aws_route53_record").filter((r) => after(r).name === `api-standby.${expected.domain}`);
      expect(standbySet).toHaveLength(expected.activeActive || expected.regions.length === 2 ? 0 : expected.regions.length - 1);
      // Per region: the endpoint check, two client-route checks and the routing check over them.
      const checks = created(plan, "aws_route53_health_check");
      expect(checks).toHaveLength(4 * expected.regions.length);
      expect(checks.map((c) => after(c).type).filter((type) => type === "CALCULATED")).toHaveLength(expected.regions.length);
      const alarms = created(plan, "aws_cloudwatch_metric_alarm");
      const healthAlarms = alarms.filter((alarm) => after(alarm).namespace === "AWS/Route53");
      expect(healthAlarms).toHaveLength(expected.regions.length);
      for (const alarm of healthAlarms) expect(keys.get(alarm.address)).toBe("aws.us-east-1");
      // The client-route alarms live beside their API, one per route and region.
      const clientAlarms = alarms.filter((alarm) => after(alarm).namespace === "AWS/ApiGateway");
      expect(clientAlarms.map((alarm) => keys.get(alarm.address)).sort()).toEqual(
        expected.regions.flatMap((region) => [`aws.${region}`, `aws.${region}`]).sort(),
      );
    });

    test("a replication-lag alarm per table and ordered pair of regions, in the source region; one dashboard", () => {
      const lag = created(plan, "aws_cloudwatch_metric_alarm").filter(
        (alarm) => after(alarm).metric_name === "ReplicationLatency",
      );
      const pairs = lag.map((alarm) => {
        const { dimensions, threshold } = after(alarm) as { dimensions: Record<string, string>; threshold: number };
        expect(threshold).toBe(60_000);
        return [keys.get(alarm.address), dimensions.ReceivingRegion];
      });
      const n = expected.regions.length;
      expect(pairs).toHaveLength(2 * n * (n - 1));
      for (const [provider, receiving] of pairs) expect(provider).not.toBe(`aws.${receiving}`);
      expect(new Set(pairs.map(([provider]) => provider))).toEqual(new Set(expected.regions.map((r) => `aws.${r}`)));
      expect(created(plan, "aws_cloudwatch_dashboard").map((d) => keys.get(d.address))).toEqual([`aws.${expected.regions[0]}`]);
      expect(plan.output_changes?.dashboard_url).toBeDefined();
    });

    test(`the drill's replication fault: ${expected.regions.length > 2 ? "an FIS template in the primary region (drill.replicationFault)" : "none (off by default)"}`, () => {
      const templates = created(plan, "aws_fis_experiment_template");
      expect(templates.map((t) => keys.get(t.address))).toEqual(
        expected.regions.length > 2 ? [`aws.${expected.regions[0]}`] : [],
      );
    });

    test("every replica of both tables gets a deletion-denying resource policy in its own region", () => {
      const policies = created(plan, "aws_dynamodb_resource_policy");
      expect(policies.map((p) => keys.get(p.address)).sort()).toEqual(
        expected.regions
          .slice(1)
          .flatMap((region) => [`aws.${region}`, `aws.${region}`])
          .sort(),
      );
    });

    test("every region's API gets its resource policy, and the tables wait 5 h for a replica backfill", () => {
      expect(
        created(plan, "aws_api_gateway_rest_api_policy")
          .map((p) => keys.get(p.address))
          .sort(),
      ).toEqual(expected.regions.map((region) => `aws.${region}`).sort());
      for (const table of created(plan, "aws_dynamodb_table")) {
        expect(after(table).timeouts).toEqual({ create: "1h", update: "5h", delete: "1h" });
      }
    });

    test("/health has its own throttle, not the clients' stage-wide one, in every region", () => {
      const settings = created(plan, "aws_api_gateway_method_settings");
      expect(settings).toHaveLength(2 * expected.regions.length);
      const health = settings.filter((c) => after(c).method_path === "health/GET");
      expect(health).toHaveLength(expected.regions.length);
      for (const change of health) {
        expect((after(change).settings as Record<string, unknown>[])[0]).toMatchObject({
          throttling_rate_limit: 100,
          throttling_burst_limit: 200,
        });
      }
      const stageWide = settings.filter((c) => after(c).method_path === "*/*");
      for (const change of stageWide) {
        expect((after(change).settings as Record<string, unknown>[])[0]).toMatchObject({
          throttling_rate_limit: 50,
          throttling_burst_limit: 100,
        });
      }
    });

    test("the health functions have reserved concurrency; every function traces to X-Ray", () => {
      const functions = created(plan, "aws_lambda_function");
      expect(functions).toHaveLength(3 * expected.regions.length);
      for (const fn of functions) {
        expect(after(fn).tracing_config).toEqual([{ mode: "Active" }]);
        expect(after(fn).reserved_concurrent_executions).toBe(after(fn).function_name === "tickets-health" ? 10 : -1);
      }
      for (const stage of created(plan, "aws_api_gateway_stage")) expect(after(stage).xray_tracing_enabled).toBe(true);
    });

    test("each health check starts after the record that makes its name resolve", () => {
      const resources =
        (plan.configuration?.root_module as { resources?: { address: string; depends_on?: string[] }[] }).resources ?? [];
      const checks = resources.filter((r) => r.address.startsWith("aws_route53_health_check.failover_dns_health_check_"));
      expect(checks).toHaveLength(expected.regions.length);
      for (const check of checks) {
        expect(check.depends_on).toHaveLength(1);
        expect(check.depends_on![0]).toMatch(/^aws_route53_record\.domains_regional_record_[a-z0-9_]+$/);
      }
    });

    test("outputs the API URL for the UI", () => {
      expect(plan.output_changes?.api_url?.after).toBe(`https://api.${expected.domain}/`);
    });
  });
});
