/**
 * POST /ticket with an Idempotency-Key, end to end: the handler module over dynalite with both
 * tables, as deployed (Powertools idempotency with its DynamoDB persistence layer). Across
 * regions: cross-region.test.ts.
 */
import { createHash } from "node:crypto";
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { idempotentCreate } from "../../lambdas/core/idempotent-create";
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ProxyHandler } from "../../lambdas/core/http";
import { IDEMPOTENCY_TABLE, IDEMPOTENCY_WINDOW_SECONDS } from "../../contract/handlers";
import {
  coldStart,
  countItems,
  patientHandlerEnv,
  idempotencyTableOf,
  jsonBody,
  lambdaContext,
  postEvent,
  startProxiedTestTable,
  type TestTable,
} from "./helpers";

let table: TestTable;
let postTicket: ProxyHandler;
let documentClient: DynamoDBDocumentClient;

beforeAll(async () => {
  // Behind the proxy: a failed conditional put returns the stored ticket, as in DynamoDB.
  table = await startProxiedTestTable("IdempotentTickets");
  postTicket = coldStart("tickets-post", patientHandlerEnv(table.endpoint, table.tableName));
  documentClient = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: table.endpoint,
      region: "local",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
  );
});

afterAll(async () => {
  documentClient.destroy();
  await table.close();
});

const idempotencyTable = () => idempotencyTableOf(table.tableName);
const tickets = () => countItems(table);
const records = () => countItems(table, idempotencyTable());

let keys = 0;
/** A fresh key per test, so tests do not share records. */
const newKey = () => `test-key-${++keys}-${Date.now()}`;

function post(body: unknown, key?: string, keyHeader = "Idempotency-Key") {
  const headers: Record<string, string> = key === undefined ? {} : { [keyHeader]: key };
  return postTicket(postEvent(typeof body === "string" ? body : JSON.stringify(body), false, headers), lambdaContext());
}

async function recordsOf(): Promise<Record<string, any>[]> {
  const output = await documentClient.send(new ScanCommand({ TableName: idempotencyTable() }));
  return output.Items ?? [];
}

describe("a retry with the same Idempotency-Key", () => {
  test("answers the first ticket again, byte for byte, and stores nothing new", async () => {
    const key = newKey();
    const [ticketsBefore, recordsBefore] = [await tickets(), await records()];

    const first = await post({ description: "Chain fell off", priority: "high", createdBy: "ana" }, key);
    const retry = await post({ description: "Chain fell off", priority: "high", createdBy: "ana" }, key);

    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(first.body);
    expect(retry.headers).toEqual(first.headers);
    expect(await tickets()).toBe(ticketsBefore + 1);
    expect(await records()).toBe(recordsBefore + 1);
  });

  test("is recognised whatever the case of the header name (API Gateway passes the client's case)", async () => {
    const key = newKey();
    const before = await tickets();

    const first = await post({ description: "Bell rings by itself" }, key, "Idempotency-Key");
    const lower = await post({ description: "Bell rings by itself" }, key, "idempotency-key");
    const upper = await post({ description: "Bell rings by itself" }, key, "IDEMPOTENCY-KEY");

    expect([lower.body, upper.body]).toEqual([first.body, first.body]);
    expect(await tickets()).toBe(before + 1);
  });

  test("with the same fields in another order and other whitespace is the same request", async () => {
    const key = newKey();
    const first = await post('{"description":"Loose pedal","status":"open"}', key);
    const reordered = await post('{ "status" : "open",\n  "description" : "Loose pedal" }', key);

    expect(reordered.statusCode).toBe(201);
    expect(reordered.body).toBe(first.body);
  });

  test("with another body is a 422 naming the header, and stores nothing", async () => {
    const key = newKey();
    const first = await post({ description: "Saddle too high" }, key);
    const [ticketsBefore, recordsBefore] = [await tickets(), await records()];

    const other = await post({ description: "Saddle too low" }, key);

    expect(first.statusCode).toBe(201);
    expect(other.statusCode).toBe(422);
    expect(jsonBody(other).message).toBe(
      "Idempotency-Key was already used with another body within the last 24 hours: use a new key for a new ticket",
    );
    expect(await tickets()).toBe(ticketsBefore);
    expect(await records()).toBe(recordsBefore);
  });

  test("after the window has passed answers the same ticket (its id is derived from key and body), storing nothing new", async () => {
    const key = newKey();
    const first = await post({ description: "Old request" }, key);
    const [record] = (await recordsOf()).filter((item) => item.data?.id === jsonBody(first).id);
    // The window ends at `expiration`: move it into the past instead of waiting 24 hours.
    await documentClient.send(
      new UpdateCommand({
        TableName: idempotencyTable(),
        Key: { [IDEMPOTENCY_TABLE.hashKey]: record![IDEMPOTENCY_TABLE.hashKey] },
        UpdateExpression: "SET #expiration = :past",
        ExpressionAttributeNames: { "#expiration": IDEMPOTENCY_TABLE.ttlAttribute },
        ExpressionAttributeValues: { ":past": Math.floor(Date.now() / 1000) - 1 },
      }),
    );

    const ticketsBefore = await tickets();

    const later = await post({ description: "Old request" }, key);

    expect(later.statusCode).toBe(201);
    expect(later.body).toBe(first.body);
    expect(await tickets()).toBe(ticketsBefore);
  });
});

