import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Points the functions at a local DynamoDB (dynalite) for the local API and the tests. */
export const LOCAL_ENDPOINT_ENV = "DYNAMODB_ENDPOINT";
/**
 * With a local endpoint only: another per-attempt timeout (ms), for connecting and for the
 * whole attempt. One local process serves many requests at once against a single-threaded
 * emulator, where queueing, not a fault, can outlast the deployed limits (a Lambda instance
 * runs one request at a time).
 */
export const LOCAL_REQUEST_TIMEOUT_ENV = "DYNAMODB_REQUEST_TIMEOUT_MS";
/** Static fake credentials for a local DynamoDB: real ones are never sent to it. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

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

/**
 * The DynamoDB client a function uses. Without `DYNAMODB_ENDPOINT` it is the SDK default
 * (region and credentials from the Lambda environment). With it, the client talks to that
 * endpoint with fake static credentials, so real credentials are never sent to a local server;
 * the override is refused inside Lambda, where it can only be a misconfiguration.
 */
export function createDynamoDbClient(limits: DynamoDbCallLimits, env: NodeJS.ProcessEnv = process.env): DynamoDBClient {
  const config: DynamoDBClientConfig = { maxAttempts: limits.maxAttempts };
  let { connectionTimeoutMs, requestTimeoutMs } = limits;
  const endpoint = env[LOCAL_ENDPOINT_ENV];
  const localTimeout = env[LOCAL_REQUEST_TIMEOUT_ENV];
  if (endpoint !== undefined && endpoint !== "") {
    if (env.AWS_LAMBDA_FUNCTION_NAME !== undefined) {
      throw new Error(`${LOCAL_ENDPOINT_ENV} is for local runs only and must not be set in Lambda`);
    }
    if (!/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) {
      throw new Error(`${LOCAL_ENDPOINT_ENV} must be an http(s) origin like http://127.0.0.1:8000, got "${endpoint}"`);
    }
    config.endpoint = endpoint;
    config.region = env.AWS_REGION ?? "local";
    config.credentials = LOCAL_CREDENTIALS;
    if (localTimeout !== undefined && localTimeout !== "") {
      if (!/^[1-9][0-9]{0,5}$/.test(localTimeout)) {
        throw new Error(`${LOCAL_REQUEST_TIMEOUT_ENV} must be milliseconds from 1 to 999999, got "${localTimeout}"`);
      }
      requestTimeoutMs = connectionTimeoutMs = Number(localTimeout);
    }
  } else if (localTimeout !== undefined && localTimeout !== "") {
    throw new Error(`${LOCAL_REQUEST_TIMEOUT_ENV} applies to a local DynamoDB only: set ${LOCAL_ENDPOINT_ENV} too, or unset it`);
  }
  config.requestHandler = {
    connectionTimeout: connectionTimeoutMs,
    requestTimeout: requestTimeoutMs,
    // Without it, an exceeded requestTimeout only logs a warning and the call keeps waiting.
    throwOnRequestTimeout: true,
    // requestTimeout stops at the response headers; a body that stalls is cut by inactivity.
    socketTimeout: requestTimeoutMs,
  };
  return new DynamoDBClient(config);
}

/** The document client over `createDynamoDbClient`'s client. */
export function createDocumentClient(limits: DynamoDbCallLimits, env: NodeJS.ProcessEnv = process.env): DynamoDBDocumentClient {
  return documentClientOf(createDynamoDbClient(limits, env));
}

export function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    // Optional ticket fields the client omitted are left out of the item, not stored as null.
    marshallOptions: { removeUndefinedValues: true },
  });
}
