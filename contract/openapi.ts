/**
 * The ONE description of the REST API: API Gateway imports it as the API body (integrations,
 * CORS preflight, request validation, gateway error responses), and the local server derives
 * its routing and preflight answers from it. Built from the handler manifest, so a route is
 * declared once.
 */
import { HANDLERS, HANDLER_NAMES, IDEMPOTENCY_WINDOW_SECONDS, RETRY_AFTER_SECONDS, type HandlerName } from "./handlers";
import {
  IDEMPOTENCY_KEY,
  JSON_MEDIA_TYPE,
  NEXT_TOKEN_LIMITS,
  PAGE_LIMITS,
  TICKET_INPUT_JSON_SCHEMA,
  TICKET_LIMITS,
} from "./ticket-json-schema";

export { TICKET_INPUT_JSON_SCHEMA };

export interface TicketsApiDocumentOptions {
  /** `info.title`, which API Gateway uses as the API name when importing. */
  title: string;
  /** Lambda invoke URI of a handler; opaque (a Terraform token in the infra). */
  integrationUri: (handler: HandlerName) => string;
  /** `*` or one origin such as `https://app.example.com`. */
  corsAllowOrigin: string;
  /**
   * Where clients reach the API, e.g. `https://api.example.com` and each region's own host.
   * @default - one relative server, `/`: the origin the document was fetched from
   */
  servers?: readonly ApiServer[];
}

export interface ApiServer {
  url: string;
  description?: string;
}

export type HttpMethod = "GET" | "POST" | "OPTIONS";

/** Headers a browser may send cross-origin: the workshop's list, and the retry-safe create's key. */
export const CORS_ALLOW_HEADERS = `Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,${IDEMPOTENCY_KEY.header}`;

const BODY_VALIDATOR = "body";
const JSON_MEDIA = JSON_MEDIA_TYPE;

const API_DESCRIPTION = [
  "Wild Rydes multi-region ticket API.",
  "",
  "Open on purpose (`security: []`): like the workshop it serves, the API has no authentication.",
  "Put an authorizer, API keys or AWS WAF in front of it before it holds anything private.",
  "",
  'Errors are JSON `{"message": ...}`. A 503 (a throttled, unavailable or silent table), a 409',
  "for an `Idempotency-Key` still in progress and API Gateway's 429 carry `Retry-After` (seconds).",
  "An unknown path or method is API Gateway's 403 `Missing Authentication Token`.",
].join("\n");

export function ticketsApiDocument(options: TicketsApiDocumentOptions): Record<string, unknown> {
  const origin = apiGatewayLiteral(options.corsAllowOrigin, "corsAllowOrigin");
  const paths: Record<string, Record<string, unknown>> = {};
  for (const handler of HANDLER_NAMES) {
    const { method, path } = HANDLERS[handler].route;
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = proxyOperation(handler, options.integrationUri(handler));
  }
  for (const [path, operations] of Object.entries(paths)) {
    operations.options = preflightOperation(path, origin, allowMethods(path));
  }

  return sortKeys({
    openapi: "3.0.1",
    info: {
      title: options.title,
      version: "1.0.0",
      description: API_DESCRIPTION,
      license: { name: "MIT-0", url: "https://github.com/aws/mit-0" },
    },
    servers: (options.servers ?? [{ url: "/", description: "The origin this document was fetched from" }]).map((server) => ({
      ...server,
    })),
    security: [],
    paths,
    components: { schemas: SCHEMAS },
    "x-amazon-apigateway-request-validators": {
      [BODY_VALIDATOR]: { validateRequestBody: true, validateRequestParameters: false },
    },
    "x-amazon-apigateway-gateway-responses": gatewayResponses(origin),
  }) as Record<string, unknown>;
}

/** `Allow-Methods` of a path: exactly its methods plus OPTIONS, sorted. */
function allowMethods(path: string): string {
  const methods = HANDLER_NAMES.filter((name) => HANDLERS[name].route.path === path).map((name) => HANDLERS[name].route.method);
  return [...new Set<string>([...methods, "OPTIONS"])].sort().join(",");
}

