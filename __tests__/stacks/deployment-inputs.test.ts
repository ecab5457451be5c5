/**
 * The tickets stack with its per-deployment settings as Terraform variables (what
 * `npm run build:module` synthesizes), built in memory. The terraform group plans the built
 * module (terraform-module.test.ts); this file checks what the variables and their
 * readers look like, including for settings files other than the defaults.
 */
import { Testing } from "cdktf";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { conditionsOf } from "../../stacks/deployment-inputs";
import { TicketsStack } from "../../stacks/tickets-stack";
import { resourcesOf, type TerraformJson, testConfig } from "../support/synth";

function moduleStack(overrides: Parameters<typeof testConfig>[0] = {}): TerraformJson {
  const stack = new TicketsStack(Testing.app(), "tickets", { config: testConfig(overrides), deploymentVariables: true });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

describe("deployment inputs", () => {
  const json = moduleStack();

  test("tags default to nothing on the built-in settings: the app's own tags (ManagedBy = cdktf) would win over a caller's default_tags", () => {
    expect(json.variable.tags).toMatchObject({ type: "map(string)", default: {}, nullable: false });
  });

  test("tags default to what a settings file adds or changes, keys as written", () => {
    const { variable } = moduleStack({ tags: { CostCentre: "cc-1234", Project: "tickets-eu" } });
    expect(variable.tags.default).toEqual({ CostCentre: "cc-1234", Project: "tickets-eu" });
  });

  test("every resource whose type takes tags reads var.tags, merged under its own tags", () => {
    // The health alarms' topic and each region's replication-alarm topic.
    const topics = Object.values(resourcesOf(json, SnsTopic));
    expect(topics).toHaveLength(3);
    for (const topic of topics) expect(topic.tags).toBe("${var.tags}");
    const checks = Object.values<any>(json.resource.aws_route53_health_check);
    // Per region: the endpoint check, two client-route checks and the routing check.
    expect(checks).toHaveLength(8);
    for (const check of checks) expect(check.tags).toMatch(/^\$\{merge\(var\.tags, \{"Name" = "[a-z]+-[a-z0-9-]+"\}\)\}$/);
    // A type without tags gets none.
    const policies = Object.values(resourcesOf(json, IamRolePolicy));
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) expect(policy.tags).toBeUndefined();
  });

  test("certificate_arns: a map of the settings file's certificates, read per region with null for none", () => {
    const arn = "arn:aws:acm:eu-west-1:111122223333:certificate/0f5b8c2e-4a8d-4c6e-9b1a-3d2e7f6a5b4c";
    const { variable, resource } = moduleStack({ certificateArns: { "eu-west-1": arn } });
    expect(variable.certificate_arns).toMatchObject({ type: "map(string)", default: { "eu-west-1": arn } });
    const certificates = Object.values<any>(resource.aws_acm_certificate);
    expect(certificates.map((certificate) => certificate.count).sort()).toEqual([
      '${(lookup(var.certificate_arns, "ap-southeast-1", null) == null) ? 1 : 0}',
      '${(lookup(var.certificate_arns, "eu-west-1", null) == null) ? 1 : 0}',
    ]);
  });

  test("health_check_allowed_cidrs: a list whose every item must be a CIDR block, joined to Route 53's ranges at plan time", () => {
    const { variable, resource } = moduleStack({ healthCheck: { allowedCidrs: ["203.0.113.7/32"] } });
    expect(variable.health_check_allowed_cidrs).toMatchObject({
      type: "list(string)",
      default: ["203.0.113.7/32"],
      nullable: false,
    });
    const [validation] = variable.health_check_allowed_cidrs.validation;
    expect(validation.condition).toMatch(/^\$\{\(\(alltrue\(\[for item in var\.health_check_allowed_cidrs : \(can\(regex\(/);
    expect(validation.condition).toContain("length(var.health_check_allowed_cidrs) <= 50");
    expect(validation.error_message).toMatch(
      /^health_check_allowed_cidrs must be a list of at most 50 items in which each item must match /,
    );
    const policies = Object.values<any>(resource.aws_api_gateway_rest_api_policy);
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.policy).toMatch(/^\$\{jsonencode\(/);
      expect(policy.policy).toMatch(/"aws:SourceIp" = concat\(\["15\.177\.0\.0\/18", .*\], var\.health_check_allowed_cidrs\)/);
    }
  });

  test("routing: failover or active-active, the settings file's mode as its default, each mode's records counted on it", () => {
    const { variable, resource } = moduleStack({ routing: "active-active" });
    expect(variable.routing).toMatchObject({ type: "string", default: "active-active", nullable: false });
    const [validation] = variable.routing.validation;
    expect(validation.condition).toBe('${((contains(["failover", "active-active"], var.routing)))}');
    expect(validation.error_message).toBe("routing must be one of failover, active-active.");
    const counts = Object.values<any>(resource.aws_route53_record)
      .filter((record) => record.set_identifier !== undefined)
      .map((record) => [record.set_identifier, record.count])
      .sort();
    expect(counts).toEqual([
      ["ireland", '${(var.routing == "active-active") ? 1 : 0}'],
      ["ireland-primary", '${(var.routing == "failover") ? 1 : 0}'],
      ["singapore", '${(var.routing == "active-active") ? 1 : 0}'],
      ["singapore-secondary", '${(var.routing == "failover") ? 1 : 0}'],
    ]);
  });

  test("manage_api_gateway_account: a bool with the settings file's value as its default, deciding a count", () => {
    const { variable, resource } = moduleStack({ manageApiGatewayAccount: false });
    expect(variable.manage_api_gateway_account).toMatchObject({ type: "bool", default: false, nullable: false });
    expect(variable.manage_api_gateway_account.validation).toBeUndefined();
    const accounts = Object.values<any>(resource.aws_api_gateway_account);
    expect(accounts).toHaveLength(2);
    for (const account of accounts) expect(account.count).toBe("${var.manage_api_gateway_account ? 1 : 0}");
  });
});

describe("conditionsOf", () => {
  test("a map's rule applies to every key and every value", () => {
    expect(
      conditionsOf(
        {
          type: "object",
          propertyNames: { type: "string", minLength: 1, maxLength: 128 },
          additionalProperties: { type: "string", maxLength: 256 },
        },
        "var.tags",
      ),
    ).toEqual(["alltrue([for key, item in var.tags : (length(key) >= 1) && (length(key) <= 128) && (length(item) <= 256)])"]);
  });

  test("a map without rules on its keys or values gets no condition", () => {
    expect(conditionsOf({ type: "object", additionalProperties: { type: "string" } }, "var.labels")).toEqual([]);
  });
});
