import type { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DynamodbResourcePolicy } from "@cdktf/provider-aws/lib/dynamodb-resource-policy";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import {
  GlobalTable,
  type GlobalTableProps,
  REPLICATION_ROLE_PATH,
  replicaProtectionStatement,
  TABLE_TIMEOUTS,
} from "../../constructs/global-table";
import { exposedValue, exposeValue, regionalProvider, synthScope, validationErrorOf } from "../support/construct";
import { ACCOUNT, ADMINISTRATOR, evaluate, renderPolicyDocument } from "../support/iam-simulation";
import { addressOf, dataSourcesOf, expectResources, policyDocument } from "../support/terraform-json";

const PRIMARY = "eu-west-1";
const REPLICA = "ap-southeast-1";

/** A GlobalTable alone, each region on its own provider; `inspect` runs on it inside the scope (e.g. to expose its ARNs). */
function synthTable(
  props: Partial<Omit<GlobalTableProps, "provider" | "replicas">> & { replicaRegions?: string[] } = {},
  inspect: (table: GlobalTable, scope: Construct) => void = () => {},
) {
  return synthScope((scope) => {
    const { replicaRegions = [REPLICA], ...rest } = props;
    const primaryRegion = props.primaryRegion ?? PRIMARY;
    const table = new GlobalTable(scope, "table", {
      tableName: "SXRTickets",
      primaryRegion,
      terraformName: "tickets_table",
      ...rest,
      replicas: replicaRegions.map((region) => ({ region, provider: regionalProvider(scope, region) })),
      provider: regionalProvider(scope, primaryRegion),
    });
    inspect(table, scope);
  });
}

