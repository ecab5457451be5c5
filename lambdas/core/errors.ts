/**
 * Typed errors the core throws, and the one place that turns any error into an HTTP status
 * and a client-safe message.
 */

export abstract class ApiError extends Error {
  abstract readonly statusCode: number;
}

/** The request is wrong; the message names the field and is safe to show the client. */
export class InvalidInputError extends ApiError {
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "InvalidInputError";
  }
}

export class PayloadTooLargeError extends ApiError {
  readonly statusCode = 413;
  constructor(message: string) {
    super(message);
    this.name = "PayloadTooLargeError";
  }
}

export class NotFoundError extends ApiError {
  readonly statusCode = 404;
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

export class ConflictError extends ApiError {
  readonly statusCode = 409;
  constructor(message: string) {
    super(message);
    this.name = "ConflictError";
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
