/**
 * One ticket per request whichever region takes it: the real POST and GET handlers, cold
 * started once per "region" with that region's environment, over two dynalite servers that
 * the replicated-tables test model keeps in sync the way global tables do (asynchronously,
 * last writer wins). Deliveries are held until the test settles them, so "before
 * replication" is a state the test controls, not a race.
 */
import { DeleteItemCommand, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { ProxyHandler } from "../../lambdas/core/http";
import { derivedTicketId } from "../../lambdas/core/ticket-id";
import { LOCAL_CREDENTIALS } from "../../tools/local-api/local-dynamodb-client";
import { startReplicatedTables, type ReplicatedTables } from "../support/replicated-tables";
import {
  coldStart,
  patientHandlerEnv,
  idempotencyTableOf,
  jsonBody,
  lambdaContext,
  postEvent,
  proxyEvent,
  replicatedTableSpecs,
} from "./helpers";

const TABLE = "GlobalTickets";
const RECORDS = idempotencyTableOf(TABLE);
const A = "eu-west-1";
const B = "us-east-1";
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let world: ReplicatedTables;
const handlers: Record<string, { post: ProxyHandler; get: ProxyHandler }> = {};

beforeAll(async () => {
  world = await startReplicatedTables({ regions: [A, B], tables: replicatedTableSpecs(TABLE), delayMs: Infinity });
  for (const region of [A, B]) {
    const env = { ...patientHandlerEnv(world.regions[region]!.endpoint, TABLE), AWS_REGION: region };
    handlers[region] = { post: coldStart("tickets-post", env), get: coldStart("tickets-get", env) };
  }
});

afterAll(async () => {
  await world.close();
});

/** Every test starts from empty tables in both regions, nothing in flight. */
afterEach(async () => {
  await world.settle();
  for (const region of Object.values(world.regions)) {
    for (const table of [TABLE, RECORDS]) {
      for (const item of (await region.client.send(new ScanCommand({ TableName: table }))).Items ?? []) {
        await region.client.send(new DeleteItemCommand({ TableName: table, Key: { id: item.id! } }));
      }
    }
  }
});

let keys = 0;
const newKey = () => `cross-region-${++keys}`;

function post(region: string, body: unknown, key?: string): Promise<APIGatewayProxyResult> {
  const headers: Record<string, string> = key === undefined ? {} : { "Idempotency-Key": key };
  return handlers[region]!.post(postEvent(JSON.stringify(body), false, headers), lambdaContext());
}

/** The region's tickets, read through its GET handler. */
async function ticketsIn(region: string): Promise<Record<string, string>[]> {
  const result = await handlers[region]!.get(proxyEvent({ queryStringParameters: { limit: "1000" } }));
  expect(result.statusCode).toBe(200);
  return jsonBody<Record<string, string>[]>(result).sort((x, y) => x.id!.localeCompare(y.id!));
}

async function recordCount(region: string): Promise<number> {
  return (await world.regions[region]!.client.send(new ScanCommand({ TableName: RECORDS, Select: "COUNT" }))).Count ?? 0;
}

const withoutCreatedOn = ({ createdOn: _createdOn, ...fields }: Record<string, string>) => fields;

/** The client's idempotency records expire: deleted in each region (through its proxy), as TTL would. */
async function expireRecords(): Promise<void> {
  for (const region of Object.values(world.regions)) {
    const proxied = new DynamoDBClient({ endpoint: region.endpoint, region: region.name, credentials: LOCAL_CREDENTIALS });
    for (const item of (await region.client.send(new ScanCommand({ TableName: RECORDS }))).Items ?? []) {
      await proxied.send(new DeleteItemCommand({ TableName: RECORDS, Key: { id: item.id! } }));
    }
    proxied.destroy();
  }
  await world.settle();
}

/** Fakes only `Date` (the handlers' createdOn, Powertools' expiry, the replication clock), at `iso`. */
function atTime(iso: string): void {
  jest.useFakeTimers({
    doNotFake: [
      "hrtime",
      "nextTick",
      "performance",
      "queueMicrotask",
      "setImmediate",
      "clearImmediate",
      "setInterval",
      "clearInterval",
      "setTimeout",
      "clearTimeout",
    ],
  });
  jest.setSystemTime(new Date(iso));
}

describe("the same keyed request in two regions", () => {
  test("taken by both before replication: one id in both answers, one ticket everywhere after it (the later write's createdOn)", async () => {
    const key = newKey();
    const body = { description: "Saddle missing", priority: "high" };
    let first: APIGatewayProxyResult;
    let second: APIGatewayProxyResult;
    try {
      atTime("2026-03-01T10:00:00Z");
      first = await post(A, body, key);
      atTime("2026-03-01T10:00:03Z");
      second = await post(B, body, key);
    } finally {
      jest.useRealTimers();
    }

    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    const [ticketA, ticketB] = [jsonBody(first), jsonBody(second)];
    expect(ticketB.id).toBe(ticketA.id);
    expect(withoutCreatedOn(ticketB)).toEqual(withoutCreatedOn(ticketA));
    expect([ticketA.createdOn, ticketB.createdOn]).toEqual(["2026-03-01 10:00:00", "2026-03-01 10:00:03"]);
    // Before replication each region holds its own write.
    expect(await ticketsIn(A)).toEqual([ticketA]);
    expect(await ticketsIn(B)).toEqual([ticketB]);

    await world.settle();

    // Last writer wins: both regions hold B's write, A's older delivery is dropped.
    expect(await ticketsIn(A)).toEqual([ticketB]);
    expect(await ticketsIn(B)).toEqual([ticketB]);
    expect(await recordCount(A)).toBe(1);
    expect(await recordCount(B)).toBe(1);
    // B's idempotency record was completed last, so it won too: a replay within the window
    // (records of 2026-03-01, so the clock goes back there) answers B's ticket from it.
    let replay: APIGatewayProxyResult;
    try {
      atTime("2026-03-01T10:00:05Z");
      replay = await post(A, body, key);
    } finally {
      jest.useRealTimers();
    }
    expect(replay.body).toBe(second.body);
    expect(await ticketsIn(A)).toEqual([ticketB]);
    expect(world.pending().filter((delivery) => delivery.table === TABLE)).toEqual([]);
  });

  test("a retry in the other region after the ticket replicated (its record not yet) answers that ticket and stores nothing new", async () => {
    const key = newKey();
    const body = { description: "Bell rings by itself", assigned: "ops" };
    const first = await post(A, body, key);
    await world.settle((delivery) => delivery.table === TABLE);
    expect(await recordCount(B)).toBe(0);

    const retry = await post(B, body, key);

    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(first.body);
    expect(world.pending().filter((delivery) => delivery.table === TABLE)).toEqual([]);
    await world.settle();
    expect(await ticketsIn(A)).toEqual([jsonBody(first)]);
    expect(await ticketsIn(B)).toEqual([jsonBody(first)]);
  });

  test("a retry after the idempotency records expired (anywhere) still answers the one ticket", async () => {
    const key = newKey();
    const body = { description: "Tyre flat again", status: "open" };
    const first = await post(A, body, key);
    await world.settle();
    await expireRecords();
    expect([await recordCount(A), await recordCount(B)]).toEqual([0, 0]);

    const inB = await post(B, body, key);
    const inA = await post(A, body, key);

    expect([inB.statusCode, inA.statusCode]).toEqual([201, 201]);
    expect(inB.body).toBe(first.body);
    expect(inA.body).toBe(first.body);
    await world.settle();
    expect(await ticketsIn(A)).toEqual([jsonBody(first)]);
    expect(await ticketsIn(B)).toEqual([jsonBody(first)]);
  });
});

describe("the same key with another body", () => {
  test("in the other region, before the record replicated: another id, its own ticket; neither overwrites the other", async () => {
    const key = newKey();
    const bodyA = { description: "Brakes squeal" };
    const bodyB = { description: "Brakes squeal", priority: "low" };
    const first = await post(A, bodyA, key);
    await world.settle((delivery) => delivery.table === TABLE);

    const other = await post(B, bodyB, key);

    expect(other.statusCode).toBe(201);
    const [ticketA, ticketB] = [jsonBody(first), jsonBody(other)];
    expect(ticketA.id).toBe(derivedTicketId(key, bodyA));
    expect(ticketB.id).toBe(derivedTicketId(key, bodyB));
    expect(ticketB.id).not.toBe(ticketA.id);
    await world.settle();
    const expected = [ticketA, ticketB].sort((x, y) => x.id.localeCompare(y.id));
    expect(await ticketsIn(A)).toEqual(expected);
    expect(await ticketsIn(B)).toEqual(expected);
  });

  test("in the same region: still 422 (Powertools), and nothing is written or replicated", async () => {
    const key = newKey();
    const first = await post(A, { description: "Seat too high" }, key);
    await world.settle();

    const other = await post(A, { description: "Seat too low" }, key);

    expect(other.statusCode).toBe(422);
    expect(world.pending()).toEqual([]);
    expect(await ticketsIn(A)).toEqual([jsonBody(first)]);
    expect(await ticketsIn(B)).toEqual([jsonBody(first)]);
  });
});

test("without Idempotency-Key, two posts of one body in two regions are two tickets with random (v4) ids", async () => {
  const body = { description: "No key, two tickets" };
  const [inA, inB] = [await post(A, body), await post(B, body)];

  const [ticketA, ticketB] = [jsonBody(inA), jsonBody(inB)];
  expect(ticketA.id).toMatch(V4);
  expect(ticketB.id).toMatch(V4);
  expect(ticketB.id).not.toBe(ticketA.id);
  await world.settle();
  expect(await ticketsIn(A)).toHaveLength(2);
  expect(await ticketsIn(B)).toEqual(await ticketsIn(A));
});
