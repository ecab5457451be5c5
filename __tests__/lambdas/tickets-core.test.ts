/**
 * The core with fakes: no AWS, no dynalite. Fixed clock and ids, aws-sdk-client-mock for the
 * document client.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { readHandlerEnv, requireEnv } from "../../lambdas/core/env";
import {
  ConflictError,
  errorOutcome,
  INTERNAL_ERROR_MESSAGE,
  InvalidInputError,
  PayloadTooLargeError,
} from "../../lambdas/core/errors";
import { checkTableHealth, HEALTH_SENTINEL_KEY } from "../../lambdas/core/health";
import { apiHandler } from "../../lambdas/core/http";
import { createLogger, type CoreLogger } from "../../lambdas/core/logger";
import { createTicket, formatCreatedOn, listTickets } from "../../lambdas/core/tickets";
import { proxyEvent } from "./helpers";

const documentClient = mockClient(DynamoDBDocumentClient);
const silentLogger: CoreLogger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
const FIXED_NOW = new Date("2024-02-29T23:59:58.765Z");
const FIXED_ID = "11111111-2222-4333-8444-555555555555";

function createDeps() {
  return {
    documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })),
    tableName: "SXRTickets",
    clock: () => FIXED_NOW,
    newId: () => FIXED_ID,
    logger: silentLogger,
  };
}

beforeEach(() => documentClient.reset());

describe("formatCreatedOn", () => {
  test("is YYYY-MM-DD HH:MM:SS in UTC, seconds truncated", () => {
    expect(formatCreatedOn(FIXED_NOW)).toBe("2024-02-29 23:59:58");
    expect(formatCreatedOn(new Date(Date.UTC(2001, 0, 2, 3, 4, 5)))).toBe("2001-01-02 03:04:05");
  });
});

describe("createTicket", () => {
  test("writes the input with the generated id and clock time, guarded by attribute_not_exists(id)", async () => {
    documentClient.on(PutCommand).resolves({});

    const ticket = await createTicket({ description: "Flat tyre", priority: "low" }, createDeps());

    expect(ticket).toEqual({ id: FIXED_ID, createdOn: "2024-02-29 23:59:58", description: "Flat tyre", priority: "low" });
    const calls = documentClient.commandCalls(PutCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      TableName: "SXRTickets",
      Item: ticket,
      ConditionExpression: "attribute_not_exists(id)",
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    });
  });

  test("answers the fields in one fixed order, whatever order the input had", async () => {
    documentClient.on(PutCommand).resolves({});

    const ticket = await createTicket(
      { status: "open", priority: "low", description: "Flat tyre", createdBy: "ana", assigned: "bo" },
      createDeps(),
    );

    expect(Object.keys(ticket)).toEqual(["id", "description", "assigned", "priority", "status", "createdBy", "createdOn"]);
  });

  test("a failed condition on another ticket with the same id is a ConflictError", async () => {
    documentClient.on(PutCommand).rejects(
      new ConditionalCheckFailedException({
        message: "The conditional request failed",
        $metadata: {},
        Item: { id: { S: FIXED_ID }, description: { S: "someone else's" }, createdOn: { S: "2020-01-01 00:00:00" } },
      }),
    );

    await expect(createTicket({ description: "x" }, createDeps())).rejects.toBeInstanceOf(ConflictError);
  });

  test("a failed condition without the old item (an emulator) is a ConflictError", async () => {
    documentClient
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }));

    await expect(createTicket({ description: "x" }, createDeps())).rejects.toBeInstanceOf(ConflictError);
  });

  test("a failed condition on exactly our ticket (the SDK retried a write that had landed) is a success", async () => {
    const ours = {
      id: { S: FIXED_ID },
      description: { S: "Flat tyre" },
      priority: { S: "low" },
      createdOn: { S: "2024-02-29 23:59:58" },
    };
    documentClient
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {}, Item: ours }));

    await expect(createTicket({ description: "Flat tyre", priority: "low" }, createDeps())).resolves.toEqual({
      id: FIXED_ID,
      description: "Flat tyre",
      priority: "low",
      createdOn: "2024-02-29 23:59:58",
    });
  });

  test("a failed condition on our fields with another createdOn (another region, an expired record) answers the stored ticket", async () => {
    const storedElsewhere = {
      createdOn: { S: "2024-02-29 23:59:55" },
      priority: { S: "low" },
      id: { S: FIXED_ID },
      description: { S: "Flat tyre" },
    };
    documentClient
      .on(PutCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {}, Item: storedElsewhere }),
      );

    const ticket = await createTicket({ description: "Flat tyre", priority: "low" }, createDeps());

    expect(ticket).toEqual({ id: FIXED_ID, description: "Flat tyre", priority: "low", createdOn: "2024-02-29 23:59:55" });
    expect(Object.keys(ticket)).toEqual(["id", "description", "priority", "createdOn"]);
    expect(documentClient.commandCalls(PutCommand)).toHaveLength(1);
  });

  test("a failed condition on the same id with one field different is a ConflictError", async () => {
    const other = {
      id: { S: FIXED_ID },
      description: { S: "Flat tyre" },
      priority: { S: "high" },
      createdOn: { S: "2024-02-29 23:59:58" },
    };
    documentClient
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {}, Item: other }));

    await expect(createTicket({ description: "Flat tyre", priority: "low" }, createDeps())).rejects.toBeInstanceOf(ConflictError);
  });

  test("a stored ticket with one more field is not ours", async () => {
    const longer = {
      id: { S: FIXED_ID },
      description: { S: "Flat tyre" },
      status: { S: "open" },
      createdOn: { S: "2024-02-29 23:59:58" },
    };
    documentClient
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {}, Item: longer }));

    await expect(createTicket({ description: "Flat tyre" }, createDeps())).rejects.toBeInstanceOf(ConflictError);
  });

  test("any other DynamoDB failure propagates as is (it becomes a 500)", async () => {
    documentClient.on(PutCommand).rejects(new Error("throttled"));

    await expect(createTicket({ description: "x" }, createDeps())).rejects.toThrow("throttled");
  });
});

describe("listTickets", () => {
  test("one Scan with Limit; LastEvaluatedKey becomes the next page's start key", async () => {
    documentClient.on(ScanCommand).resolves({ Items: [{ id: "a", description: "A" }], LastEvaluatedKey: { id: "a" } });

    const page = await listTickets({ limit: 25 }, createDeps());

    expect(page.tickets).toEqual([{ id: "a", description: "A" }]);
    expect(page.lastKey).toEqual({ id: "a" });
    const calls = documentClient.commandCalls(ScanCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ TableName: "SXRTickets", Limit: 25, ExclusiveStartKey: undefined });
  });

  test("continues from the start key and has no last key on the last page", async () => {
    documentClient.on(ScanCommand).resolves({ Items: [] });

    const page = await listTickets({ limit: 100, startKey: { id: "b" } }, createDeps());

    expect(page).toEqual({ tickets: [] });
    expect(documentClient.commandCalls(ScanCommand)[0]!.args[0].input).toMatchObject({
      Limit: 100,
      ExclusiveStartKey: { id: "b" },
    });
  });
});

describe("errorOutcome: the one error -> status mapping", () => {
  test.each([
    [new InvalidInputError("description is required", "description"), 400, "description is required"],
    [new ConflictError("a ticket with this id already exists"), 409, "a ticket with this id already exists"],
    [new PayloadTooLargeError("body is larger than 16384 bytes"), 413, "body is larger than 16384 bytes"],
  ])("%p -> %i with its own message", (error, statusCode, message) => {
    expect(errorOutcome(error)).toEqual({ statusCode, message, headers: {}, logLevel: "info" });
  });

  test.each([
    new Error("One or more parameter values were invalid: arn:aws:dynamodb:eu-west-1:123456789012:table/SXRTickets"),
    Object.assign(new Error("Requested resource not found"), {
      name: "ResourceNotFoundException",
      $metadata: { httpStatusCode: 400 },
    }),
    Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } }),
    "a string",
    undefined,
  ])("anything else (%p) -> 500 with the generic message, logged as an error", (error) => {
    expect(errorOutcome(error)).toEqual({ statusCode: 500, message: INTERNAL_ERROR_MESSAGE, headers: {}, logLevel: "error" });
  });

  test("apiHandler answers the mapped status, the generic body for surprises, and logs the details", async () => {
    const logger = createLogger("test");
    const errorLog = jest.spyOn(logger, "error").mockImplementation(() => undefined);
    const secret = new Error("AccessDeniedException: User arn:aws:iam::123456789012:role/x is not authorized");
    const handler = apiHandler(async () => Promise.reject(secret), { logger, corsAllowOrigin: "*" });

    const result = await handler(proxyEvent());

    expect(result.statusCode).toBe(500);
    expect(result.body).toBe(JSON.stringify({ message: INTERNAL_ERROR_MESSAGE }));
    expect(result.headers).toMatchObject({ "Access-Control-Allow-Origin": "*", "Content-Type": "application/json" });
    expect(errorLog).toHaveBeenCalledWith("request failed", { error: secret });
  });
});

describe("checkTableHealth", () => {
  test("healthy after a GetItem of the sentinel key (no scan)", async () => {
    documentClient.on(GetCommand).resolves({});

    await expect(checkTableHealth({ ...createDeps(), timeoutMs: 200 })).resolves.toEqual({ healthy: true });
    expect(documentClient.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({
      TableName: "SXRTickets",
      Key: HEALTH_SENTINEL_KEY,
    });
    expect(documentClient.commandCalls(ScanCommand)).toHaveLength(0);
  });

  test("unhealthy when the read fails", async () => {
    documentClient.on(GetCommand).rejects(new Error("ResourceNotFoundException"));

    await expect(checkTableHealth({ ...createDeps(), timeoutMs: 200 })).resolves.toEqual({ healthy: false });
  });

  test("unhealthy at the deadline when the client never answers, and the request is aborted", async () => {
    let signal: AbortSignal | undefined;
    const neverAnswers = {
      send: (_command: unknown, options?: { abortSignal?: AbortSignal }) => {
        signal = options?.abortSignal;
        return new Promise<never>(() => undefined);
      },
    } as unknown as DynamoDBDocumentClient;

    const result = await checkTableHealth({ documentClient: neverAnswers, tableName: "t", logger: silentLogger, timeoutMs: 50 });

    expect(result).toEqual({ healthy: false });
    expect(signal?.aborted).toBe(true);
  });
});

describe("environment", () => {
  test("requireEnv returns a set value and names a missing or blank one", () => {
    expect(requireEnv("X", { X: "v" })).toBe("v");
    expect(() => requireEnv("X", {})).toThrow("Missing required environment variable X");
    expect(() => requireEnv("X", { X: " " })).toThrow("Missing required environment variable X");
  });

  test("readHandlerEnv reads the manifest's variables and the region", () => {
    expect(readHandlerEnv({ TABLE_NAME: "t", CORS_ALLOW_ORIGIN: "*", AWS_REGION: "eu-west-1" })).toEqual({
      tableName: "t",
      corsAllowOrigin: "*",
      region: "eu-west-1",
    });
  });
});
