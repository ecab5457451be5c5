/**
 * DynamoDB faults through the handlers. Each fault is injected (aws-sdk-client-mock for the
 * service's errors; local sockets for a table that hangs or refuses) and must give a 503 with
 * Retry-After, nothing half-written, and a WARN log, never an ERROR: a throttled table is not
 * a bug. Anything that is not a passing fault stays a 500.
 */
import { createHash } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { Logger } from "@aws-lambda-powertools/logger";
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  RequestLimitExceeded,
  ThrottlingException,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyResult } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { DEFAULTS, MIN_LAMBDA_TIMEOUT_SECONDS } from "../../config/schema";
import { createDynamoDbClient, HEALTH_CALL_LIMITS, TICKET_CALL_LIMITS, worstCaseCallMs } from "../../lambdas/core/dynamo";
import { errorOutcome } from "../../lambdas/core/errors";
import { transientFault } from "../../lambdas/core/faults";
import { HEALTH_READ_TIMEOUT_MS } from "../../lambdas/core/health";
import type { ProxyHandler } from "../../lambdas/core/http";
import { coldStart, handlerEnv, jsonBody, lambdaContext, postEvent, proxyEvent } from "./helpers";

const named = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });
const serviceError = <T>(Type: new (options: { message: string; $metadata: object }) => T, status: number) =>
  new Type({ message: "injected", $metadata: { httpStatusCode: status } });

/** Every passing fault, as the SDK surfaces it, with the kind it is. */
const FAULTS: [string, () => unknown, "throttled" | "unavailable" | "timeout"][] = [
  ["ProvisionedThroughputExceededException", () => serviceError(ProvisionedThroughputExceededException, 400), "throttled"],
  ["ThrottlingException", () => serviceError(ThrottlingException, 400), "throttled"],
  ["RequestLimitExceeded", () => serviceError(RequestLimitExceeded, 400), "throttled"],
  ["an HTTP 429", () => named("TooManyRequests", "slow down", { $metadata: { httpStatusCode: 429 } }), "throttled"],
  ["InternalServerError", () => serviceError(InternalServerError, 500), "unavailable"],
  [
    "ServiceUnavailable",
    () => named("ServiceUnavailable", "unavailable", { $fault: "server", $metadata: { httpStatusCode: 503 } }),
    "unavailable",
  ],
  ["an unnamed 5xx", () => named("UnknownError", "bad gateway", { $metadata: { httpStatusCode: 502 } }), "unavailable"],
  ["TimeoutError (requestTimeout)", () => named("TimeoutError", "request exceeded 1000 ms", { code: "ETIMEDOUT" }), "timeout"],
  ["AbortError", () => named("AbortError", "Request aborted"), "timeout"],
  ["ECONNRESET", () => named("Error", "socket hang up", { code: "ECONNRESET" }), "unavailable"],
  ["ECONNREFUSED", () => named("Error", "connect ECONNREFUSED 10.0.0.1:443", { code: "ECONNREFUSED" }), "unavailable"],
  [
    "ENOTFOUND (DNS)",
    () => named("Error", "getaddrinfo ENOTFOUND dynamodb.eu-west-1.amazonaws.com", { code: "ENOTFOUND" }),
    "unavailable",
  ],
  [
    "the SDK's wrapper of a socket error it could not read",
    () => new Error("AWS SDK error wrapper for Error: connect ECONNREFUSED 10.0.0.1:443"),
    "unavailable",
  ],
  [
    "a fault wrapped in a cause",
    () => named("IdempotencyPersistenceLayerError", "Failed", { cause: serviceError(ThrottlingException, 400) }),
    "throttled",
  ],
];

