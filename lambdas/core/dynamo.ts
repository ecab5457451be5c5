import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** What the core needs from a document client (the real one, or aws-sdk-client-mock's). */
export type DocumentClient = Pick<DynamoDBDocumentClient, "send">;

/**
 * How long one DynamoDB call may take. Each attempt is cut at `requestTimeoutMs`, counted from
 * its start (connecting included; a dead host fails sooner, at `connectionTimeoutMs`), and the
 * SDK makes at most `maxAttempts` attempts with a jittered backoff in between (at most 50 ms,
 * or 1 s after a throttle). Without these the SDK would wait on a silent socket indefinitely.
 */
export interface DynamoDbCallLimits {
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  maxAttempts: number;
}

/** The SDK's longest backoff between two attempts (after a throttling error). */
export const MAX_RETRY_BACKOFF_MS = 1000;

/** Upper bound of one call's duration under `limits`, backoff included. */
export function worstCaseCallMs(limits: DynamoDbCallLimits): number {
  return limits.maxAttempts * limits.requestTimeoutMs + (limits.maxAttempts - 1) * MAX_RETRY_BACKOFF_MS;
}

/**
 * The ticket functions. DynamoDB answers in milliseconds, so a second without an answer is a
 * fault, not a slow day. One call ends within 3 s; a create makes at most three in a row
 * (idempotency record, ticket, record update or delete), 9 s, inside the default 10 s function
 * timeout and far inside API Gateway's 29 s. When the table hangs, the first call fails after
 * about 2 s and the client gets a 503.
 */
export const TICKET_CALL_LIMITS: DynamoDbCallLimits = { connectionTimeoutMs: 500, requestTimeoutMs: 1000, maxAttempts: 2 };

/**
 * The health read: two attempts of 600 ms fit the probe's 1.5 s deadline (which
 * `checkTableHealth` enforces anyway), so one slow attempt is retried before Route 53 sees a
 * failure and fails the region over.
 */
export const HEALTH_CALL_LIMITS: DynamoDbCallLimits = { connectionTimeoutMs: 300, requestTimeoutMs: 600, maxAttempts: 2 };

/** Makes the DynamoDB client of a function from its call limits; the local API and the tests pass their own. */
export type DynamoDbClientFactory = (limits: DynamoDbCallLimits) => DynamoDBClient;

/**
 * The DynamoDB client a deployed function uses: the SDK default (region and credentials from
 * the Lambda environment) with `limits` on every call. `overrides` is for the local API and
 * the tests (an endpoint, fake credentials); the functions pass none.
 */
export function createDynamoDbClient(limits: DynamoDbCallLimits, overrides: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: limits.maxAttempts,
    requestHandler: {
      connectionTimeout: limits.connectionTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Without it, an exceeded requestTimeout only logs a warning and the call keeps waiting.
      throwOnRequestTimeout: true,
      // requestTimeout stops at the response headers; a body that stalls is cut by inactivity.
      socketTimeout: limits.requestTimeoutMs,
    },
    ...overrides,
  });
}

/** The document client the core uses over `client`. */
export function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    // Optional ticket fields the client omitted are left out of the item, not stored as null.
    marshallOptions: { removeUndefinedValues: true },
  });
}
