/** Shared by the handler and local API tests: dynalite, proxy events, handler cold starts. */
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { Context } from "aws-lambda";
import { createIdempotencyTable, createTicketsTable, startDynalite } from "../../tools/local-api/embedded-dynamodb";
import { invocationContext, type HandlerModule } from "../../tools/local-api/handlers";
import { localDynamoDbClients } from "../../tools/local-api/local-dynamodb-client";
import type { ProxyHandler } from "../../lambdas/core/http";
import { startReplicatedTables } from "../support/replicated-tables";
import { startCallRecorder, type CallRecorder } from "../support/sdk-call-recorder";
import { HANDLERS, IDEMPOTENCY_TABLE, type HandlerName } from "../../contract/handlers";
import { TICKET_LIMITS } from "../../contract/ticket-json-schema";

// Quiet handler logs in tests (set before any logger is constructed), and the SDK's notice
// that it will need Node 22 (the functions run on nodejs22.x; the tests may run on 20).
process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface TestTable {
  endpoint: string;
  tableName: string;
  close: () => Promise<void>;
}

/** The tickets table and, beside it, the idempotency table `<tableName>-idempotency`. */
export async function startTestTable(tableName = "SXRTickets"): Promise<TestTable> {
  const database = await startDynalite();
  await createTicketsTable(database.endpoint, tableName);
  await createIdempotencyTable(database.endpoint, idempotencyTableOf(tableName));
  return { endpoint: database.endpoint, tableName, close: database.close };
}

export const idempotencyTableOf = (tableName: string) => `${tableName}-idempotency`;

/** Both tables of the API as `startReplicatedTables` takes them. */
export const replicatedTableSpecs = (tableName: string) => [
  { name: tableName, hashKey: "id" },
  { name: idempotencyTableOf(tableName), hashKey: IDEMPOTENCY_TABLE.hashKey },
];

/**
 * Like `startTestTable`, but behind the replicated-tables proxy with a single region: a failed
 * conditional write then returns the old item (`ReturnValuesOnConditionCheckFailure: ALL_OLD`)
 * as DynamoDB does and dynalite does not.
 */
export async function startProxiedTestTable(tableName = "SXRTickets"): Promise<TestTable> {
  const world = await startReplicatedTables({
    regions: ["eu-west-1"],
    tables: replicatedTableSpecs(tableName),
    delayMs: Infinity,
  });
  return { endpoint: world.regions["eu-west-1"]!.endpoint, tableName, close: () => world.close() };
}

/** Environment of a handler cold start against a local endpoint. */
export function handlerEnv(endpoint: string, tableName: string): Record<string, string | undefined> {
  return {
    TABLE_NAME: tableName,
    IDEMPOTENCY_TABLE_NAME: idempotencyTableOf(tableName),
    CORS_ALLOW_ORIGIN: "https://app.example.com",
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: "eu-west-1",
    AWS_LAMBDA_FUNCTION_NAME: undefined,
  };
}

/**
 * `handlerEnv` with a long attempt timeout (`DYNAMODB_REQUEST_TIMEOUT_MS`, 30 s), for every
 * test that is not about timeouts. `npm test` runs the unit tests beside terraform on 2 cores,
 * where an ordinary call to dynalite has taken longer than the deployed 1 s; cut there, a write
 * that had landed is sent again and answers 409 (dynalite returns no old item to recognise it
 * by). The tests of a table that hangs or refuses keep `handlerEnv`, the deployed limits.
 */
export function patientHandlerEnv(endpoint: string, tableName: string): Record<string, string | undefined> {
  return { ...handlerEnv(endpoint, tableName), DYNAMODB_REQUEST_TIMEOUT_MS: "30000" };
}

/**
 * Imports a handler module fresh (a cold start) with `env` applied, then restores the
 * environment: the handler has read what it needs by then. With `DYNAMODB_ENDPOINT` in `env`
 * the handler is created over the local API's clients for that endpoint (as `npm run
 * api:local` creates it), otherwise it is the module's own `handler`, as Lambda runs it.
 */
export function coldStart(name: HandlerName, env: Record<string, string | undefined>): ProxyHandler {
  const saved = { ...process.env };
  try {
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    let handler: ProxyHandler | undefined;
    jest.isolateModules(() => {
      const module = require(`../../${HANDLERS[name].entry.replace(/\.ts$/, "")}`) as HandlerModule;
      const dynamoDbClients = localDynamoDbClients(process.env);
      handler = dynamoDbClients === undefined ? module.handler : module.createHandler(dynamoDbClients);
    });
    return handler!;
  } finally {
    process.env = saved;
  }
}

export function proxyEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: "/ticket",
    path: "/ticket",
    httpMethod: "GET",
    headers: { "Content-Type": "application/json" },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: "test-request", stage: "prod" } as APIGatewayProxyEvent["requestContext"],
    ...overrides,
  };
}

export function postEvent(
  body: string | null,
  isBase64Encoded = false,
  headers: Record<string, string> = {},
): APIGatewayProxyEvent {
  return proxyEvent({ httpMethod: "POST", body, isBase64Encoded, headers: { "Content-Type": "application/json", ...headers } });
}

/** A Lambda context with the deployed timeout, as the runtime passes it. */
export function lambdaContext(name: HandlerName = "tickets-post"): Context {
  return invocationContext(name);
}

