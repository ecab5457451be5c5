/**
 * POST /ticket: checks the media type and the optional Idempotency-Key, validates the body,
 * stores the ticket with server-assigned id and createdOn (once per key and body), answers 201.
 */
import { createDynamoDbClient, documentClientOf, TICKET_CALL_LIMITS, type DynamoDbClientFactory } from "./core/dynamo";
import { readHandlerEnv, requireEnv } from "./core/env";
import { apiHandler, type ProxyHandler } from "./core/http";
import { idempotentCreate } from "./core/idempotent-create";
import { createLogger } from "./core/logger";
import { readIdempotencyKey, requireJsonContentType } from "./core/request-headers";
import { parseTicketInput } from "./core/ticket-input-parser";
import { newTicketId } from "./core/ticket-id";
import { createTicket } from "./core/tickets";
import { HANDLER_ENV } from "../contract/handlers";
import type { TicketInput } from "../contract/ticket-json-schema";

/** The handler over the clients `dynamoDbClient` makes; its cold start (the environment is read here). */
export function createHandler(dynamoDbClient: DynamoDbClientFactory): ProxyHandler {
  const env = readHandlerEnv();
  const idempotencyTableName = requireEnv(HANDLER_ENV.idempotencyTableName);
  const logger = createLogger("tickets-post");
  const client = dynamoDbClient(TICKET_CALL_LIMITS);
  const documentClient = documentClientOf(client);

  /** With a key, the id is derived from the key and the body: the same request is the same ticket in every region. */
  const create = (input: TicketInput, idempotencyKey?: string) =>
    createTicket(input, {
      documentClient,
      tableName: env.tableName,
      clock: () => new Date(),
      newId: () => newTicketId(input, idempotencyKey),
      logger,
    });
  const createOnce = idempotentCreate(create, { client, tableName: idempotencyTableName, logger });

  return apiHandler(
    async (event, context) => {
      requireJsonContentType(event);
      const idempotencyKey = readIdempotencyKey(event);
      const input = parseTicketInput(event.body, event.isBase64Encoded);
      const ticket = idempotencyKey === undefined ? await create(input) : await createOnce(input, idempotencyKey, context);
      return { statusCode: 201, body: ticket };
    },
    { logger, corsAllowOrigin: env.corsAllowOrigin },
  );
}

/** What Lambda runs: the SDK's own client. */
export const handler = createHandler(createDynamoDbClient);