const RETRY_AFTER = {
  description: "Seconds to wait before retrying",
  schema: { type: "integer", minimum: 1 },
};

/** What any proxied operation can answer besides its own statuses: API Gateway's and the functions'. */
const COMMON_RESPONSES: Record<string, unknown> = {
  "429": errorResponse("Throttled by API Gateway (the stage's rate or burst limit)", { "Retry-After": RETRY_AFTER }),
  "500": errorResponse("An unexpected error; the details are logged, never returned"),
  "502": errorResponse("API Gateway: the function failed or ran out of time"),
  "504": errorResponse("API Gateway: no answer within its 29 s integration timeout"),
};

/** A passing DynamoDB fault: throttled, unavailable or silent (after the SDK's own retry). */
const FAULT_RESPONSE = errorResponse(
  "The ticket table is throttled, unavailable or did not answer in time: retry after Retry-After",
  {
    "Retry-After": RETRY_AFTER,
  },
);

const windowHours = IDEMPOTENCY_WINDOW_SECONDS / 3600;

const OPERATIONS: Record<HandlerName, Record<string, unknown>> = {
  "tickets-get": {
    operationId: "listTickets",
    summary: "One page of tickets (a JSON array); X-Next-Token carries the next page's token",
    parameters: [
      {
        name: "limit",
        in: "query",
        required: false,
        description: "Page size",
        schema: { type: "integer", minimum: 1, maximum: PAGE_LIMITS.max, default: PAGE_LIMITS.default },
      },
      {
        name: "nextToken",
        in: "query",
        required: false,
        description: "The X-Next-Token of the previous page, as received",
        schema: { type: "string", minLength: 1, maxLength: NEXT_TOKEN_LIMITS.maxLength, pattern: NEXT_TOKEN_LIMITS.pattern },
      },
    ],
    responses: {
      "200": {
        description: "A page of tickets",
        headers: { "X-Next-Token": { description: "Absent on the last page", schema: { type: "string" } } },
        content: { [JSON_MEDIA]: { schema: { $ref: "#/components/schemas/TicketList" } } },
      },
      "400": errorResponse("Invalid limit or nextToken (the message names it)"),
      "503": FAULT_RESPONSE,
      ...COMMON_RESPONSES,
    },
  },
  "tickets-post": {
    operationId: "createTicket",
    summary: "Stores a ticket; the server assigns id and createdOn",
    description: [
      `With an \`${IDEMPOTENCY_KEY.header}\` header the create is safe to retry for ${windowHours} hours: a retry with`,
      "the same key and body answers the first ticket again (201, same body) and stores nothing;",
      "the same key with another body is a 422; while the first request runs, a retry gets 409.",
      "Across regions the same key and body is the same ticket, its id derived from both: a retry",
      "in another region, or after the window, answers the stored ticket and stores nothing.",
    ].join("\n"),
    parameters: [
      {
        name: IDEMPOTENCY_KEY.header,
        in: "header",
        required: false,
        description: `Makes the create retry-safe for ${windowHours} hours; a UUID is a good key`,
        schema: { type: "string", minLength: 1, maxLength: IDEMPOTENCY_KEY.maxLength, pattern: IDEMPOTENCY_KEY.pattern },
      },
    ],
    requestBody: {
      required: true,
      description: `UTF-8 JSON of at most ${TICKET_LIMITS.maxBodyBytes} bytes (every body the schema admits fits); Content-Type must be ${JSON_MEDIA}`,
      content: { [JSON_MEDIA]: { schema: { $ref: "#/components/schemas/TicketInput" } } },
    },
    "x-amazon-apigateway-request-validator": BODY_VALIDATOR,
    responses: {
      "201": {
        description: "The stored ticket (again, for a retry with the same Idempotency-Key)",
        content: { [JSON_MEDIA]: { schema: { $ref: "#/components/schemas/Ticket" } } },
      },
      "400": errorResponse(`Invalid body, not UTF-8, or an invalid ${IDEMPOTENCY_KEY.header}; the message names the field`),
      "409": errorResponse(`A request with this ${IDEMPOTENCY_KEY.header} is still in progress: retry after Retry-After`, {
        "Retry-After": RETRY_AFTER,
      }),
      "413": errorResponse(`Body larger than ${TICKET_LIMITS.maxBodyBytes} bytes`),
      "415": errorResponse(`Content-Type is not ${JSON_MEDIA} (with charset utf-8, if any)`),
      "422": errorResponse(`The ${IDEMPOTENCY_KEY.header} was already used with another body`),
      "503": FAULT_RESPONSE,
      ...COMMON_RESPONSES,
    },
  },
  health: {
    operationId: "health",
    summary: "Deep ping: a cheap read of the regional table",
    responses: {
      "200": { description: "Healthy", content: { [JSON_MEDIA]: { schema: { $ref: "#/components/schemas/Health" } } } },
      "503": {
        description: "The regional table did not answer within 1.5 s",
        content: { [JSON_MEDIA]: { schema: { $ref: "#/components/schemas/Health" } } },
      },
      ...COMMON_RESPONSES,
    },
  },
};

