/**
 * Retry-safe creates: a `POST /ticket` with an `Idempotency-Key` runs at most once per key
 * within the window (Powertools idempotency over its own DynamoDB table); a retry gets the
 * first ticket back, and the same key with another body is refused.
 */
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { ConflictError, ServiceUnavailableError, UnprocessableRequestError } from "./errors";
import { RETRY_AFTER_SECONDS } from "./faults";
import type { CoreLogger } from "./logger";
import { orderedTicket } from "./tickets";
import { IDEMPOTENCY_TABLE, IDEMPOTENCY_WINDOW_SECONDS, type HandlerName } from "../../contract/handlers";
import { IDEMPOTENCY_KEY, type Ticket, type TicketInput } from "../../contract/ticket-json-schema";

export interface IdempotentCreateOptions {
  /** The client the persistence layer sends its GetItem/PutItem/UpdateItem/DeleteItem with. */
  client: DynamoDBClient;
  tableName: string;
  logger: CoreLogger;
  /** @default IDEMPOTENCY_WINDOW_SECONDS (24 h) */
  windowSeconds?: number;
}

/** Creates a ticket once per idempotency key; `context` bounds how long a crashed attempt blocks its key. */
export type CreateTicketOnce = (input: TicketInput, idempotencyKey: string, context?: Context) => Promise<Ticket>;

/** What Powertools hashes: the key names the record, the input is the body a reuse must match. */
interface IdempotentRequest {
  idempotencyKey: string;
  input: TicketInput;
}

/**
 * Prefix of every record key: the handler's manifest name, not the function name Powertools
 * would use, so that records written in one region match requests in another.
 */
const KEY_PREFIX: HandlerName = "tickets-post";

/**
 * Without a Lambda context (the tests, a tool), an in-progress record still expires: after API
 * Gateway's 29 s, the longest any request can run.
 */
const NO_CONTEXT_IN_PROGRESS_MS = 29_000;

const KEY_IN_PROGRESS = `a request with this ${IDEMPOTENCY_KEY.header} is still in progress: retry after the Retry-After delay`;

export function idempotentCreate(
  /** Gets the key too: the ticket id is derived from it (see `ticket-id.ts`). */
  create: (input: TicketInput, idempotencyKey: string) => Promise<Ticket>,
  options: IdempotentCreateOptions,
): CreateTicketOnce {
  const windowSeconds = options.windowSeconds ?? IDEMPOTENCY_WINDOW_SECONDS;
  const config = new IdempotencyConfig({
    eventKeyJmesPath: "idempotencyKey",
    payloadValidationJmesPath: "input",
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: windowSeconds,
    // The key is client-chosen and the body client data: a collision-resistant hash, not md5.
    hashFunction: "sha256",
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
    keyAttr: IDEMPOTENCY_TABLE.hashKey,
    expiryAttr: IDEMPOTENCY_TABLE.ttlAttribute,
  });
  const windowText = windowSeconds % 3600 === 0 ? `${windowSeconds / 3600} hours` : `${windowSeconds} seconds`;

  return async (input, idempotencyKey, context) => {
    // One invocation at a time per Lambda instance, so the shared config holds this request's context.
    config.registerLambdaContext(context ?? ({ getRemainingTimeInMillis: () => NO_CONTEXT_IN_PROGRESS_MS } as Context));
    let created: Ticket | undefined;
    const createOnce = makeIdempotent(
      async (request: IdempotentRequest) => {
        created = await create(request.input, request.idempotencyKey);
        return created;
      },
      { persistenceStore, config, keyPrefix: KEY_PREFIX },
    );
    try {
      const ticket = (await createOnce({ idempotencyKey, input })) as Ticket;
      if (created === undefined)
        options.logger.info("idempotent replay: answered the key's first ticket", { ticketId: ticket.id });
      return orderedTicket(ticket);
    } catch (error) {
      const name = (error as Error).name;
      if (created !== undefined) {
        // Only the final record update can fail after the ticket was stored. The ticket exists,
        // so the truthful answer is 201; a retry inside the function's remaining time gets 409
        // (the record stays in progress until then), after it the same ticket (same id).
        options.logger.warn("ticket stored, but its idempotency record was not completed", {
          ticketId: created.id,
          errorName: name,
          cause: ((error as Error).cause as Error | undefined)?.name,
        });
        return created;
      }
      if (name === "IdempotencyValidationError") {
        throw new UnprocessableRequestError(
          `${IDEMPOTENCY_KEY.header} was already used with another body within the last ${windowText}: use a new key for a new ticket`,
        );
      }
      if (name === "IdempotencyAlreadyInProgressError") throw new ConflictError(KEY_IN_PROGRESS, RETRY_AFTER_SECONDS);
      if (name === "IdempotencyInconsistentStateError") throw new ServiceUnavailableError(KEY_IN_PROGRESS, RETRY_AFTER_SECONDS);
      // A DynamoDB failure of the persistence layer, wrapped: the cause decides 503 or 500.
      if (name === "IdempotencyPersistenceLayerError" && (error as Error).cause !== undefined) throw (error as Error).cause;
      throw error;
    }
  };
}
