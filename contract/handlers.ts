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
    /**
     * On the idempotency table (`IDEMPOTENCY_TABLE`, named by `HANDLER_ENV.idempotencyTableName`):
     * what Powertools' DynamoDB persistence layer calls. GetItem reads a record when a
     * conditional put finds one; DeleteItem removes the in-progress record of a failed create.
     */
    idempotencyTableActions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
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

/**
 * Environment of the functions; a handler fails at cold start when one it reads is missing.
 * Every function reads `tableName` and `corsAllowOrigin`; a function whose entry has
 * `idempotencyTableActions` also reads `idempotencyTableName` (the table's name in its region).
 */
export const HANDLER_ENV = {
  tableName: "TABLE_NAME",
  corsAllowOrigin: "CORS_ALLOW_ORIGIN",
  idempotencyTableName: "IDEMPOTENCY_TABLE_NAME",
} as const;

/**
 * The idempotency table as the handler expects it (Powertools' DynamoDB persistence layer):
 * hash key `id` (S) holding `tickets-post#<SHA-256 of the Idempotency-Key>`, no sort key,
 * TTL on `expiration` (epoch seconds). Like the tickets table it must exist in every region
 * (a global table), so a retry that fails over finds the first answer once it has
 * replicated. Records also carry `status`, `data` (the stored ticket), `validation` (a hash of
 * the body) and `in_progress_expiration` (epoch ms); they need no index.
 */
export const IDEMPOTENCY_TABLE = {
  hashKey: "id",
  hashKeyType: "S",
  ttlAttribute: "expiration",
} as const;

/**
 * `Retry-After` (seconds) of a 503 fault, a 409 for an `Idempotency-Key` in progress, and the
 * stage's 429. The SDK has already retried once inside the call; a second later a throttled
 * table has refilled, a create in progress has usually finished, and DNS may have failed over.
 */
export const RETRY_AFTER_SECONDS = 1;

/** How long a POST with an `Idempotency-Key` replays its first answer: 24 hours. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;

/** Handler setting of every bundle: `index.mjs` exporting `handler`. */
export const BUNDLE_HANDLER = "index.handler";
