/**
 * The replicated-tables test model itself (__tests__/support/replicated-tables.ts): that it
 * replicates like global tables, last writer wins, before other tests trust it.
 */
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { LOCAL_CREDENTIALS } from "../../tools/local-api/local-dynamodb-client";
import { isNewer, startReplicatedTables, type ReplicatedTables } from "../support/replicated-tables";

const TABLE = "Things";
const [A, B] = ["eu-west-1", "us-east-1"];

let world: ReplicatedTables;
let now = 1_000;
const clients: Record<string, DynamoDBClient> = {};

beforeAll(async () => {
  world = await startReplicatedTables({
    regions: [A, B],
    tables: [{ name: TABLE, hashKey: "id" }],
    delayMs: Infinity,
    clock: () => now,
  });
  for (const region of [A, B]) {
    // Through the proxy, as the handlers write.
    clients[region] = new DynamoDBClient({ endpoint: world.regions[region]!.endpoint, region, credentials: LOCAL_CREDENTIALS });
  }
});

afterAll(async () => {
  for (const client of Object.values(clients)) client.destroy();
  await world.close();
});

const put = (region: string, id: string, value: string) =>
  clients[region]!.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: id }, value: { S: value } } }));

/** The item as the region's dynalite holds it (read past the proxy). */
async function itemIn(region: string, id: string): Promise<Record<string, AttributeValue> | undefined> {
  return (
    await world.regions[region]!.client.send(
      new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } }, ConsistentRead: true }),
    )
  ).Item;
}

test("versions: later time wins; at the same time, the greater region name", () => {
  expect(isNewer({ time: 2, region: "a" }, { time: 1, region: "z" })).toBe(true);
  expect(isNewer({ time: 1, region: "z" }, { time: 1, region: "a" })).toBe(true);
  expect(isNewer({ time: 1, region: "a" }, { time: 1, region: "a" })).toBe(false);
});

test("a write reaches the other region only when delivered", async () => {
  now = 1_000;
  await put(A, "one", "first");

  expect(await itemIn(B, "one")).toBeUndefined();
  expect(world.pending()).toHaveLength(1);
  await world.settle();
  expect(await itemIn(B, "one")).toEqual({ id: { S: "one" }, value: { S: "first" } });
  expect(world.pending()).toEqual([]);
});

test("last writer wins: an older delivery never overwrites a newer write, whichever arrives first", async () => {
  now = 2_000;
  await put(B, "two", "newer in B");
  now = 1_500; // A's write carries an earlier timestamp (it happened earlier, its answer is just late).
  await put(A, "two", "older in A");
  const droppedBefore = world.dropped().length;

  // Deliver B's newer write first, then A's older one.
  await world.settle((delivery) => delivery.from === B);
  await world.settle();

  expect(await itemIn(A, "two")).toEqual({ id: { S: "two" }, value: { S: "newer in B" } });
  expect(await itemIn(B, "two")).toEqual({ id: { S: "two" }, value: { S: "newer in B" } });
  expect(world.dropped().slice(droppedBefore)).toMatchObject([{ from: A, to: B, key: { id: { S: "two" } } }]);
});

test("updates replicate the whole new item", async () => {
  now = 3_000;
  await put(A, "three", "v1");
  await clients[A]!.send(
    new UpdateItemCommand({
      TableName: TABLE,
      Key: { id: { S: "three" } },
      UpdateExpression: "SET extra = :x",
      ExpressionAttributeValues: { ":x": { S: "added" } },
    }),
  );
  await world.settle();

  expect(await itemIn(B, "three")).toEqual({ id: { S: "three" }, value: { S: "v1" }, extra: { S: "added" } });
});

test("deletes replicate, and a newer put in the other region survives an older delete", async () => {
  now = 4_000;
  await put(A, "four", "kept?");
  await put(A, "five", "to delete");
  await world.settle();

  now = 4_100;
  await clients[A]!.send(new DeleteItemCommand({ TableName: TABLE, Key: { id: { S: "five" } } }));
  await clients[A]!.send(new DeleteItemCommand({ TableName: TABLE, Key: { id: { S: "four" } } }));
  now = 4_200;
  await put(B, "four", "rewritten in B after A's delete");
  await world.settle();

  expect(await itemIn(A, "five")).toBeUndefined();
  expect(await itemIn(B, "five")).toBeUndefined();
  expect(await itemIn(A, "four")).toEqual({ id: { S: "four" }, value: { S: "rewritten in B after A's delete" } });
  expect(await itemIn(B, "four")).toEqual({ id: { S: "four" }, value: { S: "rewritten in B after A's delete" } });
});

test("a failed conditional write replicates nothing and returns the old item with ALL_OLD (dynalite alone does not)", async () => {
  now = 5_000;
  await put(A, "six", "stored");
  await world.settle();

  const failed = clients[B]!.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: { id: { S: "six" }, value: { S: "other" } },
      ConditionExpression: "attribute_not_exists(id)",
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    }),
  );

  await expect(failed).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  await expect(failed).rejects.toMatchObject({ Item: { id: { S: "six" }, value: { S: "stored" } } });
  expect(world.pending()).toEqual([]);
});

test("with a finite delay, deliveries arrive by themselves after it", async () => {
  const timed = await startReplicatedTables({ regions: [A, B], tables: [{ name: TABLE, hashKey: "id" }], delayMs: 30 });
  const client = new DynamoDBClient({ endpoint: timed.regions[A]!.endpoint, region: A, credentials: LOCAL_CREDENTIALS });
  const read = async () =>
    (await timed.regions[B]!.client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: "timed" } } }))).Item;
  try {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: "timed" } } }));
    expect(await read()).toBeUndefined();

    await new Promise((done) => setTimeout(done, 100));

    expect(timed.pending()).toEqual([]);
    await timed.settle(); // waits for a delivery still being applied
    expect(await read()).toEqual({ id: { S: "timed" } });
  } finally {
    client.destroy();
    await timed.close();
  }
});

test("batch and transactional writes are refused: the model does not replicate them", async () => {
  await expect(
    clients[A]!.send(
      new BatchWriteItemCommand({
        RequestItems: { [TABLE]: [{ PutRequest: { Item: { id: { S: "batch" } } } }] },
      }),
    ),
  ).rejects.toThrow("not modelled");
});