describe("concurrent duplicates", () => {
  test("store one ticket; the others get the same ticket or a 409 with Retry-After, and a later retry gets the ticket", async () => {
    const key = newKey();
    const before = await tickets();

    const results = await Promise.all(Array.from({ length: 20 }, () => post({ description: "Double-clicked submit" }, key)));

    expect(await tickets()).toBe(before + 1);
    const created = results.filter((result) => result.statusCode === 201);
    const inProgress = results.filter((result) => result.statusCode === 409);
    expect(created.length + inProgress.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((result) => result.body)).size).toBe(1);
    for (const result of inProgress) {
      expect(result.headers).toMatchObject({ "Retry-After": "1", "Access-Control-Expose-Headers": "X-Next-Token,Retry-After" });
      expect(jsonBody(result).message).toContain("Idempotency-Key is still in progress");
    }

    const retry = await post({ description: "Double-clicked submit" }, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(created[0]!.body);
  });
});

describe("what is stored", () => {
  test("one record per key: a hash under the handler's prefix (never the key itself), expiring after 24 hours", async () => {
    const key = newKey();
    const now = Math.floor(Date.now() / 1000);
    const ticket = jsonBody(await post({ description: "Where is my key stored?" }, key));

    const [record] = (await recordsOf()).filter((item) => item.data?.id === ticket.id);

    expect(record!.id).toMatch(/^tickets-post#[A-Za-z0-9+/]{43}=$/);
    expect(JSON.stringify(record)).not.toContain(key);
    expect(record!.status).toBe("COMPLETED");
    expect(record!.data).toEqual(ticket);
    expect(record!.expiration).toBeGreaterThanOrEqual(now + IDEMPOTENCY_WINDOW_SECONDS);
    expect(record!.expiration).toBeLessThanOrEqual(now + IDEMPOTENCY_WINDOW_SECONDS + 60);
    // A crashed attempt blocks its key only for the function's remaining time (10 s by default).
    expect(record!.in_progress_expiration).toBeLessThanOrEqual(Date.now() + 10_000);
  });

  test("without the header, the create is as before: every POST is a new ticket, no record", async () => {
    const [ticketsBefore, recordsBefore] = [await tickets(), await records()];

    const first = await post({ description: "No key" });
    const second = await post({ description: "No key" });

    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(jsonBody(second).id).not.toBe(jsonBody(first).id);
    expect(await tickets()).toBe(ticketsBefore + 2);
    expect(await records()).toBe(recordsBefore);
  });

  test.each([
    ["an invalid key", { description: "x" }, "two words", 400, "Idempotency-Key"],
    ["an invalid body", { description: "" }, "valid-key-for-bad-body", 400, "description"],
    ["a body that is not JSON", "description=x", "valid-key-for-form", 400, "JSON"],
  ])("%s is refused before anything is written to either table", async (_name, body, key, status, field) => {
    const [ticketsBefore, recordsBefore] = [await tickets(), await records()];

    const result = await post(body, key);

    expect(result.statusCode).toBe(status);
    expect(jsonBody(result).message).toContain(field);
    expect(await tickets()).toBe(ticketsBefore);
    expect(await records()).toBe(recordsBefore);
  });
});

describe("a create that fails", () => {
  test("frees its key: the same request succeeds once the table is back", async () => {
    const key = newKey();
    // Same idempotency table, a tickets table that does not exist: the ticket write fails.
    const broken = coldStart("tickets-post", {
      ...patientHandlerEnv(table.endpoint, "NoSuchTickets"),
      IDEMPOTENCY_TABLE_NAME: idempotencyTable(),
    });
    const recordsBefore = await records();

    const failed = await broken(
      postEvent(JSON.stringify({ description: "Try again" }), false, { "Idempotency-Key": key }),
      lambdaContext(),
    );
    expect(failed.statusCode).toBe(500);
    expect(await records()).toBe(recordsBefore);

    const retried = await post({ description: "Try again" }, key);
    expect(retried.statusCode).toBe(201);
  });
});

describe("a replay read back from DynamoDB", () => {
  test("answers the stored ticket in the one field order, whatever order the record's map comes in", async () => {
    const client = new DynamoDBClient({ region: "eu-west-1" });
    const records = mockClient(client);
    const input = { description: "Reordered", status: "open" };
    const stored = {
      createdOn: "2024-01-01 00:00:00",
      status: "open",
      description: "Reordered",
      id: "5f0c3c36-0b7e-4a53-9d55-2b6f8b2f1b11",
    };
    const bodyHash = createHash("sha256")
      .update(JSON.stringify({ description: "Reordered", status: "open" }))
      .digest("base64");
    records.on(PutItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: "The conditional request failed",
        $metadata: {},
        Item: {
          id: { S: "tickets-post#x" },
          status: { S: "COMPLETED" },
          expiration: { N: String(Math.floor(Date.now() / 1000) + 3600) },
          validation: { S: bodyHash },
          data: { M: Object.fromEntries(Object.entries(stored).map(([field, value]) => [field, { S: value }])) },
        },
      }),
    );
    const create = jest.fn();
    const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };

    const ticket = await idempotentCreate(create, { client, tableName: "records", logger })(
      input,
      "reorder-key",
      lambdaContext(),
    );

    expect(create).not.toHaveBeenCalled();
    expect(JSON.stringify(ticket)).toBe(
      '{"id":"5f0c3c36-0b7e-4a53-9d55-2b6f8b2f1b11","description":"Reordered","status":"open","createdOn":"2024-01-01 00:00:00"}',
    );
    expect(logger.info).toHaveBeenCalledWith("idempotent replay: answered the key's first ticket", { ticketId: stored.id });
    client.destroy();
  });
});
