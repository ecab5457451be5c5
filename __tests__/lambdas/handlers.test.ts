/**
 * The three handler modules end to end: API Gateway proxy events in, dynalite behind.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import type { ProxyHandler } from "../../lambdas/core/http";
import {
  BAD_BODIES,
  coldStart,
  countItems,
  handlerEnv,
  jsonBody,
  patientHandlerEnv,
  postEvent,
  proxyEvent,
  startTestTable,
  type TestTable,
} from "./helpers";

const ORIGIN = "https://app.example.com";
let table: TestTable;
let getTickets: ProxyHandler;
let postTicket: ProxyHandler;
let health: ProxyHandler;

beforeAll(async () => {
  table = await startTestTable("HandlerTickets");
  const env = patientHandlerEnv(table.endpoint, table.tableName);
  getTickets = coldStart("tickets-get", env);
  postTicket = coldStart("tickets-post", env);
  health = coldStart("health", env);
});

afterAll(async () => {
  await table.close();
});

function expectCommonHeaders(headers: Record<string, unknown> | undefined): void {
  expect(headers).toMatchObject({
    "Access-Control-Allow-Origin": ORIGIN,
    "Access-Control-Expose-Headers": "X-Next-Token,Retry-After",
    "Content-Type": "application/json",
  });
}

/** Follows X-Next-Token to the end; returns every ticket id seen and the page count. */
async function readAllPages(limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const query: Record<string, string> = { limit: String(limit) };
    if (nextToken !== undefined) query.nextToken = nextToken;
    const result = await getTickets(proxyEvent({ queryStringParameters: query }));
    expect(result.statusCode).toBe(200);
    const page = jsonBody<{ id: string }[]>(result);
    expect(Array.isArray(page)).toBe(true);
    expect(page.length).toBeLessThanOrEqual(limit);
    ids.push(...page.map((ticket) => ticket.id));
    nextToken = result.headers?.["X-Next-Token"] as string | undefined;
    pages += 1;
  } while (nextToken !== undefined);
  return { ids, pages };
}

describe("POST /ticket", () => {
  test("stores a valid ticket with server-assigned id and createdOn, answers 201 with it", async () => {
    const before = Date.now();
    const result = await postTicket(
      postEvent(
        JSON.stringify({ description: "Broken unicorn", assigned: "ops", priority: "high", status: "open", createdBy: "ana" }),
      ),
    );

    expect(result.statusCode).toBe(201);
    expectCommonHeaders(result.headers);
    const ticket = jsonBody(result);
    expect(ticket).toMatchObject({
      description: "Broken unicorn",
      assigned: "ops",
      priority: "high",
      status: "open",
      createdBy: "ana",
    });
    expect(ticket.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ticket.createdOn).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(Date.parse(`${ticket.createdOn.replace(" ", "T")}Z`)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);

    const listed = jsonBody<any[]>(await getTickets(proxyEvent({ queryStringParameters: { limit: "1000" } })));
    expect(listed).toContainEqual(ticket);
  });

  test("accepts a base64-encoded body and leaves omitted optional fields out", async () => {
    const result = await postTicket(postEvent(Buffer.from('{"description":"Ünïcode ✓"}').toString("base64"), true));

    expect(result.statusCode).toBe(201);
    expect(Object.keys(jsonBody(result)).sort()).toEqual(["createdOn", "description", "id"]);
    expect(jsonBody(result).description).toBe("Ünïcode ✓");
  });

  test.each([
    ["no Content-Type", {}],
    ["text/plain", { "Content-Type": "text/plain" }],
    ["form encoding", { "content-type": "application/x-www-form-urlencoded" }],
    ["JSON in Latin-1", { "Content-Type": "application/json; charset=iso-8859-1" }],
  ])("%s -> 415 naming application/json, nothing written", async (_name, headers) => {
    const before = await countItems(table);

    const result = await postTicket(
      proxyEvent({ httpMethod: "POST", headers, body: '{"description":"Valid JSON, wrong type"}' }),
    );

    expect(result.statusCode).toBe(415);
    expectCommonHeaders(result.headers);
    expect(jsonBody(result).message).toMatch(/application\/json|utf-8/);
    expect(await countItems(table)).toBe(before);
  });

  test.each(BAD_BODIES)("$name -> $status naming $field, nothing written", async ({ body, status, field, base64 }) => {
    const before = await countItems(table);

    const result = await postTicket(postEvent(body, base64 ?? false));

    expect(result.statusCode).toBe(status);
    expectCommonHeaders(result.headers);
    expect(jsonBody(result).message).toEqual(expect.stringContaining(field));
    expect(await countItems(table)).toBe(before);
  });
});

