import type { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { errorOutcome } from "./errors";

/** Response header carrying the next page's token of `GET /ticket`. */
export const NEXT_TOKEN_HEADER = "X-Next-Token";
/** Response header of a 503 (and a 409 in progress): seconds to wait before retrying. */
export const RETRY_AFTER_HEADER = "Retry-After";

/** Headers on every response, errors included, so browsers can always read the answer. */
export function responseHeaders(corsAllowOrigin: string): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": corsAllowOrigin,
    // Neither is CORS-safelisted: a browser client reads them only when exposed.
    "Access-Control-Expose-Headers": `${NEXT_TOKEN_HEADER},${RETRY_AFTER_HEADER}`,
    "Cache-Control": "no-store",
    "Content-Type": "application/json",
  };
}

export interface JsonResult {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function jsonResponse(result: JsonResult, corsAllowOrigin: string): APIGatewayProxyResult {
  return {
    statusCode: result.statusCode,
    headers: { ...responseHeaders(corsAllowOrigin), ...result.headers },
    body: JSON.stringify(result.body),
  };
}

export type ProxyHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

/**
 * Every value of a request header, whatever the case of its name: API Gateway (REST) passes
 * names as the client wrote them, and all values of a repeated header only in
 * `multiValueHeaders` (`headers` keeps the last).
 */
export function headerValues(event: Pick<APIGatewayProxyEvent, "headers" | "multiValueHeaders">, name: string): string[] {
  const wanted = name.toLowerCase();
  const matching = <T>(record: Record<string, T | undefined> | null | undefined): T[] =>
    Object.entries(record ?? {}).flatMap(([key, value]) => (key.toLowerCase() === wanted && value !== undefined ? [value] : []));
  const values = matching(event.multiValueHeaders).flat();
  return values.length > 0 ? values : matching(event.headers);
}

export interface ApiHandlerOptions {
  logger: Logger;
  corsAllowOrigin: string;
}

/**
 * Wraps a route into a proxy handler: request-scoped log keys, JSON response shaping, and the
 * single translation of thrown errors into status codes. Refused requests are logged at info
 * with their reason, passing dependency faults at warn (name and message, no stack: a
 * throttled table must not flood the logs), anything else at error with its details; the
 * client only ever sees the outcome's message.
 */
export function apiHandler(
  route: (event: APIGatewayProxyEvent, context?: Context) => Promise<JsonResult>,
  options: ApiHandlerOptions,
): ProxyHandler {
  const { logger, corsAllowOrigin } = options;
  return async (event, context) => {
    if (context !== undefined) logger.addContext(context);
    // Request keys on the shared logger are safe because a Lambda instance runs one invocation
    // at a time; under the local server's concurrency they may mix between requests.
    logger.appendKeys({ requestId: event.requestContext?.requestId, httpMethod: event.httpMethod, path: event.path });
    try {
      return jsonResponse(await route(event, context), corsAllowOrigin);
    } catch (error) {
      const outcome = errorOutcome(error);
      if (outcome.logLevel === "info") {
        logger.info("request rejected", { statusCode: outcome.statusCode, reason: outcome.message });
      } else if (outcome.logLevel === "warn") {
        const { name, message } = error as Error;
        logger.warn("dependency fault", { statusCode: outcome.statusCode, errorName: name, errorMessage: message });
      } else {
        logger.error("request failed", { error: error as Error });
      }
      return jsonResponse(
        { statusCode: outcome.statusCode, body: { message: outcome.message }, headers: outcome.headers },
        corsAllowOrigin,
      );
    } finally {
      logger.resetKeys();
    }
  };
}
