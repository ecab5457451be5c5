import { referencedResource, resourcesIn, resourcesOf, synthStacks } from "../support/synth";

const THREE_REGIONS = {
  domainName: "tickets.example.org",
  hostedZoneId: "Z3THREEREGIONS0",
  regions: [
    { name: "us-west-2", label: "oregon" },
    { name: "eu-central-1", label: "frankfurt" },
    { name: "ap-northeast-1", label: "tokyo" },
  ],
  healthCheck: { requestInterval: 30 as const, failureThreshold: 3 },
  alarmEmail: "oncall@example.org",
};

const all = (stack: Record<string, any>, type: string) => Object.values(resourcesOf(stack, type));

describe("default config (two regions)", () => {
  const { tickets } = synthStacks();

  describe("certificates", () => {
    test("one per region for the apex and the wildcard, validated by DNS", () => {
      const certificates = all(tickets, "aws_acm_certificate");
      expect(certificates.map((c) => c.provider).sort()).toEqual(["aws.ap-southeast-1", "aws.eu-west-1"]);
      for (const certificate of certificates) {
        expect(certificate).toMatchObject({
          domain_name: "example.com",
          subject_alternative_names: ["*.example.com"],
          validation_method: "DNS",
          lifecycle: { create_before_destroy: true },
        });
      }
    });

    test("a single validation record serves apex, wildcard and both regions", () => {
      const records = all(tickets, "aws_route53_record").filter((r) => r.for_each !== undefined);
      expect(records).toHaveLength(1);
      const [record] = records;
      expect(record.for_each).toBe('${toset(["example.com"])}');
      expect(record.zone_id).toBe("Z0000000000EXAMPLE");
      expect(record.name).toMatch(/^\$\{one\(\[for option in aws_acm_certificate\.[^.]+\.domain_validation_options : option\.resource_record_name if option\.domain_name == each\.key\]\)\}$/);
      expect(record.records).toEqual([expect.stringContaining("option.resource_record_value if option.domain_name == each.key")]);
      expect(record.allow_overwrite).toBe(true);
    });

    test("every region waits for its certificate's validation through that record", () => {
      const validations = all(tickets, "aws_acm_certificate_validation");
      expect(validations.map((v) => v.provider).sort()).toEqual(["aws.ap-southeast-1", "aws.eu-west-1"]);
      for (const validation of validations) {
        expect(validation.validation_record_fqdns).toMatch(/^\$\{\[for record in aws_route53_record\.[^ ]+ : record\.fqdn\]\}$/);
        expect(referencedResource(tickets, validation.certificate_arn).provider).toBe(validation.provider);
      }
    });

    test("an existing certificate ARN replaces the region's new certificate", () => {
      const arn = "arn:aws:acm:ap-southeast-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
      const { tickets: stack } = synthStacks({ certificateArns: { "ap-southeast-1": arn } });
      expect(all(stack, "aws_acm_certificate").map((c) => c.provider)).toEqual(["aws.eu-west-1"]);
      expect(all(stack, "aws_acm_certificate_validation")).toHaveLength(1);
      const domains = resourcesIn(stack, "aws_api_gateway_domain_name", "ap-southeast-1");
      expect(domains.map((d) => d.regional_certificate_arn)).toEqual([arn, arn]);
    });

    test("with every certificate brought, no certificate and no validation record is made", () => {
      const arn = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/12345678-1234-1234-1234-123456789012`;
      const { tickets: stack } = synthStacks({ certificateArns: { "eu-west-1": arn("eu-west-1"), "ap-southeast-1": arn("ap-southeast-1") } });
      expect(all(stack, "aws_acm_certificate")).toEqual([]);
      expect(all(stack, "aws_route53_record").filter((r) => r.for_each !== undefined)).toEqual([]);
    });
  });

  describe.each([
    ["eu-west-1", "ireland"],
    ["ap-southeast-1", "singapore"],
  ])("custom domains in %s", (region, label) => {
    const domains = resourcesIn(tickets, "aws_api_gateway_domain_name", region);

    test(`api.example.com and ${label}.example.com, REGIONAL with TLS 1.2 and this region's validated certificate`, () => {
      expect(domains.map((d) => d.domain_name)).toEqual(["api.example.com", `${label}.example.com`]);
      for (const domain of domains) {
        expect(domain).toMatchObject({ endpoint_configuration: { types: ["REGIONAL"] }, security_policy: "TLS_1_2" });
        const validation = referencedResource(tickets, domain.regional_certificate_arn);
        expect(validation.provider).toBe(`aws.${region}`);
      }
    });

    test("map / to this region's API, stage prod", () => {
      const mappings = resourcesIn(tickets, "aws_api_gateway_base_path_mapping", region);
      expect(mappings).toHaveLength(2);
      for (const mapping of mappings) {
        expect(mapping.base_path).toBeUndefined();
        expect(referencedResource(tickets, mapping.api_id).provider).toBe(`aws.${region}`);
        expect(mapping.stage_name).toMatch(/^\$\{aws_api_gateway_stage\.[^.]+\.stage_name\}$/);
        expect(referencedResource(tickets, mapping.stage_name).provider).toBe(`aws.${region}`);
      }
    });

    test(`${label}.example.com is an alias record to the regional domain`, () => {
      const records = resourcesIn(tickets, "aws_route53_record", region).filter((r) => r.set_identifier === undefined && r.for_each === undefined);
      expect(records).toHaveLength(1);
      const [record] = records;
      expect(record).toMatchObject({ zone_id: "Z0000000000EXAMPLE", type: "A" });
      expect(referencedResource(tickets, record.name).domain_name).toBe(`${label}.example.com`);
      expect(referencedResource(tickets, record.alias.name).domain_name).toBe(`${label}.example.com`);
      expect(record.alias.zone_id).toMatch(/\.regional_zone_id\}$/);
      expect(record.alias.evaluate_target_health).toBe(false);
    });
  });

  describe("health checks", () => {
    const checks = all(tickets, "aws_route53_health_check");

    test("probe https://<label>.example.com/health every 10 s, unhealthy after 1 failure", () => {
      expect(checks.map((c) => c.fqdn)).toEqual([
        expect.stringMatching(/aws_api_gateway_domain_name\..*\.domain_name/),
        expect.stringMatching(/aws_api_gateway_domain_name\..*\.domain_name/),
      ]);
      expect(checks.map((c) => referencedResource(tickets, c.fqdn).domain_name).sort()).toEqual(["ireland.example.com", "singapore.example.com"]);
      for (const check of checks) {
        expect(check).toMatchObject({ type: "HTTPS", port: 443, resource_path: "/health", enable_sni: true, request_interval: 10, failure_threshold: 1 });
      }
      expect(checks.map((c) => c.tags.Name).sort()).toEqual(["ireland-api", "singapore-api"]);
    });
  });

  describe("api.example.com failover", () => {
    const failover = all(tickets, "aws_route53_record").filter((r) => r.failover_routing_policy !== undefined);
    const primary = failover.find((r) => r.failover_routing_policy.type === "PRIMARY")!;
    const secondary = failover.find((r) => r.failover_routing_policy.type === "SECONDARY")!;
    const checkOf = (region: string) =>
      Object.entries<any>(resourcesOf(tickets, "aws_route53_health_check")).find(
        ([, c]) => referencedResource(tickets, c.fqdn).provider === `aws.${region}`,
      )![0];

    test("has exactly a PRIMARY and a SECONDARY alias record for api.example.com", () => {
      expect(failover).toHaveLength(2);
      for (const record of failover) {
        expect(record).toMatchObject({ name: "api.example.com", type: "A", zone_id: "Z0000000000EXAMPLE", provider: "aws.eu-west-1" });
      }
      expect([primary.set_identifier, secondary.set_identifier]).toEqual(["ireland-primary", "singapore-secondary"]);
    });

    test("PRIMARY: Ireland's api domain, with the Ireland health check and evaluate-target-health", () => {
      const target = referencedResource(tickets, primary.alias.name);
      expect([target.domain_name, target.provider]).toEqual(["api.example.com", "aws.eu-west-1"]);
      expect(primary.alias.evaluate_target_health).toBe(true);
      expect(primary.health_check_id).toBe(`\${aws_route53_health_check.${checkOf("eu-west-1")}.id}`);
    });

    test("SECONDARY: Singapore's api domain, with no health check (always presumed healthy)", () => {
      const target = referencedResource(tickets, secondary.alias.name);
      expect([target.domain_name, target.provider]).toEqual(["api.example.com", "aws.ap-southeast-1"]);
      expect(secondary.alias.evaluate_target_health).toBe(false);
      expect(secondary.health_check_id).toBeUndefined();
    });
  });

  describe("alarms", () => {
    test("one per health check on HealthCheckStatus, in us-east-1, to an encrypted topic there", () => {
      const alarms = all(tickets, "aws_cloudwatch_metric_alarm");
      expect(alarms.map((a) => a.alarm_name)).toEqual(["tickets-ireland-api-unhealthy", "tickets-singapore-api-unhealthy"]);
      for (const alarm of alarms) {
        expect(alarm).toMatchObject({
          provider: "aws.us-east-1",
          namespace: "AWS/Route53",
          metric_name: "HealthCheckStatus",
          statistic: "Minimum",
          comparison_operator: "LessThanThreshold",
          threshold: 1,
          treat_missing_data: "breaching",
        });
        expect(alarm.dimensions.HealthCheckId).toMatch(/^\$\{aws_route53_health_check\.[^.]+\.id\}$/);
        const topic = referencedResource(tickets, alarm.alarm_actions[0]);
        expect(topic.provider).toBe("aws.us-east-1");
        expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
        expect(referencedResource(tickets, topic.kms_master_key_id).enable_key_rotation).toBe(true);
      }
    });

    test("no e-mail subscription unless configured", () => {
      expect(all(tickets, "aws_sns_topic_subscription")).toEqual([]);
    });
  });

  test("outputs the API URL, the region URLs, health checks and table", () => {
    expect(tickets.output.api_url.value).toBe("https://api.example.com/");
    expect(tickets.output.region_urls.value).toEqual({ "eu-west-1": "https://ireland.example.com/", "ap-southeast-1": "https://singapore.example.com/" });
    expect(Object.keys(tickets.output.health_check_ids.value).sort()).toEqual(["ap-southeast-1", "eu-west-1"]);
    expect(Object.keys(tickets.output.invoke_urls.value).sort()).toEqual(["ap-southeast-1", "eu-west-1"]);
    expect(tickets.output.table_name.value).toMatch(/^\$\{aws_dynamodb_table\.[^.]+\.name\}$/);
    expect(Object.keys(tickets.output.table_arns.value).sort()).toEqual(["ap-southeast-1", "eu-west-1"]);
    expect(tickets.output.alarm_topic_arn.value).toMatch(/^\$\{aws_sns_topic\./);
  });
});

