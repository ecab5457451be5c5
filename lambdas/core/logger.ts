import { Logger } from "@aws-lambda-powertools/logger";

export const SERVICE_NAME = "tickets-api";

/** What the core needs from a logger: lets tests pass a fake or a silent one. */
export type CoreLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

/**
 * Structured JSON logs, one logger per function. The level comes from `POWERTOOLS_LOG_LEVEL`
 * (or Lambda's `AWS_LAMBDA_LOG_LEVEL`), default INFO.
 */
export function createLogger(handlerName: string): Logger {
  return new Logger({ serviceName: SERVICE_NAME, persistentKeys: { handler: handlerName } });
}
