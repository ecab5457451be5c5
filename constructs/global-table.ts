import { Construct } from "constructs";
import { Token } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { terraformAddress } from "./terraform-address";

export interface GlobalTableProps {
  /** Table name, the same in every region. */
  readonly tableName: string;
  /** The primary region: the table is created here. */
  readonly primaryRegion: string;
  /** Provider of the primary region. */
  readonly provider: AwsProvider;
  /** Regions that get a replica (every region but the primary). */
  readonly replicaRegions: readonly string[];
  /** Attribute holding each item's expiry (epoch seconds); DynamoDB deletes expired items. @default - no TTL */
  readonly ttlAttribute?: string;
}

/**
 * The tickets table as one DynamoDB global table (version 2019.11.21): created in the primary
 * region with a `replica` block per other region, on-demand, streams on (replication needs
 * them), point-in-time recovery and server-side encryption everywhere, deletion protection.
 */
export class GlobalTable extends Construct {
  readonly tableName: string;
  private readonly table: DynamodbTable;
  private readonly primaryRegion: string;
  private readonly regions: readonly string[];

  constructor(scope: Construct, id: string, props: GlobalTableProps) {
    super(scope, id);
    this.primaryRegion = props.primaryRegion;
    this.regions = [props.primaryRegion, ...props.replicaRegions];

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
      replica: props.replicaRegions.map((regionName) => ({
        regionName,
        pointInTimeRecovery: true,
        propagateTags: true,
      })),
    });
    this.tableName = this.table.name;
  }

  /**
   * The ARN of the table in `region`: the table's own ARN in the primary region, else the
   * ARN of that region's replica, read from the `replica` set at plan time.
   */
  arnIn(region: string): string {
    if (!this.regions.includes(region)) {
      throw new Error(`GlobalTable: no table or replica in "${region}" (regions: ${this.regions.join(", ")})`);
    }
    if (region === this.primaryRegion) return this.table.arn;
    return Token.asString(
      `\${one([for replica in ${terraformAddress(this.table)}.replica : replica.arn if replica.region_name == "${region}"])}`,
    );
  }

  /** ARNs of the table and every replica, by region. */
  get arns(): Record<string, string> {
    return Object.fromEntries(this.regions.map((region) => [region, this.arnIn(region)]));
  }
}
