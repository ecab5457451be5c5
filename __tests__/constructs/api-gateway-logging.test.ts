/**
 * ApiGatewayLogging alone (constructs/api-gateway-logging.ts): the region's account-level
 * setting through which API Gateway writes logs, its role and the managed policy, managed
 * always or as a plan-time expression decides.
 */
import { ref, Token } from "cdktf";
import "cdktf/lib/testing/adapters/jest";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ApiGatewayLogging, type ApiGatewayLoggingProps } from "../../constructs/api-gateway-logging";
import { regionalProvider, synthScope } from "../support/construct";
import { addressOf, attributeRef, expectOnlyResource, policyDocument } from "../support/terraform-json";

const REGION = "eu-west-1";

function synthLogging(overrides: Partial<Omit<ApiGatewayLoggingProps, "provider">> = {}) {
  return synthScope((scope) => {
    new ApiGatewayLogging(scope, "api-gateway-logging", {
      region: REGION,
      namePrefix: "tickets",
      provider: regionalProvider(scope, REGION),
      ...overrides,
    });
  });
}

describe("ApiGatewayLogging", () => {
  const { json } = synthLogging();
  const account = expectOnlyResource(json, ApiGatewayAccount);
  const role = expectOnlyResource(json, IamRole);
  const attachment = expectOnlyResource(json, IamRolePolicyAttachment);

  test("sets the region's account setting to a role of its own, named per region (IAM is global)", () => {
    expect(account.cloudwatch_role_arn).toBe(attributeRef(json, IamRole, role, "arn"));
    expect(role).toMatchObject({
      name: `tickets-apigateway-logs-${REGION}`,
      description: `API Gateway access logging (${REGION})`,
    });
    for (const block of [account, role, attachment]) expect(block.provider).toBe(`aws.${REGION}`);
    // Deprecated in provider 5.100 (terraform validate warns): not set.
    expect(account.reset_on_delete).toBeUndefined();
  });

  test("the role is assumable only by API Gateway and holds only AWS's push-to-CloudWatch policy", () => {
    expect(policyDocument(json, role.assume_role_policy).statement).toEqual([
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["apigateway.amazonaws.com"] }],
      },
    ]);
    expect(attachment).toMatchObject({
      role: attributeRef(json, IamRole, role, "name"),
      policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    });
  });

  test("the setting waits for the policy: API Gateway checks the role's permissions when it is made", () => {
    expect(account.depends_on).toEqual([addressOf(json, IamRolePolicyAttachment, attachment)]);
  });

  test("nothing is counted when it is always managed", () => {
    expect([role.count, attachment.count, account.count]).toEqual([undefined, undefined, undefined]);
  });
});

test("an expression decided at plan time (the module's input) counts role, attachment and setting, each reading its peer's index", () => {
  const { json } = synthLogging({ enabled: Token.asAny(ref("var.manage_api_gateway_account")) });
  const count = "${var.manage_api_gateway_account ? 1 : 0}";
  const [account, role, attachment] = [ApiGatewayAccount, IamRole, IamRolePolicyAttachment].map((type) =>
    expectOnlyResource(json, type),
  ) as [any, any, any];
  expect([role.count, attachment.count, account.count]).toEqual([count, count, count]);
  const roleAddress = addressOf(json, IamRole, role);
  expect(attachment.role).toBe(`\${${roleAddress}[count.index].name}`);
  expect(account.cloudwatch_role_arn).toBe(`\${${roleAddress}[count.index].arn}`);
});