function proxyOperation(handler: HandlerName, uri: string): Record<string, unknown> {
  return {
    ...OPERATIONS[handler],
    "x-amazon-apigateway-integration": {
      type: "aws_proxy",
      httpMethod: "POST",
      uri,
      passthroughBehavior: "when_no_match",
    },
  };
}

function errorResponse(description: string, headers?: Record<string, unknown>): Record<string, unknown> {
  return {
    description,
    ...(headers && { headers }),
    content: { [JSON_MEDIA]: { schema: { $ref: "#/components/schemas/Error" } } },
  };
}

/** The preflight answer, values as API Gateway static literals (single-quoted). */
function preflightHeaders(origin: string, methods: string): Record<string, string> {
  return {
    "Access-Control-Allow-Headers": `'${CORS_ALLOW_HEADERS}'`,
    "Access-Control-Allow-Methods": `'${methods}'`,
    "Access-Control-Allow-Origin": origin,
  };
}

function preflightOperation(path: string, origin: string, methods: string): Record<string, unknown> {
  const headers = preflightHeaders(origin, methods);
  return {
    // "/ticket" -> "ticketPreflight"
    operationId: `${path.replace(/^\//, "").replace(/\/(\w)/g, (_, letter: string) => letter.toUpperCase())}Preflight`,
    summary: "CORS preflight",
    responses: {
      "200": {
        description: "CORS headers",
        headers: Object.fromEntries(Object.keys(headers).map((name) => [name, { schema: { type: "string" } }])),
      },
      "429": COMMON_RESPONSES["429"],
    },
    "x-amazon-apigateway-integration": {
      type: "mock",
      requestTemplates: { [JSON_MEDIA]: '{"statusCode": 200}' },
      passthroughBehavior: "when_no_match",
      responses: {
        default: {
          statusCode: "200",
          responseParameters: Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [`method.response.header.${name}`, value]),
          ),
        },
      },
    },
  };
}

/**
 * Errors API Gateway answers itself (validation, throttling, timeouts) carry the CORS origin
 * and the same `{"message": ...}` shape as the functions' errors. A rejected body names the
 * failing field through the validator's message. `messageString` arrives JSON-quoted;
 * `validationErrorString` arrives escaped but unquoted (e.g. `[object has missing required
 * properties ([\"description\"])]`), so the template quotes it.
 */
