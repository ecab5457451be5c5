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
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
/**
 * The same codes in a message: the SDK replaces an error it cannot recognise as one (a socket
 * error from another JavaScript realm) by `AWS SDK error wrapper for Error: connect ECONNREFUSED …`,
 * which keeps only the message.
 */
const UNREACHABLE_IN_MESSAGE = new RegExp(`\\b(${[...UNREACHABLE_CODES].join("|")})\\b`);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

const isOneOf = (values: ReadonlySet<string>, value: unknown) => typeof value === "string" && values.has(value);
const httpStatusOf = ({ $metadata }: SdkErrorShape) =>
  typeof $metadata?.httpStatusCode === "number" ? $metadata.httpStatusCode : undefined;

/** What marks each fault, checked in this order (a throttle answered with a 5xx is still a throttle). */
const FAULT_RULES: readonly { fault: TransientFault; matches: (error: SdkErrorShape) => boolean }[] = [
  { fault: "throttled", matches: (error) => isOneOf(THROTTLING_ERRORS, error.name) || httpStatusOf(error) === 429 },
  { fault: "timeout", matches: ({ name, code }) => isOneOf(TIMEOUT_ERRORS, name) || isOneOf(TIMEOUT_CODES, code) },
  { fault: "unavailable", matches: (error) => isOneOf(UNAVAILABLE_ERRORS, error.name) || (httpStatusOf(error) ?? 0) >= 500 },
  {
    fault: "unavailable",
    matches: ({ code, message }) =>
      isOneOf(UNREACHABLE_CODES, code) || (typeof message === "string" && UNREACHABLE_IN_MESSAGE.test(message)),
  },
];

/**
 * The kind of passing fault `error` is, or `undefined` for anything else (a bug, a missing
 * table, a denied permission: those stay 500). Wrapped errors (Powertools wraps the SDK's
 * in `cause`) are looked through.
 */
export function transientFault(error: unknown, depth = 0): TransientFault | undefined {
  if (error === null || typeof error !== "object" || depth > 5) return undefined;
  const shape = error as SdkErrorShape;
  return FAULT_RULES.find((rule) => rule.matches(shape))?.fault ?? transientFault(shape.cause, depth + 1);
}
