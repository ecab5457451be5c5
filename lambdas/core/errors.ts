/**
 * Typed errors the core throws, and the one place that turns any error into an HTTP status
 * and a client-safe message.
 */
import { RETRY_AFTER_SECONDS, transientFault, type TransientFault } from "./faults";

/**
 * An error whose message is safe to show the client, with the HTTP status it maps to and,
 * when a retry can succeed, the seconds to wait (`Retry-After`).
 */
export abstract class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The request is wrong; the message names the field. */
export class InvalidInputError extends ApiError {
  // Spelled out: the bundles are minified, and logs should name the error, not `Xe`.
  override readonly name = "InvalidInputError";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(400, message);
  }
}

export class PayloadTooLargeError extends ApiError {
  override readonly name = "PayloadTooLargeError";
  constructor(message: string) {
    super(413, message);
  }
}

/** The resource is in a state that refuses the request; with `retryAfterSeconds` when that will pass. */
export class ConflictError extends ApiError {
  override readonly name = "ConflictError";
  constructor(message: string, retryAfterSeconds?: number) {
    super(409, message, retryAfterSeconds);
  }
}

/** The body is not `application/json` (in UTF-8). */
export class UnsupportedMediaTypeError extends ApiError {
  override readonly name = "UnsupportedMediaTypeError";
  constructor(message: string) {
    super(415, message);
  }
}

/** Well-formed, but contradicts an earlier request (an `Idempotency-Key` reused with another body). */
export class UnprocessableRequestError extends ApiError {
  override readonly name = "UnprocessableRequestError";
  constructor(message: string) {
    super(422, message);
  }
}

/** A dependency failed for a moment; the same request can succeed after `retryAfterSeconds`. */
export class ServiceUnavailableError extends ApiError {
  override readonly name = "ServiceUnavailableError";
  constructor(message: string, retryAfterSeconds: number) {
    super(503, message, retryAfterSeconds);
  }
}

export interface ErrorOutcome {
  statusCode: number;
  /** What the client sees: the typed error's own message, or a generic one. */
  message: string;
  /** `Retry-After` when waiting and retrying can succeed. */
  headers: Record<string, string>;
  /**
   * info: the client's request was refused on purpose; warn: a passing fault of a dependency
   * (logged without a stack); error: anything we did not expect, logged with its details.
   */
  logLevel: "info" | "warn" | "error";
}

export const INTERNAL_ERROR_MESSAGE = "Internal server error";

const FAULT_MESSAGES: Record<TransientFault, string> = {
  throttled: "The ticket store is busy right now (throttled): retry after the Retry-After delay",
  unavailable: "The ticket store is unavailable right now: retry after the Retry-After delay",
  timeout: "The ticket store did not answer in time: retry after the Retry-After delay",
};

export function errorOutcome(error: unknown): ErrorOutcome {
  if (error instanceof ApiError) {
    return {
      statusCode: error.statusCode,
      message: error.message,
      headers: retryAfter(error.retryAfterSeconds),
      logLevel: "info",
    };
  }
  const fault = transientFault(error);
  if (fault !== undefined) {
    return { statusCode: 503, message: FAULT_MESSAGES[fault], headers: retryAfter(RETRY_AFTER_SECONDS), logLevel: "warn" };
  }
  return { statusCode: 500, message: INTERNAL_ERROR_MESSAGE, headers: {}, logLevel: "error" };
}

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { "Retry-After": String(seconds) };
}