describe("transientFault", () => {
  test.each(FAULTS)("%s is %s", (_name, fault, kind) => {
    expect(transientFault(fault())).toBe(kind);
  });

  test.each([
    [
      "ResourceNotFoundException (a missing table)",
      named("ResourceNotFoundException", "not found", { $metadata: { httpStatusCode: 400 } }),
    ],
    ["AccessDeniedException", named("AccessDeniedException", "denied", { $metadata: { httpStatusCode: 400 } })],
    ["ValidationException", named("ValidationException", "bad key", { $metadata: { httpStatusCode: 400 } })],
    ["a plain bug", new TypeError("cannot read properties of undefined")],
    ["a code name inside another word", new Error("XECONNREFUSEDX")],
    ["a string", "boom"],
    [
      "a cause chain too deep to follow",
      [...Array(10).keys()].reduce<unknown>((cause) => named("Wrapper", "w", { cause }), serviceError(ThrottlingException, 400)),
    ],
  ])("%s is not a passing fault: it stays a 500", (_name, error) => {
    expect(transientFault(error)).toBeUndefined();
    expect(errorOutcome(error).statusCode).toBe(500);
  });

  test("a passing fault is a 503 with Retry-After, logged at warn", () => {
    expect(errorOutcome(serviceError(ThrottlingException, 400))).toEqual({
      statusCode: 503,
      message: "The ticket store is busy right now (throttled): retry after the Retry-After delay",
      headers: { "Retry-After": "1" },
      logLevel: "warn",
    });
  });
});

