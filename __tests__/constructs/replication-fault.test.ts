import { FisExperimentTemplate } from "@cdktf/provider-aws/lib/fis-experiment-template";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import {
  REPLICATION_PAUSE,
  ReplicationFault,
  replicationFaultTemplateName,
  type ReplicationFaultProps,
} from "../../constructs/replication-fault";
import { exposedValue, exposeValue, regionalProvider, synthScope } from "../support/construct";
import { attributeRef, expectDataSources, expectOnlyResource, policyDocument } from "../support/terraform-json";

const TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/SXRTickets";
const IDEMPOTENCY = "arn:aws:dynamodb:eu-west-1:123456789012:table/SXRTickets-idempotency";
const TABLES = [
  { primaryArn: TABLE, arns: { "eu-west-1": TABLE, "ap-southeast-1": TABLE.replace("eu-west-1", "ap-southeast-1") } },
  {
    primaryArn: IDEMPOTENCY,
    arns: { "eu-west-1": IDEMPOTENCY, "ap-southeast-1": IDEMPOTENCY.replace("eu-west-1", "ap-southeast-1") },
  },
];
const ALARMS = [
  "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:tickets-ireland-api-unhealthy",
  "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:tickets-singapore-api-unhealthy",
];

/** ReplicationFault alone on an eu-west-1 provider; its template id becomes the output `template_id`. */
function synthFault(props: Partial<Omit<ReplicationFaultProps, "provider">> = {}) {
  return synthScope((scope) => {
    const fault = new ReplicationFault(scope, "replication-fault", {
      provider: regionalProvider(scope, "eu-west-1"),
      namePrefix: "tickets",
      tables: TABLES,
      stopConditionAlarmArns: ALARMS,
      ...props,
    });
    exposeValue(scope, "template_id", fault.templateId);
  });
}

describe("ReplicationFault", () => {
  const { json } = synthFault();
  const template = expectOnlyResource(json, FisExperimentTemplate);
  const role = expectOnlyResource(json, IamRole);
  const rolePolicy = expectOnlyResource(json, IamRolePolicy);

  test("an FIS template in the primary pausing both tables' replication for 10 minutes, found by its Name tag", () => {
    expect(template).toMatchObject({
      provider: "aws.eu-west-1",
      role_arn: attributeRef(json, IamRole, role, "arn"),
      tags: { Name: "tickets-drill-replication-pause" },
      target: [
        {
          name: "GlobalTables",
          resource_type: "aws:dynamodb:global-table",
          resource_arns: [TABLE, IDEMPOTENCY],
          selection_mode: "ALL",
        },
      ],
      action: [
        {
          name: "pause-replication",
          action_id: "aws:dynamodb:global-table-pause-replication",
          parameter: [{ key: "duration", value: "PT10M" }],
          target: { key: "Tables", value: "GlobalTables" },
        },
      ],
    });
    expect(replicationFaultTemplateName("tickets")).toBe(template.tags.Name);
    expect(exposedValue(json, "template_id")).toBe(attributeRef(json, FisExperimentTemplate, template, "id"));
  });

  test("the health alarms are its stop conditions", () => {
    expect(template.stop_condition).toEqual(ALARMS.map((value) => ({ source: "aws:cloudwatch:alarm", value })));
  });

  test("a role only FIS can assume", () => {
    expect(role).toMatchObject({ provider: "aws.eu-west-1", name: "tickets-drill-replication-fault" });
    expect(policyDocument(json, role.assume_role_policy)).toMatchObject({
      statement: [
        { effect: "Allow", principals: [{ type: "Service", identifiers: ["fis.amazonaws.com"] }], actions: ["sts:AssumeRole"] },
      ],
    });
  });

  test("least privilege: the four DynamoDB actions FIS needs, on exactly the tables' and replicas' ARNs", () => {
    expectDataSources(json, DataAwsIamPolicyDocument, 2);
    expect(rolePolicy).toMatchObject({ role: attributeRef(json, IamRole, role, "id"), name: "pause-replication" });
    expect(policyDocument(json, rolePolicy.policy).statement).toEqual([
      {
        sid: "PauseReplication",
        effect: "Allow",
        actions: [
          "dynamodb:DescribeTable",
          "dynamodb:GetResourcePolicy",
          "dynamodb:PutResourcePolicy",
          "dynamodb:DeleteResourcePolicy",
        ],
        resources: [
          TABLE,
          TABLE.replace("eu-west-1", "ap-southeast-1"),
          IDEMPOTENCY,
          IDEMPOTENCY.replace("eu-west-1", "ap-southeast-1"),
        ],
      },
    ]);
    expect(REPLICATION_PAUSE.actions.every((action) => !action.includes("*"))).toBe(true);
  });
});

test("without alarms the template stops only at its duration (FIS needs a stop condition: source none)", () => {
  const { json } = synthFault({ stopConditionAlarmArns: [], duration: "PT5M" });
  const template = expectOnlyResource(json, FisExperimentTemplate);
  expect(template.stop_condition).toEqual([{ source: "none" }]);
  expect(template.action[0].parameter).toEqual([{ key: "duration", value: "PT5M" }]);
});
