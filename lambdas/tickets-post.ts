/** POST /ticket: validates the body, stores the ticket with server-assigned id and createdOn, answers 201. */
import { randomUUID } from "node:crypto";
import { createDocumentClient } from "./core/dynamo";
import { readHandlerEnv } from "./core/env";
import { apiHandler } from "./core/http";
import { createLogger } from "./core/logger";
import { parseTicketInput } from "./core/ticket-input-parser";
import { createTicket } from "./core/tickets";

const env = readHandlerEnv();
const logger = createLogger("tickets-post");
const documentClient = createDocumentClient();

export const handler = apiHandler(
  async (event) => {
    const input = parseTicketInput(event.body, event.isBase64Encoded);
    const ticket = await createTicket(input, {
      documentClient,
      tableName: env.tableName,
      clock: () => new Date(),
      newId: randomUUID,
      logger,
    });
    return { statusCode: 201, body: ticket };
  },
  { logger, corsAllowOrigin: env.corsAllowOrigin },
);
