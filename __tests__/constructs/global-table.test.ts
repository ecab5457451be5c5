import { onlyResource, synthStacks } from "../support/synth";

describe("global table", () => {
  const { tickets } = synthStacks();
  const table = onlyResource(tickets, "aws_dynamodb_table");

  test("is one table in the primary region", () => {
    expect(table.provider).toBe("aws.eu-west-1");
    expect(table.name).toBe("SXRTickets");
  });

  test("keys tickets by the string id", () => {
    expect(table.hash_key).toBe("id");
    expect(table.attribute).toEqual([{ name: "id", type: "S" }]);
    expect(table.range_key).toBeUndefined();
  });

  test("bills on demand", () => {
    expect(table.billing_mode).toBe("PAY_PER_REQUEST");
  });

  test("streams new and old images (replication needs them)", () => {
    expect(table.stream_enabled).toBe(true);
    expect(table.stream_view_type).toBe("NEW_AND_OLD_IMAGES");
  });

  test("has a replica with point-in-time recovery in every other region", () => {
    expect(table.replica).toEqual([{ region_name: "ap-southeast-1", point_in_time_recovery: true, propagate_tags: true }]);
  });

  test("recovers to a point in time, is encrypted with KMS and can't be deleted by accident", () => {
    expect(table.point_in_time_recovery).toEqual({ enabled: true });
    expect(table.server_side_encryption).toEqual({ enabled: true });
    expect(table.deletion_protection_enabled).toBe(true);
  });

  test("with three regions gets two replicas, in config order", () => {
    const { tickets: stack } = synthStacks({
      regions: [
        { name: "us-west-2", label: "oregon" },
        { name: "eu-central-1", label: "frankfurt" },
        { name: "ap-northeast-1", label: "tokyo" },
      ],
      tableName: "Tickets",
    });
    const t = onlyResource(stack, "aws_dynamodb_table");
    expect(t.provider).toBe("aws.us-west-2");
    expect(t.name).toBe("Tickets");
    expect(t.replica.map((r: any) => r.region_name)).toEqual(["eu-central-1", "ap-northeast-1"]);
  });
});
