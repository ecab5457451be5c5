/** The pure pieces of the plan summary, on the edge cases the fixture plans don't reach. */
import { parsePlan, type PlanResourceChange } from "../../../tools/plan-summary/plan-schema";
import { moduleConfigPath, placeResources } from "../../../tools/plan-summary/provider-regions";
import { code, tableCell } from "../../../tools/plan-summary/render-markdown";
import { STATEFUL_RESOURCE_TYPES } from "../../../tools/plan-summary/stateful-resources";
import { changeKind, formatAttributePath } from "../../../tools/plan-summary/summarize";

describe("changeKind", () => {
  test.each([
    [["no-op"], "no-op"],
    [["create"], "create"],
    [["read"], "read"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["forget"], "forget"],
  ] as const)("%j is %s", (actions, kind) => {
    expect(changeKind(actions)).toBe(kind);
  });
});

describe("formatAttributePath", () => {
  test("writes replace paths the way HCL addresses them", () => {
    expect(formatAttributePath(["attribute", 0, "name"])).toBe("attribute[0].name");
    expect(formatAttributePath(["tags", "cost center"])).toBe('tags["cost center"]');
  });
});

describe("moduleConfigPath", () => {
  test("drops instance keys, including ones with dots and brackets", () => {
    expect(moduleConfigPath('module.region["eu-west-1"].module.api[0]')).toBe("module.region.module.api");
    expect(moduleConfigPath('module.x["a.b[1]"]')).toBe("module.x");
    expect(moduleConfigPath(undefined)).toBe("");
  });
});

describe("placeResources", () => {
  // The smallest plan that reaches a nested, indexed module and a region from a variable.
  const plan = parsePlan(
    JSON.stringify({
      format_version: "1.2",
      planned_values: {},
      variables: { region: { value: "ap-southeast-1" } },
      configuration: {
        provider_config: { "aws.replica": { name: "aws", alias: "replica", expressions: { region: { references: ["var.region"] } } } },
        root_module: {
          module_calls: {
            region: {
              module: {
                module_calls: {
                  logs: { module: { resources: [{ address: "aws_cloudwatch_log_group.api", mode: "managed", type: "aws_cloudwatch_log_group", name: "api", provider_config_key: "aws.replica" }] } },
                },
              },
            },
          },
        },
      },
    }),
  );
  const place = placeResources(plan);
  const change = (moduleAddress: string | undefined, before: unknown = null): PlanResourceChange => ({
    address: "x",
    module_address: moduleAddress,
    mode: "managed",
    type: "aws_cloudwatch_log_group",
    name: "api",
    provider_name: "registry.terraform.io/hashicorp/aws",
    change: { actions: ["create"], before, after: null },
  });

  test("finds the provider of a resource in a nested module instance and reads its region variable", () => {
    expect(place(change('module.region["a"].module.logs'))).toEqual({ provider: "aws.replica", region: "ap-southeast-1", regionSource: "configuration" });
  });

  test("falls back to the ARN of the prior object for a resource without configuration", () => {
    expect(place(change(undefined, { arn: "arn:aws:logs:eu-west-1:123456789012:log-group:api" }))).toEqual({
      provider: undefined,
      region: "eu-west-1",
      regionSource: "state",
    });
    expect(place(change(undefined, { arn: "arn:aws:iam::123456789012:role/api" }))).toEqual({ provider: undefined, region: undefined, regionSource: undefined });
  });
});

describe("Markdown cells", () => {
  test("escape pipes and fold line breaks", () => {
    expect(tableCell('`a["x|y"]`\nnext')).toBe('`a["x\\|y"]` next');
  });

  test("code spans survive backticks in the text", () => {
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`a")).toBe("`` `a ``");
  });
});

describe("STATEFUL_RESOURCE_TYPES", () => {
  test("covers the data the tickets stacks keep, and not config-only resources", () => {
    expect(Object.keys(STATEFUL_RESOURCE_TYPES)).toEqual(
      expect.arrayContaining(["aws_dynamodb_table", "aws_s3_bucket", "aws_s3_bucket_versioning", "aws_cloudwatch_log_group", "aws_kms_key"]),
    );
    for (const configOnly of ["aws_lambda_function", "aws_iam_role", "aws_acm_certificate", "aws_route53_record", "aws_s3_object"]) {
      expect(STATEFUL_RESOURCE_TYPES).not.toHaveProperty(configOnly);
    }
  });
});
