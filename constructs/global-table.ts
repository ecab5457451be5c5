import { Construct } from "constructs";
import { Token } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DynamodbResourcePolicy } from "@cdktf/provider-aws/lib/dynamodb-resource-policy";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { pinTerraformName, terraformAddress } from "./terraform-address";
import { ValidationError } from "./validation-error";

export interface GlobalTableProps {
  /** Table name, the same in every region. */
  readonly tableName: string;
  /** The primary region: the table is created here. */
  readonly primaryRegion: string;
  /** Provider of the primary region. */
  readonly provider: AwsProvider;
  /**
   * Regions that get a replica (every region but the primary), each with its provider: a
   * replica's resource policy is set in the replica's own region.
   */
  readonly replicas: readonly { readonly region: string; readonly provider: AwsProvider }[];
  /**
   * Attribute holding each item's expiry (epoch seconds); DynamoDB deletes expired items.
   * @default - no TTL
   */
  readonly ttlAttribute?: string;
  /**
   * The table's Terraform name, pinned (see `pinTerraformName`): a replaced table starts
   * empty in every region, so moving or renaming this construct must not rename it.
   */
  readonly terraformName: string;
}

/**
 * How long Terraform waits for the table. Creating it with its replicas takes minutes (the
 * table is empty). Adding a region to a table that holds data makes DynamoDB copy every item
 * into the new replica first, and the provider waits for that under the update timeout
 * (default 60 min); AWS publishes no rate, and users report hours for large tables
 * (aws-cdk#16611: 3.5 h). 5 h leaves an hour of a 6-hour CI job for the rest of the apply.
 */
export const TABLE_TIMEOUTS = { create: "1h", update: "5h", delete: "1h" } as const;

/** The role DynamoDB replicates with, under its account: a replica's policy must never deny it. */
export const REPLICATION_ROLE_PATH =
  "role/aws-service-role/replication.dynamodb.amazonaws.com/AWSServiceRoleForDynamoDBReplication";

/**
 * The statement of a replica's resource policy: it denies deleting the replica to everyone but
 * DynamoDB's replication role: `DeleteTable` in its region, and removing it from the global
 * table (`UpdateTable` with a replica delete, which DynamoDB authorizes as `DeleteTable` and
 * `DeleteTableReplica` on the replica). The primary's deletion protection does not cover
 * replicas, and provider 5.100's `replica` block can't set theirs. To remove a region on
 * purpose, delete this policy first (a change of its own), as with deletion protection.
 */
export function replicaProtectionStatement(replicaArn: string, replicationRoleArn: string) {
  return {
    sid: "NoReplicaDeletion",
    effect: "Deny",
    principals: [{ type: "*", identifiers: ["*"] }],
    actions: ["dynamodb:DeleteTable", "dynamodb:DeleteTableReplica"],
    resources: [replicaArn],
    condition: [{ test: "ArnNotEquals", variable: "aws:PrincipalArn", values: [replicationRoleArn] }],
  };
}

/**
 * The tickets table as one DynamoDB global table (version 2019.11.21): created in the primary
 * region with a `replica` block per other region, on-demand, streams on (replication needs
 * them), point-in-time recovery and server-side encryption everywhere, deletion protection on the table
 * and a deletion-denying resource policy on each replica.
 */
export class GlobalTable extends Construct {
  readonly tableName: string;
  private readonly table: DynamodbTable;
  private readonly primaryRegion: string;
  private readonly regions: readonly string[];

  constructor(scope: Construct, id: string, props: GlobalTableProps) {
    super(scope, id);
    this.primaryRegion = props.primaryRegion;
    this.regions = [props.primaryRegion, ...props.replicas.map((replica) => replica.region)];

    this.table = new DynamodbTable(this, "table", {
      provider: props.provider,
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "id",
      attribute: [{ name: "id", type: "S" }],
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: true,
      // Set once on a global table, DynamoDB applies it to every replica.
      ttl: props.ttlAttribute === undefined ? undefined : { attributeName: props.ttlAttribute, enabled: true },
      replica: props.replicas.map(({ region }) => ({
        regionName: region,
        pointInTimeRecovery: true,
        propagateTags: true,
      })),
      timeouts: { ...TABLE_TIMEOUTS },
    });
    pinTerraformName(this.table, props.terraformName);
    this.tableName = this.table.name;

    for (const { region, provider } of props.replicas) {
      const replicaArn = this.replicaArnExpression(region);
      // Partition and account from the replica's own ARN: no AWS call at plan time.
      const replicationRoleArn = `\${format("arn:%s:iam::%s:${REPLICATION_ROLE_PATH}", split(":", ${replicaArn})[1], split(":", ${replicaArn})[4])}`;
      const policy = new DataAwsIamPolicyDocument(this, `replica-protection-${region}-document`, {
        provider,
        statement: [replicaProtectionStatement(this.arnIn(region), replicationRoleArn)],
      });
      new DynamodbResourcePolicy(this, `replica-protection-${region}`, {
        provider,
        resourceArn: this.arnIn(region),
        policy: policy.json,
      });
    }
  }

  /**
   * The ARN of the table in `region`: the table's own ARN in the primary region, else the
   * ARN of that region's replica, read from the `replica` set at plan time.
   */
  arnIn(region: string): string {
    if (!this.regions.includes(region)) {
      throw new ValidationError(`no table or replica in "${region}" (regions: ${this.regions.join(", ")})`, this);
    }
    if (region === this.primaryRegion) return this.table.arn;
    return Token.asString(`\${${this.replicaArnExpression(region)}}`);
  }

  /** The HCL expression of a replica's ARN, read from the `replica` set at plan time. */
  private replicaArnExpression(region: string): string {
    return `one([for replica in ${terraformAddress(this.table)}.replica : replica.arn if replica.region_name == "${region}"])`;
  }

  /** ARNs of the table and every replica, by region. */
  get arns(): Record<string, string> {
    return Object.fromEntries(this.regions.map((region) => [region, this.arnIn(region)]));
  }
}
