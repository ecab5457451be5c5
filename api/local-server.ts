/**
 * The API on 127.0.0.1: the real handler modules behind a small HTTP server that speaks API
 * Gateway's proxy event format, backed by an in-memory dynalite. Routing and preflight
 * answers come from the OpenAPI document, so the local API cannot drift from the deployed one.
 *
 * Differences from API Gateway, on purpose: an unknown path is 404 and a known path with
 * another method is 405 (API Gateway answers 403 "Missing Authentication Token" to both, which
 * only confuses local work); the gateway's request validator is not emulated, the functions
 * validate everything themselves anyway.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { LOCAL_ENDPOINT_ENV } from "../lambdas/core/dynamo";
import type { ProxyHandler } from "../lambdas/core/http";
import { HANDLER_ENV, HANDLERS, type HandlerName } from "../lambdas/manifest";
import { routeTable, type HttpMethod, type PathRoutes } from "./openapi";

// dynalite ships no types; this is the part used here.
const dynalite = require("dynalite") as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

import { PROJECT_ROOT } from "../tools/project-root";
const HOST = "127.0.0.1";
/** API Gateway's own cap is 10 MB; the local server refuses more before buffering it. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface LocalApiOptions {
  /** @default 3000; 0 picks a free port */
  port?: number;
  /** @default "SXRTickets" */
  tableName?: string;
  /** @default "*" */
  corsAllowOrigin?: string;
}

export interface LocalApi {
  /** `http://127.0.0.1:<port>/`, with the trailing slash the UI expects. */
  url: string;
  /** Endpoint of the embedded dynalite, for tests that look at the table directly. */
  dynamodbEndpoint: string;
  tableName: string;
  close: () => Promise<void>;
}

/** Embedded in-memory DynamoDB on a random 127.0.0.1 port. */
export async function startDynalite(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, HOST, () => done());
  });
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://${HOST}:${port}`, close: () => closeServer(server) };
}

/** The table as the infra creates it: hash key `id` (S), on-demand. */
export async function createTicketsTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: "local", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  } finally {
    client.destroy();
  }
}

let started = false;

/**
 * Starts dynalite and the HTTP server. The handler modules read their environment (table,
 * origin, DynamoDB endpoint) once, at import, exactly like a Lambda cold start; so a process
 * runs one local API in its life, and a second start is refused rather than half-working.
 */
export async function startLocalApi(options: LocalApiOptions = {}): Promise<LocalApi> {
  const tableName = options.tableName ?? "SXRTickets";
  const corsAllowOrigin = options.corsAllowOrigin ?? "*";
  if (started) {
    throw new Error("startLocalApi: this process already started the local API; the handlers read their environment once, so use another process");
  }
  started = true;

  const database = await startDynalite();
  await createTicketsTable(database.endpoint, tableName);

  process.env[HANDLER_ENV.tableName] = tableName;
  process.env[HANDLER_ENV.corsAllowOrigin] = corsAllowOrigin;
  process.env[LOCAL_ENDPOINT_ENV] = database.endpoint;
  process.env.AWS_REGION ??= "local";
  const handlers = loadHandlers();

  const routes = routeTable(corsAllowOrigin);
  const server = createServer((request, response) => {
    serve(request, response, { routes, handlers, corsAllowOrigin }).catch((error: unknown) => {
      console.error("local API: unexpected failure", error);
      if (!response.headersSent) send(response, { statusCode: 500, headers: errorHeaders(corsAllowOrigin), body: '{"message":"Internal server error"}' });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 3000, HOST, () => done());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${HOST}:${port}/`,
    dynamodbEndpoint: database.endpoint,
    tableName,
    close: async () => {
      server.closeAllConnections();
      await closeServer(server);
      await database.close();
    },
  };
}

function loadHandlers(): Record<HandlerName, ProxyHandler> {
  return Object.fromEntries(
    (Object.keys(HANDLERS) as HandlerName[]).map((name) => {
      // Required lazily, after the environment above is set: importing a handler is its cold start.
      const module = require(resolve(PROJECT_ROOT, HANDLERS[name].entry)) as { handler: ProxyHandler };
      return [name, module.handler];
    }),
  ) as Record<HandlerName, ProxyHandler>;
}

interface ServeContext {
  routes: Map<string, PathRoutes>;
  handlers: Record<HandlerName, ProxyHandler>;
  corsAllowOrigin: string;
}

async function serve(request: IncomingMessage, response: ServerResponse, context: ServeContext): Promise<void> {
  const url = new URL(request.url ?? "/", `http://${HOST}`);
  const method = (request.method ?? "GET").toUpperCase();
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  const routes = context.routes.get(path);

  if (routes === undefined) {
    request.resume();
    send(response, { statusCode: 404, headers: errorHeaders(context.corsAllowOrigin), body: JSON.stringify({ message: `No route for ${path}` }) });
    return;
  }
  if (method === "OPTIONS") {
    request.resume();
    // Like the mock integration: the preflight headers and an empty body.
    send(response, { statusCode: 200, headers: { "Content-Type": "application/json", ...routes.preflightHeaders }, body: "" });
    return;
  }
  const handlerName = routes.handlers[method as HttpMethod];
  if (handlerName === undefined) {
    request.resume();
    const allow = routes.preflightHeaders["Access-Control-Allow-Methods"] ?? "";
    send(response, {
      statusCode: 405,
      headers: { ...errorHeaders(context.corsAllowOrigin), Allow: allow },
      body: JSON.stringify({ message: `${method} is not allowed on ${path}` }),
    });
    return;
  }

  const body = await readBody(request);
  if (body === undefined) {
    send(response, { statusCode: 413, headers: errorHeaders(context.corsAllowOrigin), body: '{"message":"Request too large"}' });
    return;
  }
  const result = await context.handlers[handlerName](proxyEvent(request, url, path, method, body));
  send(response, result);
}

function errorHeaders(corsAllowOrigin: string): Record<string, string> {
  return { "Access-Control-Allow-Origin": corsAllowOrigin, "Content-Type": "application/json" };
}

/** The request body as text, or undefined when it is over the cap. */
function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      // Past the cap, keep draining (so the 413 can still be sent) but stop buffering.
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on("end", () => done(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks).toString("utf8")));
    request.on("error", fail);
  });
}

/** The event API Gateway's proxy integration sends (REST API, payload 1.0). */
function proxyEvent(request: IncomingMessage, url: URL, path: string, method: string, body: string): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!;
    const value = request.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value; // API Gateway keeps the last value of a repeated parameter
    (multiValueQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const requestId = randomUUID();
  const now = new Date();
  return {
    resource: path,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: null,
    stageVariables: null,
    body: body === "" ? null : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: null,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? HOST,
        user: null,
        userAgent: request.headers["user-agent"] ?? null,
        userArn: null,
      },
      path: `/prod${path}`,
      protocol: `HTTP/${request.httpVersion}`,
      requestId,
      requestTimeEpoch: now.getTime(),
      resourceId: "local",
      resourcePath: path,
      stage: "prod",
    },
  };
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  const body = result.isBase64Encoded ? Buffer.from(result.body, "base64") : Buffer.from(result.body, "utf8");
  response.writeHead(result.statusCode, { ...headers, "Content-Length": String(body.byteLength) });
  response.end(body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done, fail) => server.close((error) => (error ? fail(error) : done())));
}
