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
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HANDLER_ENV, type HandlerName } from "../../contract/handlers";
import { routeTable, type HttpMethod, type PathRoutes } from "../../contract/openapi";
import type { ProxyHandler } from "../../lambdas/core/http";
import { DEFAULTS } from "../../config/schema";
import { createIdempotencyTable, createTicketsTable, startDynalite } from "./embedded-dynamodb";
import { invocationContext, loadHandlers } from "./handlers";
import { LOCAL_ENDPOINT_ENV, LOCAL_REQUEST_TIMEOUT_ENV, localDynamoDbClients } from "./local-dynamodb-client";
import { closeServer, LOCAL_HOST } from "./network";
import { proxyEvent, readBody, sendProxyResult } from "./proxy-event";

export interface LocalApiOptions {
  /** @default 3000; 0 picks a free port */
  port?: number;
  /** @default the configuration default, `SXRTickets` */
  tableName?: string;
  /** @default the configuration default, `*` */
  corsAllowOrigin?: string;
  /** Table of the Idempotency-Key records. @default `<tableName>-idempotency` */
  idempotencyTableName?: string;
}

export interface LocalApi {
  /** `http://127.0.0.1:<port>/`, with the trailing slash the UI expects. */
  url: string;
  /** Endpoint of the embedded dynalite, for tests that look at the table directly. */
  dynamodbEndpoint: string;
  tableName: string;
  idempotencyTableName: string;
  close: () => Promise<void>;
}

/** Per-attempt DynamoDB timeout of the local functions, unless DYNAMODB_REQUEST_TIMEOUT_MS says otherwise. */
const LOCAL_REQUEST_TIMEOUT_MS = 10_000;

let started = false;

/**
 * Starts dynalite and the HTTP server. The handlers read their environment (table, origin)
 * once, when created, exactly like a Lambda cold start; so a process
 * runs one local API in its life, and a second start is refused rather than half-working.
 */
export async function startLocalApi(options: LocalApiOptions = {}): Promise<LocalApi> {
  const tableName = options.tableName ?? DEFAULTS.tableName;
  const corsAllowOrigin = options.corsAllowOrigin ?? DEFAULTS.corsAllowOrigin;
  const idempotencyTableName = options.idempotencyTableName ?? `${tableName}-idempotency`;
  if (started) {
    throw new Error(
      "startLocalApi: this process already started the local API; the handlers read their environment once, so use another process",
    );
  }
  started = true;

  const database = await startDynalite();
  await createTicketsTable(database.endpoint, tableName);
  await createIdempotencyTable(database.endpoint, idempotencyTableName);

  process.env[HANDLER_ENV.tableName] = tableName;
  process.env[HANDLER_ENV.corsAllowOrigin] = corsAllowOrigin;
  process.env[HANDLER_ENV.idempotencyTableName] = idempotencyTableName;
  process.env.AWS_REGION ??= "local";
  const dynamoDbClients = localDynamoDbClients({
    ...process.env,
    [LOCAL_ENDPOINT_ENV]: database.endpoint,
    // One process, every request at once, one emulator thread: queueing is not a fault here.
    [LOCAL_REQUEST_TIMEOUT_ENV]: process.env[LOCAL_REQUEST_TIMEOUT_ENV] ?? String(LOCAL_REQUEST_TIMEOUT_MS),
  })!;
  const handlers = loadHandlers(dynamoDbClients);

  const routes = routeTable(corsAllowOrigin);
  const server = createServer((request, response) => {
    serve(request, response, { routes, handlers, corsAllowOrigin }).catch((error: unknown) => {
      console.error("local API: unexpected failure", error);
      if (!response.headersSent)
        sendProxyResult(response, {
          statusCode: 500,
          headers: errorHeaders(corsAllowOrigin),
          body: '{"message":"Internal server error"}',
        });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 3000, LOCAL_HOST, () => done());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${LOCAL_HOST}:${port}/`,
    dynamodbEndpoint: database.endpoint,
    tableName,
    idempotencyTableName,
    close: async () => {
      server.closeAllConnections();
      await closeServer(server);
      await database.close();
    },
  };
}

interface ServeContext {
  routes: Map<string, PathRoutes>;
  handlers: Record<HandlerName, ProxyHandler>;
  corsAllowOrigin: string;
}

async function serve(request: IncomingMessage, response: ServerResponse, context: ServeContext): Promise<void> {
  const url = new URL(request.url ?? "/", `http://${LOCAL_HOST}`);
  const method = (request.method ?? "GET").toUpperCase();
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  const routes = context.routes.get(path);

  if (routes === undefined) {
    request.resume();
    sendProxyResult(response, {
      statusCode: 404,
      headers: errorHeaders(context.corsAllowOrigin),
      body: JSON.stringify({ message: `No route for ${path}` }),
    });
    return;
  }
  if (method === "OPTIONS") {
    request.resume();
    // Like the mock integration: the preflight headers and an empty body.
    sendProxyResult(response, {
      statusCode: 200,
      headers: { "Content-Type": "application/json", ...routes.preflightHeaders },
      body: "",
    });
    return;
  }
  const handlerName = routes.handlers[method as HttpMethod];
  if (handlerName === undefined) {
    request.resume();
    const allow = routes.preflightHeaders["Access-Control-Allow-Methods"] ?? "";
    sendProxyResult(response, {
      statusCode: 405,
      headers: { ...errorHeaders(context.corsAllowOrigin), Allow: allow },
      body: JSON.stringify({ message: `${method} is not allowed on ${path}` }),
    });
    return;
  }

  const body = await readBody(request);
  if (body === undefined) {
    sendProxyResult(response, {
      statusCode: 413,
      headers: errorHeaders(context.corsAllowOrigin),
      body: '{"message":"Request too large"}',
    });
    return;
  }
  const result = await context.handlers[handlerName](
    proxyEvent(request, url, path, method, body),
    invocationContext(handlerName),
  );
  sendProxyResult(response, result);
}

function errorHeaders(corsAllowOrigin: string): Record<string, string> {
  return { "Access-Control-Allow-Origin": corsAllowOrigin, "Content-Type": "application/json" };
}
