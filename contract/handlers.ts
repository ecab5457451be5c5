/**
 * The API's functions: one entry per handler file, with its route and the DynamoDB actions
 * it needs. The regional API construct (IAM, functions, OpenAPI integrations), the local
 * API server and the bundler all loop over this list.
 */

/** The stage every region serves; the custom domains map `/` to it. */
export const STAGE_NAME = "prod";
/** The ticket collection. */
export const TICKETS_PATH = "/ticket";
/** The deep ping Route 53's health checks request. */
export const HEALTH_PATH = "/health";

export const HANDLERS = {
  "tickets-get": {
    entry: "lambdas/tickets-get.ts",
    description: "Lists tickets, one page per request",
    route: { method: "GET", path: TICKETS_PATH },
    tableActions: ["dynamodb:Scan"],
  },
  "tickets-post": {
    entry: "lambdas/tickets-post.ts",
    description: "Validates and stores a new ticket",
    route: { method: "POST", path: TICKETS_PATH },
    tableActions: ["dynamodb:PutItem"],
  },
  health: {
    entry: "lambdas/health.ts",
    description: "Deep ping: a cheap read of the regional table replica",
    route: { method: "GET", path: HEALTH_PATH },
    tableActions: ["dynamodb:GetItem"],
    /** Route 53 gives up after 2 s; the handler answers 503 before its read outlives that. */
    timeoutSeconds: 3,
  },
} as const;

export type HandlerName = keyof typeof HANDLERS;
export const HANDLER_NAMES = Object.keys(HANDLERS) as HandlerName[];

/** Environment every function gets; a handler fails at cold start when one is missing. */
export const HANDLER_ENV = { tableName: "TABLE_NAME", corsAllowOrigin: "CORS_ALLOW_ORIGIN" } as const;

/** Handler setting of every bundle: `index.mjs` exporting `handler`. */
export const BUNDLE_HANDLER = "index.handler";
