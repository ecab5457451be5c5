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
/** A socket that waited too long. */
const TIMEOUT_CODES = new Set(["ETIMEDOUT"]);
/** Socket errors: the table's endpoint refused, reset or could not be reached or resolved. */
const UNREACHABLE_CODES = ["ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"];
/**
 * The same codes in a message: the SDK replaces an error it cannot recognise as one (a socket
 * error from another JavaScript realm) by `AWS SDK error wrapper for Error: connect ECONNREFUSED …`,
 * which keeps only the message.
 */
const UNREACHABLE_IN_MESSAGE = new RegExp(`\\b(${UNREACHABLE_CODES.join("|")})\\b`);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
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
  const { name, code, message, cause, $metadata } = error as SdkErrorShape;
  const is = (names: ReadonlySet<string>, value: unknown) => typeof value === "string" && names.has(value);
  const status = typeof $metadata?.httpStatusCode === "number" ? $metadata.httpStatusCode : undefined;
  if (is(THROTTLING_ERRORS, name) || status === 429) return "throttled";
  if (is(TIMEOUT_ERRORS, name) || is(TIMEOUT_CODES, code)) return "timeout";
  if (is(UNAVAILABLE_ERRORS, name) || (status !== undefined && status >= 500)) return "unavailable";
  if (UNREACHABLE_CODES.includes(code as string) || (typeof message === "string" && UNREACHABLE_IN_MESSAGE.test(message))) {
    return "unavailable";
  }
  return transientFault(cause, depth + 1);
}