describe("faults injected into the handlers", () => {
  const ticketsTable = mockClient(DynamoDBDocumentClient);
  const idempotencyTable = mockClient(DynamoDBClient);
  let getTickets: ProxyHandler;
  let postTicket: ProxyHandler;
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeAll(() => {
    // Loaded in this test's module registry, so the client mocks above apply to their clients.
    const saved = { ...process.env };
    Object.assign(process.env, handlerEnv("", "SXRTickets"));
    delete process.env.DYNAMODB_ENDPOINT;
    try {
      getTickets = (require("../../lambdas/tickets-get") as { handler: ProxyHandler }).handler;
      postTicket = (require("../../lambdas/tickets-post") as { handler: ProxyHandler }).handler;
    } finally {
      process.env = saved;
    }
  });

  beforeEach(() => {
    ticketsTable.reset();
    idempotencyTable.reset();
    warn = jest.spyOn(Logger.prototype, "warn");
    error = jest.spyOn(Logger.prototype, "error");
  });

  afterEach(() => jest.restoreAllMocks());

  const postWithKey = () =>
    postTicket(postEvent('{"description":"Brakes squeal"}', false, { "Idempotency-Key": "fault-test" }), lambdaContext());
  const postWithoutKey = () => postTicket(postEvent('{"description":"Brakes squeal"}'), lambdaContext());

  function expectFault(result: APIGatewayProxyResult, kind: string): void {
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({
      "Retry-After": "1",
      "Access-Control-Expose-Headers": "X-Next-Token,Retry-After",
      "Access-Control-Allow-Origin": "https://app.example.com",
    });
    expect(jsonBody(result).message).toContain(
      { throttled: "busy right now", unavailable: "unavailable right now", timeout: "did not answer in time" }[kind],
    );
    expect(result.body).not.toMatch(/Exception|ECONN|ENOTFOUND|injected|socket|arn:/);
    expect(warn).toHaveBeenCalledWith("dependency fault", expect.objectContaining({ statusCode: 503 }));
    expect(error).not.toHaveBeenCalled();
  }

  test.each(FAULTS)("GET /ticket: %s on the Scan -> 503", async (_name, fault, kind) => {
    ticketsTable.on(ScanCommand).rejects(fault() as Error);

    expectFault(await getTickets(proxyEvent()), kind);
  });

  test.each(FAULTS)("POST without a key: %s on the ticket write -> 503", async (_name, fault, kind) => {
    ticketsTable.on(PutCommand).rejects(fault() as Error);

    expectFault(await postWithoutKey(), kind);
    expect(idempotencyTable.calls()).toHaveLength(0);
  });

  test.each(FAULTS)("POST with a key: %s on the idempotency record -> 503, no ticket written", async (_name, fault, kind) => {
    idempotencyTable.on(PutItemCommand).rejects(fault() as Error);

    expectFault(await postWithKey(), kind);
    expect(ticketsTable.commandCalls(PutCommand)).toHaveLength(0);
  });

  test.each(FAULTS)(
    "POST with a key: %s on the ticket write -> 503, the in-progress record removed",
    async (_name, fault, kind) => {
      idempotencyTable.on(PutItemCommand).resolves({});
      idempotencyTable.on(DeleteItemCommand).resolves({});
      ticketsTable.on(PutCommand).rejects(fault() as Error);

      expectFault(await postWithKey(), kind);
      // Removed, so a retry runs the create again instead of waiting for the record to expire.
      expect(idempotencyTable.commandCalls(DeleteItemCommand)).toHaveLength(1);
      expect(idempotencyTable.commandCalls(UpdateItemCommand)).toHaveLength(0);
    },
  );

  test("POST with a key: the ticket write and the record's removal both throttled -> 503", async () => {
    idempotencyTable.on(PutItemCommand).resolves({});
    idempotencyTable.on(DeleteItemCommand).rejects(serviceError(ThrottlingException, 400));
    ticketsTable.on(PutCommand).rejects(serviceError(ProvisionedThroughputExceededException, 400));

    expectFault(await postWithKey(), "throttled");
  });

  test("POST with a key: the ticket stored but its record not completed -> 201 with the ticket (it exists), logged at warn", async () => {
    idempotencyTable.on(PutItemCommand).resolves({});
    idempotencyTable.on(UpdateItemCommand).rejects(serviceError(ThrottlingException, 400));
    ticketsTable.on(PutCommand).resolves({});

    const result = await postWithKey();

    expect(result.statusCode).toBe(201);
    expect(jsonBody(result)).toEqual(ticketsTable.commandCalls(PutCommand)[0]!.args[0].input.Item);
    expect(warn).toHaveBeenCalledWith("ticket stored, but its idempotency record was not completed", expect.anything());
    expect(error).not.toHaveBeenCalled();
  });

  test("POST with a key: a denied record write is no passing fault -> 500 logged as an error, no ticket written", async () => {
    idempotencyTable
      .on(PutItemCommand)
      .rejects(named("AccessDeniedException", "not authorized on arn:aws:dynamodb:…", { $metadata: { httpStatusCode: 400 } }));

    const result = await postWithKey();

    expect(result.statusCode).toBe(500);
    expect(jsonBody(result)).toEqual({ message: "Internal server error" });
    expect(error).toHaveBeenCalledTimes(1);
    expect(ticketsTable.commandCalls(PutCommand)).toHaveLength(0);
  });

  test("POST with a key still in progress elsewhere -> 409 with Retry-After, no ticket written", async () => {
    const now = Date.now();
    // The first request's record: same body (its hash), still running.
    const sameBody = createHash("sha256").update('{"description":"Brakes squeal"}').digest("base64");
    idempotencyTable.on(PutItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: "The conditional request failed",
        $metadata: {},
        Item: {
          id: { S: "tickets-post#x" },
          status: { S: "INPROGRESS" },
          expiration: { N: String(Math.floor(now / 1000) + 86_400) },
          in_progress_expiration: { N: String(now + 5_000) },
          validation: { S: sameBody },
        },
      }),
    );

    const result = await postWithKey();

    expect(result.statusCode).toBe(409);
    expect(result.headers).toMatchObject({ "Retry-After": "1" });
    expect(ticketsTable.commandCalls(PutCommand)).toHaveLength(0);
  });

  test("GET with a forged nextToken whose id is over DynamoDB's 2,048 bytes -> 400, the Scan never sent, nothing at ERROR", async () => {
    const forged = Buffer.from(JSON.stringify({ id: "x".repeat(2049) })).toString("base64url");

    const result = await getTickets(proxyEvent({ queryStringParameters: { nextToken: forged } }));

    expect(result.statusCode).toBe(400);
    expect(jsonBody(result).message).toContain("nextToken");
    expect(ticketsTable.commandCalls(ScanCommand)).toHaveLength(0);
    expect(error).not.toHaveBeenCalled();
  });
});

