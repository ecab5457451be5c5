/**
 * Which failures of DynamoDB (or of the network to it) are passing faults: the request did
 * nothing wrong, and the same request a moment later will likely succeed. They become a 503
 * with `Retry-After` rather than a 500, so clients retry instead of giving up, and the logs
 * keep ERROR for our own bugs.
 */

import { RETRY_AFTER_SECONDS } from "../../contract/handlers";

export type TransientFault = "throttled" | "unavailable" | "timeout";

export { RETRY_AFTER_SECONDS };

/** DynamoDB's throttling errors: the table or the account is over its capacity or request rate. */
const THROTTLING_ERRORS = new Set(["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"]);
/** DynamoDB answered, but with a server fault. */
const UNAVAILABLE_ERRORS = new Set(["InternalServerError", "ServiceUnavailable"]);
/** The SDK's per-attempt timeouts (`TimeoutError`), an aborted request, a service-side timeout. */
const TIMEOUT_ERRORS = new Set(["TimeoutError", "AbortError", "RequestTimeout", "RequestTimeoutException"]);
/** Socket errors: the connection was refused, reset or never made. */
const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * The kind of passing fault `error` is, or `undefined` for anything else (a bug, a missing
 * table, a denied permission: those stay 500). Wrapped errors (Powertools wraps the SDK's
 * in `cause`) are looked through.
 */
export function transientFault(error: unknown, depth = 0): TransientFault | undefined {
  if (error === null || typeof error !== "object" || depth > 5) return undefined;
  const { name, code, cause, $metadata } = error as SdkErrorShape;
  const status = typeof $metadata?.httpStatusCode === "number" ? $metadata.httpStatusCode : undefined;
  if ((typeof name === "string" && THROTTLING_ERRORS.has(name)) || status === 429) return "throttled";
  if ((typeof name === "string" && UNAVAILABLE_ERRORS.has(name)) || (status !== undefined && status >= 500)) return "unavailable";
  if ((typeof name === "string" && TIMEOUT_ERRORS.has(name)) || (typeof code === "string" && NETWORK_ERROR_CODES.has(code))) {
    return "timeout";
  }
  return transientFault(cause, depth + 1);
}
