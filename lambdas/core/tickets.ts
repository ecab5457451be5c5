import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "./dynamo";
import { ConflictError } from "./errors";
import type { CoreLogger } from "./logger";
import { OPTIONAL_TICKET_FIELDS, type Ticket, type TicketInput } from "../../contract/ticket-json-schema";

export interface TicketTable {
  documentClient: DocumentClient;
  tableName: string;
}

export interface CreateTicketDependencies extends TicketTable {
  clock: () => Date;
  /**
   * The new ticket's id: random (never time-based: two posts in one millisecond, or in two
   * regions, must not collide), or derived from the request's `Idempotency-Key` and body.
   */
  newId: () => string;
  logger: CoreLogger;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the workshop's `createdOn` format. */
export function formatCreatedOn(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** A ticket's fields in one fixed order, so the same ticket is always the same JSON bytes. */
const TICKET_FIELD_ORDER = ["id", "description", ...OPTIONAL_TICKET_FIELDS, "createdOn"] as const;

/**
 * The ticket with its fields in `TICKET_FIELD_ORDER`: items read back from DynamoDB (a page,
 * an idempotent replay) come in any order, and a replay must answer the first body exactly.
 */
export function orderedTicket(ticket: Ticket): Ticket {
  const ordered: Record<string, unknown> = {};
  for (const field of TICKET_FIELD_ORDER) if (ticket[field] !== undefined) ordered[field] = ticket[field];
  return ordered as unknown as Ticket;
}

/**
 * Stores a new ticket with server-assigned `id` and `createdOn`. The write is conditional so
 * that an id collision can never overwrite an existing ticket. When the condition fails on a
 * ticket with exactly this request's fields, that ticket is this request's: the id is derived
 * from the `Idempotency-Key` and the body (see `ticket-id.ts`), so it was stored by another
 * region, by an earlier attempt of the same write (the SDK retries a write whose answer timed
 * out), or before the key's idempotency record expired. That is a success, and the answer is
 * the stored ticket with its own `createdOn`. Other fields under the same id are a conflict.
 */
export async function createTicket(input: TicketInput, deps: CreateTicketDependencies): Promise<Ticket> {
  const ticket = orderedTicket({ ...input, id: deps.newId(), createdOn: formatCreatedOn(deps.clock()) });
  try {
    await deps.documentClient.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: ticket,
        ConditionExpression: "attribute_not_exists(id)",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
    const stored = storedTicketOf((error as { Item?: Record<string, unknown> }).Item, ticket);
    if (stored === undefined) throw new ConflictError("a ticket with this id already exists");
    deps.logger.info("ticket already stored by this request (another region or an earlier attempt): answered it", {
      ticketId: stored.id,
      createdOn: stored.createdOn,
    });
    return stored;
  }
  deps.logger.info("ticket created", { ticketId: ticket.id });
  return ticket;
}

/**
 * The conditional check's old item (raw attribute values: the document client does not
 * translate errors) as a ticket, when it has exactly `ticket`'s fields, every one a string
 * equal to `ticket`'s but `createdOn`; otherwise `undefined`. No extra read (and no GetItem
 * permission) is needed: `ReturnValuesOnConditionCheckFailure: ALL_OLD` brings the item.
 */
function storedTicketOf(item: Record<string, unknown> | undefined, ticket: Ticket): Ticket | undefined {
  if (item === undefined) return undefined;
  const fields = Object.keys(ticket) as (keyof Ticket)[];
  const stored: Record<string, string> = {};
  for (const field of fields) {
    const value = (item[field] as { S?: unknown } | undefined)?.S;
    if (typeof value !== "string" || (field !== "createdOn" && value !== ticket[field])) return undefined;
    stored[field] = value;
  }
  return Object.keys(item).length === fields.length ? orderedTicket(stored as unknown as Ticket) : undefined;
}

export interface ListTicketsQuery {
  limit: number;
  /** The table key to continue after; absent for the first page. */
  startKey?: TicketKey;
}

export interface TicketKey {
  id: string;
}

export interface TicketPage {
  tickets: Ticket[];
  /** The key to continue after (`ListTicketsQuery.startKey` of the next page); absent on the last page. */
  lastKey?: TicketKey;
}

/**
 * One bounded `Scan` per call. DynamoDB may return fewer than `limit` items together with a
 * LastEvaluatedKey (1 MB page cap, filtered items); the next page simply continues from there.
 */
export async function listTickets(query: ListTicketsQuery, deps: TicketTable): Promise<TicketPage> {
  const output = await deps.documentClient.send(
    new ScanCommand({ TableName: deps.tableName, Limit: query.limit, ExclusiveStartKey: query.startKey }),
  );
  const tickets = ((output.Items ?? []) as Ticket[]).map(orderedTicket);
  const lastKey = output.LastEvaluatedKey;
  return lastKey === undefined ? { tickets } : { tickets, lastKey: toTicketKey(lastKey) };
}

function toTicketKey(key: Record<string, unknown>): TicketKey {
  if (typeof key.id !== "string") throw new Error("LastEvaluatedKey has no string id");
  return { id: key.id };
}
