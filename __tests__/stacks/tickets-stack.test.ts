/**
 * The whole tickets stack: only what crosses constructs (a provider per region, what one
 * construct hands another, config reaching the constructs, outputs). Each construct's own
 * behaviour is tested alone under __tests__/constructs/.
 */
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import {
  addressOf,
  attributeRef,
  expectNamedResources,
  expectOnlyIn,
  expectResources,
  policyDocument,
  referencedResource,
  resourcesIn,
  resourcesOf,
  synthStacks,
  type TerraformBlock,
  type TerraformJson,
} from "../support/synth";
import { PROJECT_ROOT } from "../../bundling/project-root";

const REGIONS = [
  ["eu-west-1", "ireland"],
  ["ap-southeast-1", "singapore"],
] as const;

const THREE_REGIONS = {
  domainName: "tickets.example.org",
  tableName: "Tickets",
  hostedZoneId: "Z3THREEREGIONS0",
  regions: [
    { name: "us-west-2", label: "oregon" },
    { name: "eu-central-1", label: "frankfurt" },
    { name: "ap-northeast-1", label: "tokyo" },
  ],
  // healthCheck is replaced whole: every key, reservedConcurrency included.
  healthCheck: { requestInterval: 30 as const, failureThreshold: 3, reservedConcurrency: false as const },
  alarmEmail: "oncall@example.org",
};

