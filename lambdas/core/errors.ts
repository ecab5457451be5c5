/**
 * Typed errors the core throws, and the one place that turns any error into an HTTP status
 * and a client-safe message.
 */

/** An error whose message is safe to show the client, with the HTTP status it maps to. */
export abstract class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
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

export class NotFoundError extends ApiError {
  override readonly name = "NotFoundError";
  constructor(message: string) {
    super(404, message);
  }
}

export class ConflictError extends ApiError {
  override readonly name = "ConflictError";
  constructor(message: string) {
    super(409, message);
  }
}

export interface ErrorOutcome {
  statusCode: number;
  /** What the client sees: the typed error's own message, or a generic one. */
  message: string;
  /** false for anything we did not throw on purpose: log it as an error, with details. */
  expected: boolean;
}

export const INTERNAL_ERROR_MESSAGE = "Internal server error";

export function errorOutcome(error: unknown): ErrorOutcome {
  if (error instanceof ApiError) {
    return { statusCode: error.statusCode, message: error.message, expected: true };
  }
  return { statusCode: 500, message: INTERNAL_ERROR_MESSAGE, expected: false };
}