/** A TCP server that accepts connections and never answers: a table that hangs. */
async function silentServer(): Promise<{ endpoint: string; connections: () => number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => sockets.length,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((done) => server.close(done));
    },
  };
}

describe("a table that accepts connections and never answers", () => {
  // All three at once: the test waits for the SDK's timeouts (about 2 s) only once.
  const cases = {
    "GET /ticket": (endpoint: string) => coldStart("tickets-get", handlerEnv(endpoint, "Hanging"))(proxyEvent()),
    "POST /ticket": (endpoint: string) =>
      coldStart("tickets-post", handlerEnv(endpoint, "Hanging"))(postEvent('{"description":"x"}'), lambdaContext()),
    "POST /ticket with an Idempotency-Key": (endpoint: string) =>
      coldStart("tickets-post", handlerEnv(endpoint, "Hanging"))(
        postEvent('{"description":"x"}', false, { "Idempotency-Key": "k" }),
        lambdaContext(),
      ),
  };
  const outcomes = new Map<string, { result: APIGatewayProxyResult; connections: number }>();

  beforeAll(async () => {
    const servers = await Promise.all(Object.keys(cases).map(() => silentServer()));
    try {
      await Promise.all(
        Object.entries(cases).map(async ([name, run], i) => {
          const result = await run(servers[i]!.endpoint);
          outcomes.set(name, { result, connections: servers[i]!.connections() });
        }),
      );
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  });

  test.each(Object.keys(cases))("%s answers 503 with Retry-After once the SDK gives up", (name) => {
    const { result } = outcomes.get(name)!;
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ "Retry-After": "1" });
    expect(jsonBody(result).message).toContain("did not answer in time");
  });

  test.each(Object.keys(cases))("%s tried exactly maxAttempts times, each cut by the request timeout", (name) => {
    // One call (the first one hangs, so nothing follows), two attempts, each on a new connection.
    expect(outcomes.get(name)!.connections).toBe(TICKET_CALL_LIMITS.maxAttempts);
  });
});

describe("a table that refuses connections", () => {
  test("POST with a key answers 503 with Retry-After", async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const { port } = closed.address() as AddressInfo;
    await new Promise((done) => closed.close(done));
    const post = coldStart("tickets-post", handlerEnv(`http://127.0.0.1:${port}`, "Refused"));

    const result = await post(postEvent('{"description":"x"}', false, { "Idempotency-Key": "k" }), lambdaContext());

    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ "Retry-After": "1" });
  });
});

describe("time budget of the SDK settings", () => {
  test("a create (at most three calls in a row) ends inside the shortest function timeout the config allows and far inside API Gateway's 29 s", () => {
    const createWorstCaseMs = 3 * worstCaseCallMs(TICKET_CALL_LIMITS);
    expect(MIN_LAMBDA_TIMEOUT_SECONDS).toBeLessThanOrEqual(DEFAULTS.lambda.timeout);
    expect(createWorstCaseMs).toBeLessThanOrEqual(MIN_LAMBDA_TIMEOUT_SECONDS * 1000 - 500);
    expect(createWorstCaseMs).toBeLessThan(29_000 / 2);
  });

  test("the health read retries once inside its 1.5 s deadline, which answers inside Route 53's 2 s", () => {
    expect(HEALTH_CALL_LIMITS.maxAttempts * HEALTH_CALL_LIMITS.requestTimeoutMs).toBeLessThan(HEALTH_READ_TIMEOUT_MS);
    expect(HEALTH_READ_TIMEOUT_MS).toBeLessThan(2000);
  });

  test("the client gets the limits: attempts, connect, request and idle timeouts, and the timeout throws", async () => {
    const client = createDynamoDbClient(TICKET_CALL_LIMITS, { region: "eu-west-1" });
    try {
      expect(await client.config.maxAttempts()).toBe(2);
      const handlerConfig = await (
        client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> }
      ).configProvider;
      expect(handlerConfig).toMatchObject({
        connectionTimeout: 500,
        requestTimeout: 1000,
        socketTimeout: 1000,
        throwOnRequestTimeout: true,
      });
    } finally {
      client.destroy();
    }
  });
});
