import { compareVersions, terraformFloor } from "../../../tools/build-module/terraform-version";
import { smallStack } from "./small-stack";

const floorOf = (body: Record<string, any>, providerAliases: string[] = []) => terraformFloor({ body, providerAliases });

describe("the module's required Terraform version", () => {
  test("compares versions numerically", () => {
    expect(compareVersions("1.10.0", "1.9.0")).toBeGreaterThan(0);
    expect(compareVersions("1.2.0", "1.2")).toBe(0);
    expect(compareVersions("0.15.0", "1.1.0")).toBeLessThan(0);
  });

  test("a module without newer features needs 0.15, the first with everything the JSON uses", () => {
    expect(floorOf({ resource: { aws_sns_topic: { t: { name: "x" } } } })).toEqual({ constraint: ">= 0.15.0", features: [] });
  });

  test("the small stack needs 1.2 for its postconditions, and says which features set the floor, newest first", () => {
    const { provider: _provider, terraform: _terraform, "//": _comment, ...body } = smallStack();
    expect(floorOf(body, ["aws.eu-west-1"])).toEqual({
      constraint: ">= 1.2.0",
      features: [
        { name: "preconditions and postconditions", since: "1.2.0" },
        { name: "`moved` blocks", since: "1.1.0" },
        { name: "`nullable` variables", since: "1.1.0" },
        { name: "`configuration_aliases` in `required_providers`", since: "0.15.0" },
      ],
    });
  });

  test.each([
    ["`moved` blocks", "1.1.0", { moved: [{ from: "a.b", to: "a.c" }] }],
    ["`nullable` variables", "1.1.0", { variable: { v: { type: "string", nullable: false } } }],
    [
      "preconditions and postconditions",
      "1.2.0",
      { output: { o: { value: "1", precondition: [{ condition: "${true}", error_message: "x." }] } } },
    ],
    [
      "`replace_triggered_by`",
      "1.2.0",
      { resource: { aws_sns_topic: { t: { lifecycle: { replace_triggered_by: ["aws_sns_topic.u"] } } } } },
    ],
    ["`optional()` object attributes", "1.3.0", { variable: { v: { type: "object({ a = optional(string) })" } } }],
    ["`startswith`/`endswith`", "1.3.0", { output: { o: { value: '${startswith(var.x, "a")}' } } }],
    ["`terraform_data` resources", "1.4.0", { resource: { terraform_data: { d: { input: "x" } } } }],
    ["`check` blocks", "1.5.0", { check: { c: { assert: [] } } }],
    ["`import` blocks", "1.5.0", { import: [{ to: "aws_sns_topic.t", id: "arn" }] }],
    ["`strcontains`/`plantimestamp`", "1.5.0", { locals: { stamp: "${plantimestamp()}" } }],
    ["`removed` blocks", "1.7.0", { removed: [{ from: "aws_sns_topic.t" }] }],
    ["provider-defined functions", "1.8.0", { locals: { arn: '${provider::aws::arn_parse("arn:aws:sns:x")}' } }],
    [
      "variable validations that refer to other variables",
      "1.9.0",
      {
        variable: {
          low: { type: "number", validation: [{ condition: "${var.low < var.high}", error_message: "x." }] },
          high: { type: "number" },
        },
      },
    ],
    ["`templatestring`", "1.9.0", { output: { o: { value: "${templatestring(local.t, {})}" } } }],
    ["ephemeral values", "1.10.0", { variable: { secret: { type: "string", ephemeral: true } } }],
  ])("detects %s (Terraform %s)", (name, since, body) => {
    expect(floorOf(body)).toEqual({ constraint: `>= ${since}`, features: [{ name, since }] });
  });

  test("a function name inside a plain string (no expression) is not a use", () => {
    expect(floorOf({ output: { o: { value: "startswith(x)" } } }).features).toEqual([]);
  });
});
