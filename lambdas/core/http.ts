import type { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { errorOutcome } from "./errors";

/** Response header carrying the next page's token of `GET /ticket`. */
export const NEXT_TOKEN_HEADER = "X-Next-Token";

/** Headers on every response, errors included, so browsers can always read the answer. */
export function responseHeaders(corsAllowOrigin: string): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": corsAllowOrigin,
    "Access-Control-Expose-Headers": NEXT_TOKEN_HEADER,
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

export interface ApiHandlerOptions {
  logger: Logger;
  corsAllowOrigin: string;
}

/**
 * Wraps a route into a proxy handler: request-scoped log keys, JSON response shaping, and the
 * single translation of thrown errors into status codes. Expected errors are logged at info
 * with their message; anything else at error with its details, and the client only ever sees
 * the generic message.
 */
export function apiHandler(route: (event: APIGatewayProxyEvent) => Promise<JsonResult>, options: ApiHandlerOptions): ProxyHandler {
  const { logger, corsAllowOrigin } = options;
  return async (event, context) => {
    if (context !== undefined) logger.addContext(context);
    // Request keys on the shared logger are safe because a Lambda instance runs one invocation
    // at a time; under the local server's concurrency they may mix between requests.
    logger.appendKeys({ requestId: event.requestContext?.requestId, httpMethod: event.httpMethod, path: event.path });
    try {
      return jsonResponse(await route(event), corsAllowOrigin);
    } catch (error) {
      const outcome = errorOutcome(error);
      if (outcome.expected) {
        logger.info("request rejected", { statusCode: outcome.statusCode, reason: outcome.message });
      } else {
        logger.error("request failed", { error: error as Error });
      }
      return jsonResponse({ statusCode: outcome.statusCode, body: { message: outcome.message } }, corsAllowOrigin);
    } finally {
      logger.resetKeys();
    }
  };
}
