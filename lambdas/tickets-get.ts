/** GET /ticket: one page of tickets as a JSON array; the next page's token in X-Next-Token. */
import { createDynamoDbClient, documentClientOf, TICKET_CALL_LIMITS, type DynamoDbClientFactory } from "./core/dynamo";
import { readHandlerEnv } from "./core/env";
import { apiHandler, NEXT_TOKEN_HEADER, type ProxyHandler } from "./core/http";
import { createLogger } from "./core/logger";
import { encodePageToken, parseListQuery } from "./core/ticket-query-parser";
import { listTickets } from "./core/tickets";

/** The handler over the clients `dynamoDbClient` makes; its cold start (the environment is read here). */
export function createHandler(dynamoDbClient: DynamoDbClientFactory): ProxyHandler {
  const env = readHandlerEnv();
  const logger = createLogger("tickets-get");
  const documentClient = documentClientOf(dynamoDbClient(TICKET_CALL_LIMITS));

  return apiHandler(
    async (event) => {
      const page = await listTickets(parseListQuery(event.queryStringParameters), { documentClient, tableName: env.tableName });
      const headers: Record<string, string> = {};
      if (page.lastKey !== undefined) headers[NEXT_TOKEN_HEADER] = encodePageToken(page.lastKey);
      return { statusCode: 200, body: page.tickets, headers };
    },
    { logger, corsAllowOrigin: env.corsAllowOrigin },
  );
}

/** What Lambda runs: the SDK's own client. */
export const handler = createHandler(createDynamoDbClient);