describe("three regions, another domain", () => {
  const { tickets } = synthStacks(THREE_REGIONS);

  test("every region gets its API, both custom domains and its regional record", () => {
    for (const [region, label] of [["us-west-2", "oregon"], ["eu-central-1", "frankfurt"], ["ap-northeast-1", "tokyo"]] as const) {
      expect(resourcesIn(tickets, "aws_api_gateway_rest_api", region)).toHaveLength(1);
      expect(resourcesIn(tickets, "aws_lambda_function", region)).toHaveLength(3);
      expect(resourcesIn(tickets, "aws_api_gateway_domain_name", region).map((d) => d.domain_name)).toEqual([
        "api.tickets.example.org",
        `${label}.tickets.example.org`,
      ]);
    }
    expect(all(tickets, "aws_acm_certificate")).toHaveLength(3);
    expect(all(tickets, "aws_route53_record").filter((r) => r.for_each !== undefined)).toHaveLength(1);
  });

  test("PRIMARY is the first region with its health check; SECONDARY the latency-routed set of standbys", () => {
    const failover = all(tickets, "aws_route53_record").filter((r) => r.failover_routing_policy !== undefined);
    expect(failover.map((r) => [r.failover_routing_policy.type, r.set_identifier, r.name])).toEqual([
      ["PRIMARY", "oregon-primary", "api.tickets.example.org"],
      ["SECONDARY", "standbys-secondary", "api.tickets.example.org"],
    ]);
    const [primary, secondary] = failover;
    expect(referencedResource(tickets, primary.alias.name).provider).toBe("aws.us-west-2");
    expect(primary.health_check_id).toBeDefined();
    expect(secondary.alias).toEqual({ name: "api-standby.tickets.example.org", zone_id: "Z3THREEREGIONS0", evaluate_target_health: false });
    expect(secondary.health_check_id).toBeUndefined();
    expect(secondary.depends_on).toHaveLength(2);
  });

  test("the standby set routes by latency to each standby's api domain, each with its own health check", () => {
    const latency = all(tickets, "aws_route53_record").filter((r) => r.latency_routing_policy !== undefined);
    expect(latency.map((r) => [r.name, r.set_identifier, r.latency_routing_policy.region]).sort()).toEqual([
      ["api-standby.tickets.example.org", "frankfurt", "eu-central-1"],
      ["api-standby.tickets.example.org", "tokyo", "ap-northeast-1"],
    ]);
    for (const record of latency) {
      const target = referencedResource(tickets, record.alias.name);
      expect([target.domain_name, target.provider]).toEqual(["api.tickets.example.org", `aws.${record.latency_routing_policy.region}`]);
      const check = referencedResource(tickets, record.health_check_id);
      expect(referencedResource(tickets, check.fqdn).provider).toBe(`aws.${record.latency_routing_policy.region}`);
    }
  });

  test("health checks follow the configured interval and threshold", () => {
    for (const check of all(tickets, "aws_route53_health_check")) {
      expect([check.request_interval, check.failure_threshold]).toEqual([30, 3]);
    }
  });

  test("alarms cover all three health checks and mail the configured address", () => {
    expect(all(tickets, "aws_cloudwatch_metric_alarm")).toHaveLength(3);
    expect(all(tickets, "aws_sns_topic_subscription")).toEqual([
      expect.objectContaining({ protocol: "email", endpoint: "oncall@example.org", provider: "aws.us-east-1" }),
    ]);
  });
});