/** The custom domain `name` (exactly one). */
function domainNamed(stack: TerraformJson, name: string): TerraformBlock {
  const found = Object.values(resourcesOf(stack, ApiGatewayDomainName)).filter((domain) => domain.domain_name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The record named after the custom domain `name` (exactly one), and that domain. */
function recordOfDomain(stack: TerraformJson, name: string): { record: TerraformBlock; domain: TerraformBlock } {
  const domain = domainNamed(stack, name);
  const records = Object.values(resourcesOf(stack, Route53Record)).filter(
    (record) => record.name === attributeRef(stack, ApiGatewayDomainName, domain, "domain_name"),
  );
  expect(records).toHaveLength(1);
  return { record: records[0]!, domain };
}

/** The records of the failover pair of `api.<domain>`. */
const failoverRecords = (stack: TerraformJson) =>
  Object.values(resourcesOf(stack, Route53Record)).filter((record) => record.failover_routing_policy !== undefined);

describe("tickets stack: providers and state", () => {
  const { tickets } = synthStacks();

  test("has one aws provider per region, aliased by region code, plus us-east-1 for Route 53 metrics", () => {
    expect(tickets.provider.aws.map((p: any) => [p.alias, p.region])).toEqual([
      ["eu-west-1", "eu-west-1"],
      ["ap-southeast-1", "ap-southeast-1"],
      ["us-east-1", "us-east-1"],
    ]);
  });

  test("tags every resource of every provider", () => {
    expect(tickets.provider.aws).toHaveLength(3);
    for (const provider of tickets.provider.aws) {
      expect(provider.default_tags).toEqual([{ tags: { Project: "wild-rydes-tickets", ManagedBy: "cdktf" } }]);
    }
  });

  test("keeps its state in the bootstrap bucket, encrypted under the bucket's key and locked, under its own key", () => {
    expect(tickets.terraform.backend).toEqual({
      s3: {
        bucket: "wild-rydes-tickets-tfstate",
        key: "wild-rydes-tickets/tickets.tfstate",
        region: "eu-west-1",
        encrypt: true,
        kms_key_id: "alias/wild-rydes-tickets-tfstate",
        use_lockfile: true,
      },
    });
  });

  test("pins the AWS provider the prebuilt bindings are made for, and a Terraform with S3-native locking", () => {
    expect(tickets.terraform.required_providers.aws).toEqual({ source: "aws", version: "5.100.0" });
    expect(tickets.terraform.required_version).toBe(">= 1.10.0");
  });

  test("places every resource on an explicit provider", () => {
    const aliases = new Set(tickets.provider.aws.map((p: any) => `aws.${p.alias}`));
    const resources = Object.entries<Record<string, any>>(tickets.resource).flatMap(([type, byName]) =>
      Object.entries<any>(byName).map(([name, resource]) => ({
        resource: `${type}.${name}`,
        provider: aliases.has(resource.provider),
      })),
    );
    // Per region 44 (the API's 26 with its resource policy, two client-route alarms, the
    // domains' 5, a certificate and its validation, four health checks, the replication
    // alarms' key, key policy and topic, a lag alarm per table); shared 13 (two tables, a
    // replica policy of each, validation record, two failover records, key, key policy,
    // topic, two health alarms, the dashboard).
    expect(resources).toHaveLength(2 * 44 + 13);
    for (const entry of resources) {
      expect(entry).toEqual({ resource: entry.resource, provider: true });
    }
  });

  test.each(REGIONS)(
    "%s gets its own API, functions, custom domains and certificate validation on its provider",
    (region, label) => {
      expectOnlyIn(tickets, ApiGatewayRestApi, region);
      expect(resourcesIn(tickets, LambdaFunction, region)).toHaveLength(3);
      expect(resourcesIn(tickets, ApiGatewayDomainName, region).map((d) => d.domain_name)).toEqual([
        "api.example.com",
        `${label}.example.com`,
      ]);
      expectOnlyIn(tickets, AcmCertificateValidation, region);
    },
  );

  test.each(REGIONS)(
    "%s manages its API Gateway account setting and reserves the default concurrency for its health function",
    (region) => {
      expectOnlyIn(tickets, ApiGatewayAccount, region);
      const health = resourcesIn(tickets, LambdaFunction, region).filter((fn) => fn.reserved_concurrent_executions !== undefined);
      expect(health.map((fn) => [fn.function_name, fn.reserved_concurrent_executions])).toEqual([["tickets-health", 10]]);
    },
  );

  test("Route 53 resources are on the primary's provider and the alarms in us-east-1", () => {
    for (const check of expectResources(tickets, Route53HealthCheck, 8)) expect(check.provider).toBe("aws.eu-west-1");
    for (const record of failoverRecords(tickets)) expect(record.provider).toBe("aws.eu-west-1");
    const healthAlarms = expectResources(tickets, CloudwatchMetricAlarm, 10).filter((a) => a.namespace === "AWS/Route53");
    expect(healthAlarms).toHaveLength(2);
    for (const alarm of healthAlarms) expect(alarm.provider).toBe("aws.us-east-1");
    const healthTopic = Object.values(resourcesOf(tickets, SnsTopic)).find((topic) => topic.name === "tickets-health-alarms");
    expect(healthTopic?.provider).toBe("aws.us-east-1");
  });

  test("reuses the region's provider when us-east-1 is itself a configured region", () => {
    const { tickets: stack } = synthStacks({
      regions: [
        { name: "us-east-1", label: "virginia" },
        { name: "eu-west-1", label: "ireland" },
      ],
    });
    expect(stack.provider.aws.map((p: any) => p.alias)).toEqual(["us-east-1", "eu-west-1"]);
    expect(
      expectResources(stack, CloudwatchMetricAlarm, 10)
        .filter((a) => a.namespace === "AWS/Route53")
        .map((a) => a.provider),
    ).toEqual(["aws.us-east-1", "aws.us-east-1"]);
  });
});

describe("tickets stack: what the constructs hand each other", () => {
  const { tickets } = synthStacks();
  // Two global tables, under the names GlobalTable pins (pinTerraformName).
  expect(
    expectNamedResources(tickets, DynamodbTable, 2)
      .map(([name]) => name)
      .sort(),
  ).toEqual(["idempotency_table", "tickets_table"]);
  const tableAddress = "aws_dynamodb_table.tickets_table";
  const TABLE_ARN: Record<string, string> = {
    "eu-west-1": `\${${tableAddress}.arn}`,
    "ap-southeast-1": `\${one([for replica in ${tableAddress}.replica : replica.arn if replica.region_name == "ap-southeast-1"])}`,
  };

  test("the idempotency records live in a global table of their own, replicated like the tickets, expiring by TTL", () => {
    const table = tickets.resource.aws_dynamodb_table.idempotency_table;
    expect(table).toMatchObject({
      provider: "aws.eu-west-1",
      name: "SXRTickets-idempotency",
      hash_key: "id",
      ttl: { attribute_name: "expiration", enabled: true },
    });
    expect(table.replica.map((replica: any) => replica.region_name)).toEqual(["ap-southeast-1"]);
  });

  test.each(REGIONS)("only tickets-post in %s may use the idempotency table, its own region's copy", (region) => {
    const address = "aws_dynamodb_table.idempotency_table";
    const arn =
      region === "eu-west-1"
        ? `\${${address}.arn}`
        : `\${one([for replica in ${address}.replica : replica.arn if replica.region_name == "${region}"])}`;
    const functions = resourcesIn(tickets, LambdaFunction, region);
    expect(functions).toHaveLength(3);
    const withTable = functions.filter((fn) => fn.environment.variables.IDEMPOTENCY_TABLE_NAME !== undefined);
    expect(withTable.map((fn) => fn.function_name)).toEqual(["tickets-post"]);
    const policies = resourcesIn(tickets, IamRolePolicy, region).filter((policy) =>
      JSON.stringify(policyDocument(tickets, policy.policy)).includes("IdempotencyTable"),
    );
    expect(policies).toHaveLength(1);
    expect(
      policyDocument(tickets, policies[0]!.policy).statement.find((s: any) => s.sid === "IdempotencyTable").resources,
    ).toEqual([arn]);
  });

  test("the table lives in the primary region with a replica in the other", () => {
    const table = tickets.resource.aws_dynamodb_table.tickets_table;
    expect(table.provider).toBe("aws.eu-west-1");
    expect(table.name).toBe("SXRTickets");
    expect(table.replica.map((replica: any) => replica.region_name)).toEqual(["ap-southeast-1"]);
  });

  test.each(REGIONS)("functions in %s may touch only their own region's table or replica, and get the table's name", (region) => {
    const policies = resourcesIn(tickets, IamRolePolicy, region);
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(policyDocument(tickets, policy.policy).statement[0]).toMatchObject({
        sid: "TicketsTable",
        resources: [TABLE_ARN[region]],
      });
    }
    const functions = resourcesIn(tickets, LambdaFunction, region);
    expect(functions).toHaveLength(3);
    for (const fn of functions) expect(fn.environment.variables.TABLE_NAME).toBe(`\${${tableAddress}.name}`);
  });

  test.each(REGIONS)("functions in %s ship the shared bundles, copied into the stack", (region) => {
    const functions = resourcesIn(tickets, LambdaFunction, region);
    expect(functions.map((fn) => fn.function_name).sort()).toEqual(["tickets-get", "tickets-health", "tickets-post"]);
    const handlerOf: Record<string, string> = {
      "tickets-get": "tickets-get",
      "tickets-post": "tickets-post",
      "tickets-health": "health",
    };
    for (const fn of functions) {
      expect(fn.filename).toMatch(new RegExp(`^assets/.+/${handlerOf[fn.function_name]}\\.zip$`));
      expect(fn.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    }
    // One bundle per handler, the same bytes in every region.
    const hashes = (r: string) =>
      Object.fromEntries(resourcesIn(tickets, LambdaFunction, r).map((fn) => [fn.function_name, fn.source_code_hash]));
    expect(hashes(region)).toEqual(hashes("eu-west-1"));
  });

  test.each(REGIONS)(
    "the custom domains in %s use this region's validated certificate and map / to this region's stage",
    (region, label) => {
      const domains = resourcesIn(tickets, ApiGatewayDomainName, region);
      expect(domains.map((domain) => domain.domain_name)).toEqual(["api.example.com", `${label}.example.com`]);
      const validation = expectOnlyIn(tickets, AcmCertificateValidation, region);
      for (const domain of domains) {
        expect(domain.regional_certificate_arn).toBe(
          attributeRef(tickets, AcmCertificateValidation, validation, "certificate_arn"),
        );
      }
      const mappings = resourcesIn(tickets, ApiGatewayBasePathMapping, region);
      expect(mappings).toHaveLength(2);
      for (const mapping of mappings) {
        expect(mapping.api_id).toBe(
          attributeRef(tickets, ApiGatewayRestApi, expectOnlyIn(tickets, ApiGatewayRestApi, region), "id"),
        );
        expect(mapping.stage_name).toBe(
          attributeRef(tickets, ApiGatewayStage, expectOnlyIn(tickets, ApiGatewayStage, region), "stage_name"),
        );
      }
    },
  );

  test("each health check probes the name of its region's own record, https://<label>.example.com/health", () => {
    const checks = expectResources(tickets, Route53HealthCheck, 8).filter((check) => check.type === "HTTPS");
    const probed = checks.map((check) => {
      const domain = referencedResource(tickets, check.fqdn);
      return [domain.provider, domain.domain_name, check.resource_path, check.tags.Name];
    });
    expect(probed.sort()).toEqual([
      ["aws.ap-southeast-1", "singapore.example.com", "/health", "singapore-api"],
      ["aws.eu-west-1", "ireland.example.com", "/health", "ireland-api"],
    ]);
    for (const [region, label] of REGIONS) {
      const { record, domain } = recordOfDomain(tickets, `${label}.example.com`);
      expect(domain.provider).toBe(`aws.${region}`);
      expect(record.alias.name).toBe(attributeRef(tickets, ApiGatewayDomainName, domain, "regional_domain_name"));
      const check = checks.filter((candidate) => candidate.fqdn === record.name);
      expect(check).toHaveLength(1);
      // Probing waits for the name to resolve.
      expect(check[0]!.depends_on).toEqual([addressOf(tickets, Route53Record, record)]);
    }
  });

  test("api.example.com fails over from Ireland's api domain, with Ireland's routing check, to Singapore's", () => {
    const failover = failoverRecords(tickets);
    expect(failover).toHaveLength(2);
    const [primary, secondary] = (["PRIMARY", "SECONDARY"] as const).map((type) =>
      failover.find((r) => r.failover_routing_policy.type === type)!,
    );
    const target = (record: TerraformBlock) => {
      const domain = referencedResource(tickets, record.alias.name);
      return [
        domain.domain_name,
        domain.provider,
        record.alias.zone_id === record.alias.name.replace(/\.regional_domain_name\}$/, ".regional_zone_id}"),
      ];
    };
    expect(target(primary!)).toEqual(["api.example.com", "aws.eu-west-1", true]);
    expect(target(secondary!)).toEqual(["api.example.com", "aws.ap-southeast-1", true]);
    const routingCheck = referencedResource(tickets, primary!.health_check_id);
    expect(routingCheck.type).toBe("CALCULATED");
    const [endpointCheck, ...clientChecks] = (routingCheck.child_healthchecks as string[]).map((id) =>
      referencedResource(tickets, id),
    );
    expect(referencedResource(tickets, endpointCheck!.fqdn).domain_name).toBe("ireland.example.com");
    // The client-route checks watch Ireland's own alarms, on Ireland's API and stage.
    expect(
      clientChecks.map((check) => {
        const alarm = referencedResource(tickets, check.cloudwatch_alarm_name);
        const api = referencedResource(tickets, alarm.dimensions.ApiName);
        return [check.cloudwatch_alarm_region, alarm.provider, api.provider, alarm.dimensions.Method, alarm.dimensions.Resource];
      }),
    ).toEqual([
      ["eu-west-1", "aws.eu-west-1", "aws.eu-west-1", "GET", "/ticket"],
      ["eu-west-1", "aws.eu-west-1", "aws.eu-west-1", "POST", "/ticket"],
    ]);
  });

  test("the alarms watch the routing checks, one each, named after the region's label", () => {
    const checks = expectNamedResources(tickets, Route53HealthCheck, 8).filter(([, check]) => check.type === "CALCULATED");
    const alarms = expectResources(tickets, CloudwatchMetricAlarm, 10).filter((alarm) => alarm.namespace === "AWS/Route53");
    const watched = alarms.map((alarm) => {
      const check = referencedResource(tickets, alarm.dimensions.HealthCheckId);
      const endpoint = referencedResource(tickets, check.child_healthchecks[0]);
      return [alarm.alarm_name, referencedResource(tickets, endpoint.fqdn).domain_name];
    });
    expect(watched.sort()).toEqual([
      ["tickets-ireland-api-unhealthy", "ireland.example.com"],
      ["tickets-singapore-api-unhealthy", "singapore.example.com"],
    ]);
    expect(new Set(alarms.map((alarm) => alarm.dimensions.HealthCheckId))).toEqual(
      new Set(checks.map(([name]) => `\${aws_route53_health_check.${name}.id}`)),
    );
  });

  test("outputs the API URL, the region URLs, invoke URLs, health checks, table and alarm topic", () => {
    const stageUrl = (region: string) =>
      `${attributeRef(tickets, ApiGatewayStage, expectOnlyIn(tickets, ApiGatewayStage, region), "invoke_url")}/`;
    const checkOf = (label: string, kind = "api") =>
      addressOf(
        tickets,
        Route53HealthCheck,
        expectResources(tickets, Route53HealthCheck, 8).find((c) => c.tags.Name === `${label}-${kind}`)!,
      );
    expect(Object.keys(tickets.output).sort()).toEqual([
      "alarm_topic_arn",
      "api_url",
      "dashboard_url",
      "health_check_ids",
      "invoke_urls",
      "region_urls",
      "replication_alarm_topic_arns",
      "routing_health_check_ids",
      "table_arns",
      "table_name",
    ]);
    expect(tickets.output.api_url.value).toBe("https://api.example.com/");
    expect(tickets.output.region_urls.value).toEqual({
      "eu-west-1": "https://ireland.example.com/",
      "ap-southeast-1": "https://singapore.example.com/",
    });
    expect(tickets.output.invoke_urls.value).toEqual({
      "eu-west-1": stageUrl("eu-west-1"),
      "ap-southeast-1": stageUrl("ap-southeast-1"),
    });
    expect(tickets.output.health_check_ids.value).toEqual({
      "eu-west-1": `\${${checkOf("ireland")}.id}`,
      "ap-southeast-1": `\${${checkOf("singapore")}.id}`,
    });
    expect(tickets.output.routing_health_check_ids.value).toEqual({
      "eu-west-1": `\${${checkOf("ireland", "routing")}.id}`,
      "ap-southeast-1": `\${${checkOf("singapore", "routing")}.id}`,
    });
    expect(tickets.output.table_name.value).toBe(`\${${tableAddress}.name}`);
    expect(tickets.output.table_arns.value).toEqual(TABLE_ARN);
    const healthTopic = Object.values(resourcesOf(tickets, SnsTopic)).find((topic) => topic.name === "tickets-health-alarms")!;
    expect(tickets.output.alarm_topic_arn.value).toBe(attributeRef(tickets, SnsTopic, healthTopic, "arn"));
  });
});

describe("tickets stack: config reaches the constructs", () => {
  const EXISTING_CERTIFICATE = "arn:aws:acm:ap-southeast-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
  const { tickets: stack } = synthStacks({
    corsAllowOrigin: "https://tickets.example.com",
    lambda: { memorySize: 512, timeout: 20 },
    logRetentionDays: 90,
    throttling: { rateLimit: 10, burstLimit: 20 },
    certificateArns: { "ap-southeast-1": EXISTING_CERTIFICATE },
    tags: { Environment: "prod" },
    stateBackend: { bucket: "acme-tf", keyPrefix: "teams/tickets", region: "us-west-2" },
    namePrefix: "acme",
    healthCheck: { requestInterval: 10, failureThreshold: 1, reservedConcurrency: 25 },
    manageApiGatewayAccount: false,
  });

  test("function, log and stage settings", () => {
    const fns = resourcesIn(stack, LambdaFunction, "eu-west-1");
    expect(
      fns.map((fn) => [fn.function_name, fn.memory_size, fn.timeout, fn.environment.variables.CORS_ALLOW_ORIGIN]).sort(),
    ).toEqual([
      ["acme-get", 512, 20, "https://tickets.example.com"],
      ["acme-health", 512, 3, "https://tickets.example.com"],
      ["acme-post", 512, 20, "https://tickets.example.com"],
    ]);
    const logGroups = expectResources(stack, CloudwatchLogGroup, 10);
    expect(logGroups.every((group) => group.retention_in_days === 90)).toBe(true);
    const stageWide = resourcesIn(stack, ApiGatewayMethodSettings, "eu-west-1").filter(
      (settings) => settings.method_path === "*/*",
    );
    expect(stageWide).toHaveLength(1);
    expect(stageWide[0]!.settings).toMatchObject({ throttling_rate_limit: 10, throttling_burst_limit: 20 });
  });

  test("an existing certificate ARN serves the region's custom domains in place of a new one", () => {
    expect(expectResources(stack, AcmCertificate, 1)[0]!.provider).toBe("aws.eu-west-1");
    expect(resourcesIn(stack, ApiGatewayDomainName, "ap-southeast-1").map((d) => d.regional_certificate_arn)).toEqual([
      EXISTING_CERTIFICATE,
      EXISTING_CERTIFICATE,
    ]);
  });

  test("the name prefix names the functions in every region, the alarms and their topic", () => {
    expect(
      expectResources(stack, LambdaFunction, 6)
        .map((fn) => fn.function_name)
        .sort(),
    ).toEqual(["acme-get", "acme-get", "acme-health", "acme-health", "acme-post", "acme-post"]);
    expect(
      expectResources(stack, CloudwatchMetricAlarm, 10)
        .map((alarm) => alarm.alarm_name)
        .sort(),
    ).toEqual([
      "acme-get-ticket-5xx",
      "acme-get-ticket-5xx",
      "acme-idempotency-replication-to-ap-southeast-1",
      "acme-idempotency-replication-to-eu-west-1",
      "acme-ireland-api-unhealthy",
      "acme-post-ticket-5xx",
      "acme-post-ticket-5xx",
      "acme-singapore-api-unhealthy",
      "acme-tickets-replication-to-ap-southeast-1",
      "acme-tickets-replication-to-eu-west-1",
    ]);
    expect(
      expectResources(stack, SnsTopic, 3)
        .map((topic) => [topic.name, topic.provider])
        .sort(),
    ).toEqual([
      ["acme-health-alarms", "aws.us-east-1"],
      ["acme-replication-alarms", "aws.ap-southeast-1"],
      ["acme-replication-alarms", "aws.eu-west-1"],
    ]);
  });

  test("the health function of every region gets the reserved concurrency", () => {
    const reserved = expectResources(stack, LambdaFunction, 6).filter((fn) => fn.reserved_concurrent_executions !== undefined);
    expect(reserved.map((fn) => [fn.function_name, fn.provider, fn.reserved_concurrent_executions]).sort()).toEqual([
      ["acme-health", "aws.ap-southeast-1", 25],
      ["acme-health", "aws.eu-west-1", 25],
    ]);
  });

  test("the API Gateway account setting is left alone when not managed", () => {
    expectResources(stack, ApiGatewayAccount, 0);
  });

  test("tags and state settings", () => {
    expect(stack.provider.aws).toHaveLength(3);
    for (const provider of stack.provider.aws) {
      expect(provider.default_tags[0].tags).toEqual({ Project: "wild-rydes-tickets", ManagedBy: "cdktf", Environment: "prod" });
    }
    expect(stack.terraform.backend.s3).toMatchObject({
      bucket: "acme-tf",
      key: "teams/tickets/tickets.tfstate",
      region: "us-west-2",
    });
  });
});

describe("tickets stack: three regions, another domain", () => {
  const { tickets } = synthStacks(THREE_REGIONS);

  test("every region gets its API, both custom domains, its regional record and a certificate; one validation record serves them all", () => {
    for (const { name: region, label } of THREE_REGIONS.regions) {
      expectOnlyIn(tickets, ApiGatewayRestApi, region);
      expect(resourcesIn(tickets, LambdaFunction, region)).toHaveLength(3);
      expect(resourcesIn(tickets, ApiGatewayDomainName, region).map((d) => d.domain_name)).toEqual([
        "api.tickets.example.org",
        `${label}.tickets.example.org`,
      ]);
      expect(recordOfDomain(tickets, `${label}.tickets.example.org`).domain.provider).toBe(`aws.${region}`);
    }
    expect(
      expectResources(tickets, AcmCertificate, 3)
        .map((c) => c.provider)
        .sort(),
    ).toEqual(["aws.ap-northeast-1", "aws.eu-central-1", "aws.us-west-2"]);
    const validationRecords = Object.values(resourcesOf(tickets, Route53Record)).filter((r) => r.for_each !== undefined);
    expect(validationRecords).toHaveLength(1);
    expect(validationRecords[0]!.zone_id).toBe("Z3THREEREGIONS0");
  });

  test("the table, named as configured, lives in the first region, with replicas in the others in config order", () => {
    const table = tickets.resource.aws_dynamodb_table.tickets_table;
    expect([table.name, table.provider]).toEqual(["Tickets", "aws.us-west-2"]);
    expect(table.replica.map((replica: any) => replica.region_name)).toEqual(["eu-central-1", "ap-northeast-1"]);
  });

  test("PRIMARY is the first region's api domain with its health check; SECONDARY the standby set", () => {
    const failover = failoverRecords(tickets);
    expect(failover.map((r) => [r.failover_routing_policy.type, r.set_identifier, r.name])).toEqual([
      ["PRIMARY", "oregon-primary", "api.tickets.example.org"],
      ["SECONDARY", "standbys-secondary", "api.tickets.example.org"],
    ]);
    const [primary, secondary] = failover as [TerraformBlock, TerraformBlock];
    expect(referencedResource(tickets, primary.alias.name)).toMatchObject({
      domain_name: "api.tickets.example.org",
      provider: "aws.us-west-2",
    });
    const endpointOf = (routingId: string) =>
      referencedResource(tickets, referencedResource(tickets, routingId).child_healthchecks[0]);
    expect(referencedResource(tickets, endpointOf(primary.health_check_id).fqdn).domain_name).toBe("oregon.tickets.example.org");
    expect(secondary.alias).toEqual({
      name: "api-standby.tickets.example.org",
      zone_id: "Z3THREEREGIONS0",
      evaluate_target_health: false,
    });
  });

  test("each standby's latency record targets its own api domain and is checked by its own routing check", () => {
    const latency = Object.values(resourcesOf(tickets, Route53Record)).filter((r) => r.latency_routing_policy !== undefined);
    expect(latency).toHaveLength(2);
    for (const record of latency) {
      const region = record.latency_routing_policy.region;
      const target = referencedResource(tickets, record.alias.name);
      expect([target.domain_name, target.provider]).toEqual(["api.tickets.example.org", `aws.${region}`]);
      const routing = referencedResource(tickets, record.health_check_id);
      expect(routing.type).toBe("CALCULATED");
      const endpoint = referencedResource(tickets, routing.child_healthchecks[0]);
      expect(referencedResource(tickets, endpoint.fqdn).provider).toBe(`aws.${region}`);
    }
  });

  test("health checks follow the configured interval and threshold", () => {
    const endpointChecks = expectResources(tickets, Route53HealthCheck, 12).filter((check) => check.type === "HTTPS");
    expect(endpointChecks).toHaveLength(3);
    for (const check of endpointChecks) {
      expect([check.request_interval, check.failure_threshold]).toEqual([30, 3]);
    }
  });

  test("alarms cover all three routing checks and mail the configured address", () => {
    expect(expectResources(tickets, CloudwatchMetricAlarm, 21).filter((alarm) => alarm.namespace === "AWS/Route53")).toHaveLength(
      3,
    );
    // The health alarms' topic in us-east-1, and each region's replication-alarm topic.
    expect(
      expectResources(tickets, SnsTopicSubscription, 4)
        .map((s) => [s.protocol, s.endpoint, s.provider])
        .sort(),
    ).toEqual(
      ["aws.ap-northeast-1", "aws.eu-central-1", "aws.us-east-1", "aws.us-west-2"].map((p) => ["email", "oncall@example.org", p]),
    );
  });
});

describe("tickets stack: active-active routing", () => {
  const { tickets } = synthStacks({ ...THREE_REGIONS, routing: "active-active" });
  const apiRecords = Object.values(resourcesOf(tickets, Route53Record)).filter((r) => r.name === "api.tickets.example.org");

  test("api.<domain> is one latency record per region, each its own region's api domain with its own routing check", () => {
    expect(apiRecords.map((r) => r.latency_routing_policy?.region).sort()).toEqual(
      THREE_REGIONS.regions.map((region) => region.name).sort(),
    );
    for (const record of apiRecords) {
      const region = record.latency_routing_policy.region;
      const target = referencedResource(tickets, record.alias.name);
      expect([target.domain_name, target.provider, record.alias.evaluate_target_health]).toEqual([
        "api.tickets.example.org",
        `aws.${region}`,
        true,
      ]);
      const endpoint = referencedResource(tickets, referencedResource(tickets, record.health_check_id).child_healthchecks[0]);
      expect(referencedResource(tickets, endpoint.fqdn).provider).toBe(`aws.${region}`);
    }
  });

  test("no failover record and no standby set", () => {
    expect(failoverRecords(tickets)).toEqual([]);
    const names = Object.values(resourcesOf(tickets, Route53Record)).map((r) => r.name);
    expect(names).not.toContain("api-standby.tickets.example.org");
  });

  test("the API URL's description says how it routes", () => {
    expect(tickets.output.api_url.description).toBe(
      "The API clients use (the UI's ticketAPI), served by the healthy region nearest each client",
    );
  });
});

describe.each([
  ["two regions", {}, 2],
  ["three regions", THREE_REGIONS, 3],
])("tickets stack: operations, %s", (_case, overrides, regionCount) => {
  const { tickets } = synthStacks(overrides);
  const regions = Object.values(resourcesOf(tickets, ApiGatewayRestApi)).map((api) => api.provider.replace(/^aws\./, ""));

  test("a replication-lag alarm per table and ordered pair of regions", () => {
    const lag = Object.values(resourcesOf(tickets, CloudwatchMetricAlarm)).filter((a) => a.metric_name === "ReplicationLatency");
    expect(lag).toHaveLength(2 * regionCount * (regionCount - 1));
    for (const alarm of lag) {
      expect(referencedResource(tickets, alarm.dimensions.TableName).name).toMatch(/^(SXRTickets|Tickets)(-idempotency)?$/);
      expect(regions).toContain(alarm.dimensions.ReceivingRegion);
      expect(alarm.provider).not.toBe(`aws.${alarm.dimensions.ReceivingRegion}`);
    }
  });

  test("every dashboard metric names a function, API, stage, table or health check the stack creates, in the widget's region", () => {
    const [dashboard] = Object.values(resourcesOf(tickets, CloudwatchDashboard));
    const widgets = JSON.parse(dashboard!.dashboard_body).widgets as { type: string; properties: Record<string, any> }[];
    const operations = new Set(["GetItem", "PutItem", "Scan", "UpdateItem", "DeleteItem"]);
    const attributeOf: Record<string, string> = {
      ApiName: "aws_api_gateway_rest_api.name",
      Stage: "aws_api_gateway_stage.stage_name",
      FunctionName: "aws_lambda_function.function_name",
      TableName: "aws_dynamodb_table.name",
      HealthCheckId: "aws_route53_health_check.id",
    };
    let resolved = 0;
    for (const { properties } of widgets.filter((w) => w.type === "metric")) {
      for (const metric of properties.metrics as string[][]) {
        const dimensions = metric.slice(2, -1);
        for (let i = 0; i < dimensions.length; i += 2) {
          const [name, value] = [dimensions[i]!, dimensions[i + 1]!];
          if (name === "ReceivingRegion") expect(regions.filter((r) => r !== properties.region)).toContain(value);
          else if (name === "Operation") expect(operations).toContain(value);
          else {
            const [type, attribute] = attributeOf[name]!.split(".");
            const match = /^\$\{([a-z0-9_]+)\.([a-z0-9_]+)\.([a-z_]+)\}$/.exec(value);
            expect({ name, value, reference: match?.[1] === type && match?.[3] === attribute }).toEqual({
              name,
              value,
              reference: true,
            });
            const resource = referencedResource(tickets, value);
            // Regional resources live in the widget's region; the table has a replica there, the checks are global.
            if (type !== "aws_dynamodb_table" && type !== "aws_route53_health_check") {
              expect(resource.provider).toBe(`aws.${properties.region}`);
            }
            resolved += 1;
          }
        }
      }
    }
    expect(resolved).toBeGreaterThan(30 * regionCount);
  });

  test("every alarm's description names its runbook section, and the section exists", () => {
    const runbook = readFileSync(join(PROJECT_ROOT, "docs", "runbook.md"), "utf8");
    const anchors = new Set(
      [...runbook.matchAll(/^#{2,3} (.+)$/gm)].map(([, title]) =>
        title!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, "")
          .replaceAll(" ", "-"),
      ),
    );
    const alarms = Object.values(resourcesOf(tickets, CloudwatchMetricAlarm));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      const section = /Runbook: docs\/runbook\.md#([a-z0-9-]+)$/.exec(alarm.alarm_description)?.[1];
      expect({ alarm: alarm.alarm_name, section: section !== undefined && anchors.has(section) }).toEqual({
        alarm: alarm.alarm_name,
        section: true,
      });
    }
  });
});

describe("tickets stack: the drill's replication fault", () => {
  test("off by default: no FIS template", () => {
    expect(synthStacks().tickets.resource.aws_fis_experiment_template).toBeUndefined();
  });

  test("with drill.replicationFault, one template in the primary region over both tables, and its id as an output", () => {
    const { tickets } = synthStacks({ drill: { replicationFault: true } });
    const templates = Object.values<any>(tickets.resource.aws_fis_experiment_template);
    expect(templates.map((t) => t.provider)).toEqual(["aws.eu-west-1"]);
    expect(JSON.stringify(templates[0])).toContain("aws_dynamodb_table.tickets_table");
    expect(JSON.stringify(templates[0])).toContain("aws_dynamodb_table.idempotency_table");
    expect(tickets.output.drill_replication_fault_template_id.value).toMatch(/^\$\{aws_fis_experiment_template\..+\.id\}$/);
  });
});
