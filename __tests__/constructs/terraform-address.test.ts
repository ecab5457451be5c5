import { Token } from "cdktf";
import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { terraformAddress } from "../../constructs/terraform-address";
import { exposedValue, exposeValue, regionalProvider, synthScope } from "../support/construct";
import { expectNamedResources } from "../support/terraform-json";

describe("terraformAddress", () => {
  const addresses: string[] = [];
  const { json } = synthScope((scope) => {
    const provider = regionalProvider(scope, "eu-west-1");
    // Nested, as in the constructs: the Terraform name then carries the path and a hash.
    const topic = new SnsTopic(new Construct(scope, "alarms"), "topic", { provider, name: "alarms" });
    addresses.push(terraformAddress(topic));
    exposeValue(scope, "in_expression", Token.asString(`\${upper(${terraformAddress(topic)}.name)}`));
  });
  const [[name]] = expectNamedResources(json, SnsTopic, 1) as [[string, unknown]];

  test("is the resource's type and its name in the synthesized JSON", () => {
    expect(addresses).toEqual([`aws_sns_topic.${name}`]);
  });

  test("is plain text, usable inside a hand-written expression", () => {
    expect(exposedValue(json, "in_expression")).toBe(`\${upper(aws_sns_topic.${name}.name)}`);
  });
});