describe("GET /ticket", () => {
  test.each([
    ["0", "limit"],
    ["1001", "limit"],
    ["abc", "limit"],
    ["1.5", "limit"],
    ["-1", "limit"],
    ["", "limit"],
  ])("limit=%p -> 400 naming %s", async (limit, field) => {
    const result = await getTickets(proxyEvent({ queryStringParameters: { limit } }));

    expect(result.statusCode).toBe(400);
    expectCommonHeaders(result.headers);
    expect(jsonBody(result).message).toContain(field);
  });

  test.each([
    ["not base64url", "!!!"],
    ["base64 of non-JSON", Buffer.from("hello").toString("base64url")],
    ["key that is not {id}", Buffer.from('{"pk":"x"}').toString("base64url")],
    ["id that is not a string", Buffer.from('{"id":1}').toString("base64url")],
    ["extra key attributes", Buffer.from('{"id":"x","createdOn":"y"}').toString("base64url")],
    ["empty", ""],
    [
      "id over DynamoDB's 2,048-byte key limit (forged)",
      Buffer.from(JSON.stringify({ id: "é".repeat(1025) })).toString("base64url"),
    ],
    ["longer than 4,096 characters", "A".repeat(4097)],
  ])("nextToken %s -> 400 naming nextToken", async (_name, nextToken) => {
    const result = await getTickets(proxyEvent({ queryStringParameters: { nextToken } }));

    expect(result.statusCode).toBe(400);
    expect(jsonBody(result).message).toContain("nextToken");
  });

  test("a well-formed nextToken with an id of exactly 2,048 bytes reaches the Scan and answers 200", async () => {
    const nextToken = Buffer.from(JSON.stringify({ id: "x".repeat(2048) })).toString("base64url");

    const result = await getTickets(proxyEvent({ queryStringParameters: { nextToken } }));

    expect(result.statusCode).toBe(200);
  });

  test("an unknown table is a 500 with a generic message and the CORS headers", async () => {
    const broken = coldStart("tickets-get", patientHandlerEnv(table.endpoint, "NoSuchTable"));

    const result = await broken(proxyEvent());

    expect(result.statusCode).toBe(500);
    expectCommonHeaders(result.headers);
    expect(jsonBody(result)).toEqual({ message: "Internal server error" });
  });
});

describe("1,000 concurrent POSTs", () => {
  test("give 1,000 distinct tickets, each read exactly once through the pages", async () => {
    // One process sends all 1,000 to one dynalite thread: the queue, not a fault, can outlast
    // the deployed 1 s per attempt (a Lambda instance has one request at a time).
    const patientPost = coldStart("tickets-post", patientHandlerEnv(table.endpoint, table.tableName));
    const before = await readAllPages(1000);
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => patientPost(postEvent(JSON.stringify({ description: `Concurrent ticket ${i}` })))),
    );

    expect(results.map((result) => result.statusCode)).toEqual(Array(1000).fill(201));
    const created = results.map((result) => jsonBody(result).id as string);
    expect(new Set(created).size).toBe(1000);

    const { ids, pages } = await readAllPages(97);
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.length).toBe(before.ids.length + 1000);
    expect(ids).toEqual(expect.arrayContaining(created));
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(ids.length / 97));
  });
});

describe("GET /health", () => {
  test("200 with the region when the table answers", async () => {
    const result = await health(proxyEvent({ path: "/health", resource: "/health" }));

    expect(result.statusCode).toBe(200);
    expectCommonHeaders(result.headers);
    expect(jsonBody(result)).toEqual({ region: "eu-west-1", message: expect.any(String) });
  });

  test("503 with the region and no internals when the table is missing", async () => {
    const missing = coldStart("health", handlerEnv(table.endpoint, "NoSuchTable"));

    const result = await missing(proxyEvent({ path: "/health" }));

    expect(result.statusCode).toBe(503);
    expectCommonHeaders(result.headers);
    expect(Object.keys(jsonBody(result)).sort()).toEqual(["message", "region"]);
    expect(result.body).not.toMatch(/NoSuchTable|ResourceNotFound|Exception/);
  });

  test("503 within 2 s when DynamoDB accepts the connection and never answers", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    try {
      const { port } = silent.address() as AddressInfo;
      const hanging = coldStart("health", handlerEnv(`http://127.0.0.1:${port}`, table.tableName));

      const started = performance.now();
      const result = await hanging(proxyEvent({ path: "/health" }));
      const elapsed = performance.now() - started;

      expect(result.statusCode).toBe(503);
      expect(jsonBody(result).region).toBe("eu-west-1");
      expect(elapsed).toBeLessThan(2000);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((done) => silent.close(done));
    }
  });

  test("503 when nothing listens at the endpoint", async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const { port } = closed.address() as AddressInfo;
    await new Promise((done) => closed.close(done));
    const unreachable = coldStart("health", handlerEnv(`http://127.0.0.1:${port}`, table.tableName));

    const started = performance.now();
    const result = await unreachable(proxyEvent({ path: "/health" }));

    expect(result.statusCode).toBe(503);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("cold start", () => {
  test.each([
    ["tickets-get", "TABLE_NAME"],
    ["tickets-post", "CORS_ALLOW_ORIGIN"],
    ["health", "TABLE_NAME"],
    ["health", "AWS_REGION"],
  ] as const)("%s without %s fails at module load, naming the variable", (name, variable) => {
    const env = { ...handlerEnv(table.endpoint, table.tableName), [variable]: undefined };
    expect(() => coldStart(name, env)).toThrow(`Missing required environment variable ${variable}`);
  });

  test("an empty variable fails like a missing one", () => {
    expect(() => coldStart("tickets-post", { ...handlerEnv(table.endpoint, table.tableName), TABLE_NAME: "" })).toThrow(
      "Missing required environment variable TABLE_NAME",
    );
  });
});
