import { Construct } from "constructs";
import { Fn, type IResolvable, TerraformCount, Token } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { assumeRolePolicy } from "./service-role";
import { peerAttribute } from "./terraform-address";

/** The AWS managed policy that lets API Gateway write to CloudWatch Logs. */
export const API_GATEWAY_LOGS_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs";

export interface ApiGatewayLoggingProps {
  /** AWS region code: the setting is per account and region; also part of the role's name. */
  readonly region: string;
  /** Provider of `region`. */
  readonly provider: AwsProvider;
  /** Prefix of the role's name: `<namePrefix>-apigateway-logs-<region>`. */
  readonly namePrefix: string;
  /**
   * A Terraform boolean expression (a module input) that decides at plan time, through
   * `count`, whether the setting is managed here at all.
   * @default - always managed
   */
  readonly enabled?: IResolvable;
}

/**
 * The account-level API Gateway setting of one region (`aws_api_gateway_account`): the role
 * through which API Gateway writes every API's access and execution logs there, with the
 * managed policy attached before the setting is made (API Gateway checks the role then).
 *
 * One per account and region: another stack in the same account and region that manages it
 * would fight over it, so a deployment can leave it to the organisation (`enabled`).
 */
export class ApiGatewayLogging extends Construct {
  /** The setting: a stage that writes logs must be created after it. */
  readonly account: ApiGatewayAccount;

  constructor(scope: Construct, id: string, props: ApiGatewayLoggingProps) {
    super(scope, id);
    const { provider, region, namePrefix } = props;
    // Decided at plan time: each resource exists once or not at all, and refers to its
    // counted peers by index.
    const counted = props.enabled !== undefined;
    const count = counted ? TerraformCount.of(Token.asNumber(Fn.conditional(props.enabled, 1, 0))) : undefined;
    const role = new IamRole(this, "role", {
      provider,
      count,
      name: `${namePrefix}-apigateway-logs-${region}`,
      description: `API Gateway access logging (${region})`,
      assumeRolePolicy: assumeRolePolicy(this, provider, "apigateway.amazonaws.com"),
    });
    const attachment = new IamRolePolicyAttachment(this, "managed-policy", {
      provider,
      count,
      role: peerAttribute(role, "name", counted),
      policyArn: API_GATEWAY_LOGS_POLICY_ARN,
    });
    this.account = new ApiGatewayAccount(this, "account", {
      provider,
      count,
      cloudwatchRoleArn: peerAttribute(role, "arn", counted),
      // No reset_on_delete: provider 5.100 deprecates it (6.x always resets). A destroy leaves
      // the account's setting pointing at the deleted role until another stack sets it.
      dependsOn: [attachment],
    });
  }
}
