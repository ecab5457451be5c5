/** GET /ticket: one page of tickets as a JSON array; the next page's token in X-Next-Token. */
import { createDocumentClient, TICKET_CALL_LIMITS } from "./core/dynamo";
import { readHandlerEnv } from "./core/env";
import { apiHandler, NEXT_TOKEN_HEADER } from "./core/http";
import { createLogger } from "./core/logger";
import { encodePageToken, parseListQuery } from "./core/ticket-query-parser";
import { listTickets } from "./core/tickets";

const env = readHandlerEnv();
const logger = createLogger("tickets-get");
const documentClient = createDocumentClient(TICKET_CALL_LIMITS);

export const handler = apiHandler(
  async (event) => {
    const page = await listTickets(parseListQuery(event.queryStringParameters), { documentClient, tableName: env.tableName });
    const headers: Record<string, string> = {};
    if (page.lastKey !== undefined) headers[NEXT_TOKEN_HEADER] = encodePageToken(page.lastKey);
    return { statusCode: 200, body: page.tickets, headers };
  },
  { logger, corsAllowOrigin: env.corsAllowOrigin },
);