function gatewayResponses(origin: string): Record<string, unknown> {
  const response = (template: string) => ({
    responseParameters: { "gatewayresponse.header.Access-Control-Allow-Origin": origin },
    responseTemplates: { [JSON_MEDIA]: template },
  });
  const throttled = response('{"message":$context.error.messageString}');
  return {
    BAD_REQUEST_BODY: { statusCode: "400", ...response('{"message":"$context.error.validationErrorString"}') },
    DEFAULT_4XX: response('{"message":$context.error.messageString}'),
    DEFAULT_5XX: response('{"message":$context.error.messageString}'),
    // The stage's throttle: tell clients when to come back, readable from a browser too.
    THROTTLED: {
      statusCode: "429",
      ...throttled,
      responseParameters: {
        ...throttled.responseParameters,
        "gatewayresponse.header.Retry-After": `'${RETRY_AFTER_SECONDS}'`,
        "gatewayresponse.header.Access-Control-Expose-Headers": "'Retry-After'",
      },
    },
  };
}

const TICKET_PROPERTIES = TICKET_INPUT_JSON_SCHEMA.properties;

const SCHEMAS: Record<string, unknown> = {
  TicketInput: TICKET_INPUT_JSON_SCHEMA,
  Ticket: {
    type: "object",
    required: ["id", "description", "createdOn"],
    properties: {
      ...TICKET_PROPERTIES,
      id: { type: "string", description: "Assigned by the server (a random UUID)" },
      createdOn: { type: "string", description: "YYYY-MM-DD HH:MM:SS, UTC" },
    },
  },
  TicketList: { type: "array", items: { $ref: "#/components/schemas/Ticket" } },
  Health: {
    type: "object",
    required: ["region", "message"],
    properties: { region: { type: "string" }, message: { type: "string" } },
  },
  Error: { type: "object", required: ["message"], properties: { message: { type: "string" } } },
};

/** Rejects values that would break out of an API Gateway `'...'` literal. */
function apiGatewayLiteral(value: string, field: string): string {
  if (value === "" || /['\s]/.test(value)) {
    throw new Error(`ticketsApiDocument: ${field} "${value}" must be non-empty, without quotes or whitespace`);
  }
  return `'${value}'`;
}

/** Recursively sorted keys: the infra hashes the JSON, so it must not depend on build order. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Routing read back from the document, for the local server and the tests.

export interface ApiRoute {
  method: HttpMethod;
  path: string;
  handler: HandlerName;
}

export interface PathRoutes {
  /** Method -> handler of the path's proxy integrations. */
  handlers: Partial<Record<HttpMethod, HandlerName>>;
  /** The preflight headers the OPTIONS mock integration answers, quotes removed. */
  preflightHeaders: Record<string, string>;
}

const LOCAL_URI_PREFIX = "urn:tickets-api:handler:";

/**
 * The route table as the document declares it: each proxy integration's URI maps back to its
 * handler, and each mock integration's response parameters become the preflight headers.
 */
export function routeTable(corsAllowOrigin: string): Map<string, PathRoutes> {
  const document = ticketsApiDocument({
    title: "local",
    corsAllowOrigin,
    integrationUri: (handler) => `${LOCAL_URI_PREFIX}${handler}`,
  }) as { paths: Record<string, Record<string, Record<string, any>>> };

  const table = new Map<string, PathRoutes>();
  for (const [path, operations] of Object.entries(document.paths)) {
    const routes: PathRoutes = { handlers: {}, preflightHeaders: {} };
    for (const [method, operation] of Object.entries(operations)) {
      const integration = operation["x-amazon-apigateway-integration"];
      if (integration.type === "aws_proxy") {
        routes.handlers[method.toUpperCase() as HttpMethod] = String(integration.uri).slice(
          LOCAL_URI_PREFIX.length,
        ) as HandlerName;
      } else if (integration.type === "mock") {
        for (const [parameter, value] of Object.entries<string>(integration.responses.default.responseParameters)) {
          routes.preflightHeaders[parameter.replace("method.response.header.", "")] = value.replace(/^'|'$/g, "");
        }
      }
    }
    table.set(path, routes);
  }
  return table;
}

/** Every proxied route of the API, in document order. */
export const ROUTES: readonly ApiRoute[] = [...routeTable("*")].flatMap(([path, routes]) =>
  Object.entries(routes.handlers).map(([method, handler]) => ({ method: method as HttpMethod, path, handler })),
);
