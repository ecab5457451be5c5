/**
 * The failover drill's replication fault (`npm run drill -- --fault replication`), created
 * when the settings say `"drill": { "replicationFault": true }`: an AWS FIS experiment template
 * in the primary region that pauses the replication of the global tables
 * (`aws:dynamodb:global-table-pause-replication`, which pauses replication into and out of
 * the experiment's region), the role FIS runs it with, and the health alarms as stop
 * conditions. Nothing starts it but the drill (or an operator): the template alone changes
 * nothing.
 */
import { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { FisExperimentTemplate } from "@cdktf/provider-aws/lib/fis-experiment-template";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { assumeRolePolicy } from "./service-role";

/** The FIS action, its target's resource type and key, as the FIS user guide names them. */
export const REPLICATION_PAUSE = {
  actionId: "aws:dynamodb:global-table-pause-replication",
  resourceType: "aws:dynamodb:global-table",
  targetKey: "Tables",
  /**
   * What FIS does on the experiment role's behalf: it pauses replication by adding, and later
   * removing, a statement to each replica's resource policy (FIS user guide, DynamoDB actions).
   */
  actions: [
    "dynamodb:DescribeTable",
    "dynamodb:GetResourcePolicy",
    "dynamodb:PutResourcePolicy",
    "dynamodb:DeleteResourcePolicy",
  ],
} as const;

/** The template's `Name` tag, by which the drill finds it: `<namePrefix>-drill-replication-pause`. */
export function replicationFaultTemplateName(namePrefix: string): string {
  return `${namePrefix}-drill-replication-pause`;
}

export interface ReplicatedTable {
  /** The table's ARN in the primary region: the experiment's target. */
  readonly primaryArn: string;
  /** ARN of the table and of every replica, by region: where FIS changes resource policies. */
  readonly arns: Readonly<Record<string, string>>;
}

export interface ReplicationFaultProps {
  /** Provider of the primary region: the experiment runs there and pauses replication into and out of it. */
  readonly provider: AwsProvider;
  /** Prefix of the role's and the template's names (`<namePrefix>-drill-replication-fault`). */
  readonly namePrefix: string;
  /** The global tables whose replication pauses (the tickets and the idempotency records). */
  readonly tables: readonly ReplicatedTable[];
  /**
   * CloudWatch alarms that stop the experiment when they fire (the health alarms). FIS reads
   * alarms in the experiment's region.
   * @default - none: the experiment stops at its duration
   */
  readonly stopConditionAlarmArns?: readonly string[];
  /**
   * How long the pause lasts unless stopped, ISO 8601.
   * @default "PT10M"
   */
  readonly duration?: string;
}

export class ReplicationFault extends Construct {
  /** The experiment template's id, e.g. for `aws fis start-experiment`. */
  readonly templateId: string;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: ReplicationFaultProps) {
    super(scope, id);
    const role = this.configureRole(props);
    const alarms = props.stopConditionAlarmArns ?? [];
    const template = new FisExperimentTemplate(this, "template", {
      provider: props.provider,
      description: `Failover drill: pause replication of the ${props.namePrefix} global tables (npm run drill -- --fault replication)`,
      roleArn: role.arn,
      target: [
        {
          name: "GlobalTables",
          resourceType: REPLICATION_PAUSE.resourceType,
          resourceArns: props.tables.map((table) => table.primaryArn),
          selectionMode: "ALL",
        },
      ],
      action: [
        {
          name: "pause-replication",
          actionId: REPLICATION_PAUSE.actionId,
          parameter: [{ key: "duration", value: props.duration ?? "PT10M" }],
          target: { key: REPLICATION_PAUSE.targetKey, value: "GlobalTables" },
        },
      ],
      stopCondition:
        alarms.length === 0 ? [{ source: "none" }] : alarms.map((arn) => ({ source: "aws:cloudwatch:alarm", value: arn })),
      tags: { Name: replicationFaultTemplateName(props.namePrefix) },
    });
    this.templateId = template.id;
    this.roleArn = role.arn;
  }

  /** The role FIS assumes: the four DynamoDB actions on exactly the tables' and replicas' ARNs. */
  private configureRole(props: ReplicationFaultProps): IamRole {
    const { provider, namePrefix } = props;
    const role = new IamRole(this, "role", {
      provider,
      name: `${namePrefix}-drill-replication-fault`,
      assumeRolePolicy: assumeRolePolicy(this, provider, "fis.amazonaws.com", "assume-role-policy"),
    });
    const permissions = new DataAwsIamPolicyDocument(this, "role-policy-document", {
      provider,
      statement: [
        {
          sid: "PauseReplication",
          effect: "Allow",
          actions: [...REPLICATION_PAUSE.actions],
          resources: props.tables.flatMap((table) => Object.values(table.arns)),
        },
      ],
    });
    new IamRolePolicy(this, "role-policy", { provider, role: role.id, name: "pause-replication", policy: permissions.json });
    return role;
  }
}