export function jsonBody<T = any>(result: APIGatewayProxyResult): T {
  return JSON.parse(result.body) as T;
}

/** Items in the tickets table, or in any other table of the same endpoint. */
export async function countItems(table: TestTable, tableName = table.tableName): Promise<number> {
  const client = new DynamoDBClient({
    endpoint: table.endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    let count = 0;
    let startKey: Record<string, any> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, Select: "COUNT", ExclusiveStartKey: startKey }));
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return count;
  } finally {
    client.destroy();
  }
}

const CAP = `${TICKET_LIMITS.maxBodyBytes} bytes`;
const TOO_LARGE = TICKET_LIMITS.maxBodyBytes + 2;

/** Every bad POST body of the contract, with the field its 4xx message must name. */
export const BAD_BODIES: { name: string; body: string | null; status: number; field: string; base64?: boolean }[] = [
  { name: "no body", body: null, status: 400, field: "body" },
  { name: "non-JSON", body: "description=hello", status: 400, field: "JSON" },
  { name: "truncated JSON", body: '{"description":"x"', status: 400, field: "JSON" },
  { name: "array", body: '[{"description":"x"}]', status: 400, field: "object" },
  { name: "JSON null", body: "null", status: 400, field: "object" },
  { name: "JSON string", body: '"hello"', status: 400, field: "object" },
  { name: "missing description", body: '{"assigned":"me"}', status: 400, field: "description" },
  { name: "empty description", body: '{"description":""}', status: 400, field: "description" },
  { name: "blank description", body: '{"description":"  \\n\\t "}', status: 400, field: "description" },
  { name: "too-long description", body: JSON.stringify({ description: "x".repeat(4001) }), status: 400, field: "description" },
  { name: "numeric description", body: '{"description":42}', status: 400, field: "description" },
  { name: "null description", body: '{"description":null}', status: 400, field: "description" },
  { name: "object description", body: '{"description":{"text":"x"}}', status: 400, field: "description" },
  { name: "numeric priority", body: '{"description":"x","priority":1}', status: 400, field: "priority" },
  { name: "null assigned", body: '{"description":"x","assigned":null}', status: 400, field: "assigned" },
  { name: "boolean status", body: '{"description":"x","status":true}', status: 400, field: "status" },
  {
    name: "too-long assigned",
    body: JSON.stringify({ description: "x", assigned: "a".repeat(257) }),
    status: 400,
    field: "assigned",
  },
  {
    name: "too-long createdBy",
    body: JSON.stringify({ description: "x", createdBy: "a".repeat(257) }),
    status: 400,
    field: "createdBy",
  },
  { name: "unknown field", body: '{"description":"x","asigned":"me"}', status: 400, field: "asigned" },
  { name: "client-sent id", body: '{"description":"x","id":"00000000-0000-0000-0000-000000000000"}', status: 400, field: "id" },
  {
    name: "client-sent createdOn",
    body: '{"description":"x","createdOn":"2020-01-01 00:00:00"}',
    status: 400,
    field: "createdOn",
  },
  { name: "__proto__ field", body: '{"description":"x","__proto__":{"id":"x"}}', status: 400, field: "__proto__" },
  {
    name: "too-large body",
    body: JSON.stringify({ description: "x", assigned: "y".repeat(TOO_LARGE) }),
    status: 413,
    field: CAP,
  },
  // Half as many characters as the cap has bytes, but two bytes each: the limit is on bytes.
  { name: "too-large multibyte body", body: JSON.stringify({ description: "é".repeat(TOO_LARGE / 2) }), status: 413, field: CAP },
  {
    name: "too-large base64 body",
    body: Buffer.from(JSON.stringify({ description: "é".repeat(TOO_LARGE / 2) })).toString("base64"),
    status: 413,
    field: CAP,
    base64: true,
  },
  {
    name: "invalid UTF-8 (base64)",
    body: Buffer.from([0x7b, 0xff, 0x7d]).toString("base64"),
    status: 400,
    field: "UTF-8",
    base64: true,
  },
  {
    name: "invalid UTF-8 inside a string (base64)",
    body: Buffer.concat([Buffer.from('{"description":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]).toString("base64"),
    status: 400,
    field: "UTF-8",
    base64: true,
  },
  // What a lenient decoder upstream leaves of invalid bytes; also what a lone surrogate becomes.
  { name: "raw U+FFFD", body: '{"description":"caf\uFFFD"}', status: 400, field: "U+FFFD" },
  { name: "lone surrogate", body: '{"description":"x\uD800"}', status: 400, field: "U+FFFD" },
];

/**
 * A handler cold started behind its own call recorder (see `sdk-call-recorder.ts`): every AWS
 * call it makes goes through the recorder to `env.DYNAMODB_ENDPOINT`, and lands in
 * `recorder.calls()`, one recorder per handler so each call is attributed to its function.
 */
export async function recordedColdStart(
  name: HandlerName,
  env: Record<string, string | undefined>,
): Promise<{ handler: ProxyHandler; recorder: CallRecorder }> {
  if (env.DYNAMODB_ENDPOINT === undefined) throw new Error("recordedColdStart needs env.DYNAMODB_ENDPOINT to forward to");
  const recorder = await startCallRecorder(env.DYNAMODB_ENDPOINT);
  return { handler: coldStart(name, { ...env, DYNAMODB_ENDPOINT: recorder.endpoint }), recorder };
}