describe("GlobalTable", () => {
  const { text, json } = synthTable({}, (table, scope) => {
    exposeValue(scope, "table_name", table.tableName);
    exposeValue(scope, "arns", table.arns);
  });
  const [table] = expectResources(json, DynamodbTable, 1) as [Record<string, any>];
  const address = addressOf(json, DynamodbTable, table);

  test("is one table, named as given, on the primary region's provider", () => {
    expect(text).toHaveResourceWithProperties(DynamodbTable, { name: "SXRTickets", provider: `aws.${PRIMARY}` });
  });

  test("keys tickets by the string id", () => {
    expect(table.hash_key).toBe("id");
    expect(table.attribute).toEqual([{ name: "id", type: "S" }]);
    expect(table.range_key).toBeUndefined();
  });

  test("bills on demand", () => {
    expect(text).toHaveResourceWithProperties(DynamodbTable, { billing_mode: "PAY_PER_REQUEST" });
  });

  test("streams new and old images (replication needs them)", () => {
    expect(text).toHaveResourceWithProperties(DynamodbTable, { stream_enabled: true, stream_view_type: "NEW_AND_OLD_IMAGES" });
  });

  test("has a replica with point-in-time recovery and the table's tags in every other region", () => {
    expect(table.replica).toEqual([{ region_name: REPLICA, point_in_time_recovery: true, propagate_tags: true }]);
  });

  test("recovers to a point in time, is encrypted with KMS and can't be deleted by accident", () => {
    expect(table.point_in_time_recovery).toEqual({ enabled: true });
    expect(table.server_side_encryption).toEqual({ enabled: true });
    expect(table.deletion_protection_enabled).toBe(true);
  });

  test("waits long enough for a new replica of a table with data to backfill (update), not the provider's 60 min", () => {
    expect(table.timeouts).toEqual({ create: "1h", update: "5h", delete: "1h" });
    expect(TABLE_TIMEOUTS.update).toBe("5h");
  });

  test("every replica carries a resource policy, set in the replica's own region, on the replica's ARN", () => {
    const [policy] = expectResources(json, DynamodbResourcePolicy, 1) as [Record<string, any>];
    expect(policy.provider).toBe(`aws.${REPLICA}`);
    expect(policy.resource_arn).toBe(
      `\${one([for replica in ${address}.replica : replica.arn if replica.region_name == "${REPLICA}"])}`,
    );
    const document = policyDocument(json, policy.policy);
    expect(Object.values(dataSourcesOf(json, DataAwsIamPolicyDocument))).toHaveLength(1);
    expect(document.provider).toBe(`aws.${REPLICA}`);
    expect(document.statement).toEqual([
      replicaProtectionStatement(
        policy.resource_arn,
        `\${format("arn:%s:iam::%s:${REPLICATION_ROLE_PATH}", split(":", one([for replica in ${address}.replica : replica.arn if replica.region_name == "${REPLICA}"]))[1], split(":", one([for replica in ${address}.replica : replica.arn if replica.region_name == "${REPLICA}"]))[4])}`,
      ),
    ]);
  });

  test("tableName refers to the table's name", () => {
    expect(exposedValue(json, "table_name")).toBe(`\${${address}.name}`);
  });

  test("arns: the table's own ARN in the primary region, the replica's ARN (read from the replica set) elsewhere", () => {
    expect(exposedValue(json, "arns")).toEqual({
      [PRIMARY]: `\${${address}.arn}`,
      [REPLICA]: `\${one([for replica in ${address}.replica : replica.arn if replica.region_name == "${REPLICA}"])}`,
    });
  });

  test("arnIn a region with neither table nor replica fails, naming the region and the table's regions", () => {
    expect(validationErrorOf(() => synthTable({}, (t) => t.arnIn("us-east-1")))).toEqual({
      path: expect.stringMatching(/\/table$/),
      message: 'no table or replica in "us-east-1" (regions: eu-west-1, ap-southeast-1)',
    });
  });

  test("with three regions gets two replicas, in the given order", () => {
    const { json: stack } = synthTable({
      tableName: "Tickets",
      primaryRegion: "us-west-2",
      replicaRegions: ["eu-central-1", "ap-northeast-1"],
    });
    const [t] = expectResources(stack, DynamodbTable, 1) as [Record<string, any>];
    expect(expectResources(stack, DynamodbResourcePolicy, 2).map((p) => p.provider)).toEqual([
      "aws.ap-northeast-1",
      "aws.eu-central-1",
    ]);
    expect(t.provider).toBe("aws.us-west-2");
    expect(t.name).toBe("Tickets");
    expect(t.replica.map((r: any) => r.region_name)).toEqual(["eu-central-1", "ap-northeast-1"]);
  });
});

describe("A replica's resource policy, evaluated by an IAM engine", () => {
  const replicaArn = `arn:aws:dynamodb:${REPLICA}:${ACCOUNT}:table/SXRTickets`;
  const replicationRole = `arn:aws:iam::${ACCOUNT}:${REPLICATION_ROLE_PATH}`;
  const policy = renderPolicyDocument([replicaProtectionStatement(replicaArn, replicationRole)]);
  const administrator = `arn:aws:iam::${ACCOUNT}:role/Administrator`;
  const asAdministrator = (action: string) =>
    evaluate(policy, { principal: administrator, action, resource: replicaArn, identityPolicies: [ADMINISTRATOR] });

  test.each(["dynamodb:DeleteTable", "dynamodb:DeleteTableReplica"])(
    "%s on the replica is denied even to an administrator (in its region, or by removing it from the table)",
    async (action) => {
      expect(await asAdministrator(action)).toBe("ExplicitlyDenied");
    },
  );

  test("DynamoDB's replication role is not denied (denying it breaks replication)", async () => {
    expect(
      await evaluate(policy, {
        principal: replicationRole,
        action: "dynamodb:DeleteTable",
        resource: replicaArn,
        identityPolicies: [ADMINISTRATOR],
      }),
    ).toBe("Allowed");
  });

  test.each(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateTable", "dynamodb:DeleteResourcePolicy"])(
    "%s stays as the identity policy decides (the policy denies nothing else; removing it is the deliberate way out)",
    async (action) => {
      expect(await asAdministrator(action)).toBe("Allowed");
    },
  );
});
