import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "./dynamo";
import { ConflictError, InvalidInputError } from "./errors";
import type { CoreLogger } from "./logger";
import {
  NEXT_TOKEN_LIMITS,
  OPTIONAL_TICKET_FIELDS,
  PAGE_LIMITS,
  type Ticket,
  type TicketInput,
} from "../../contract/ticket-json-schema";

export { PAGE_LIMITS };

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
  /** Opaque token of the next page; absent on the last page. */
  nextToken?: string;
}

/**
 * One bounded `Scan` per call. DynamoDB may return fewer than `limit` items together with a
 * LastEvaluatedKey (1 MB page cap, filtered items); the token simply continues from there.
 */
export async function listTickets(query: ListTicketsQuery, deps: TicketTable): Promise<TicketPage> {
  const output = await deps.documentClient.send(
    new ScanCommand({ TableName: deps.tableName, Limit: query.limit, ExclusiveStartKey: query.startKey }),
  );
  const tickets = ((output.Items ?? []) as Ticket[]).map(orderedTicket);
  const lastKey = output.LastEvaluatedKey;
  return lastKey === undefined ? { tickets } : { tickets, nextToken: encodePageToken(toTicketKey(lastKey)) };
}

function toTicketKey(key: Record<string, unknown>): TicketKey {
  if (typeof key.id !== "string") throw new Error("LastEvaluatedKey has no string id");
  return { id: key.id };
}

/** Query parameters of `GET /ticket`, validated strictly; anything else is a 400 naming it. */
export function parseListQuery(params: Record<string, string | undefined> | null | undefined): ListTicketsQuery {
  const query: ListTicketsQuery = { limit: PAGE_LIMITS.default };
  const limit = params?.limit;
  if (limit !== undefined) {
    // Digits only: rejects "1.5", "1e3", " 10", "0x10" that Number() would accept.
    const value = /^[0-9]{1,4}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(value >= 1 && value <= PAGE_LIMITS.max)) {
      throw new InvalidInputError(`limit must be an integer from 1 to ${PAGE_LIMITS.max}`, "limit");
    }
    query.limit = value;
  }
  const nextToken = params?.nextToken;
  if (nextToken !== undefined) query.startKey = decodePageToken(nextToken);
  return query;
}

const TOKEN_PATTERN = new RegExp(NEXT_TOKEN_LIMITS.pattern);

/** base64url of the JSON key: opaque to clients, trivially decodable for us. */
export function encodePageToken(key: TicketKey): string {
  return Buffer.from(JSON.stringify({ id: key.id }), "utf8").toString("base64url");
}

/**
 * Accepts only what `encodePageToken` produces: canonical base64url of a JSON object whose
 * only key is a string `id` of 1 to 2,048 UTF-8 bytes (DynamoDB's limit for a key; a longer or
 * ill-formed one would reach the Scan and fail there as a 500). A forged key with other
 * attributes never reaches the Scan as ExclusiveStartKey.
 */
export function decodePageToken(token: string): TicketKey {
  const malformed = () =>
    new InvalidInputError("nextToken is malformed: pass the X-Next-Token of the previous page", "nextToken");
  if (token.length === 0 || token.length > NEXT_TOKEN_LIMITS.maxLength || !TOKEN_PATTERN.test(token)) throw malformed();
  const bytes = Buffer.from(token, "base64url");
  if (bytes.toString("base64url") !== token) throw malformed();
  let key: unknown;
  try {
    key = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw malformed();
  }
  if (typeof key !== "object" || key === null || Array.isArray(key)) throw malformed();
  const entries = Object.entries(key);
  const id = entries[0]?.[1];
  if (entries.length !== 1 || entries[0]?.[0] !== "id" || typeof id !== "string" || id === "") throw malformed();
  // Well-formed (a JSON escape can smuggle in a lone surrogate, which DynamoDB refuses) and within the key limit.
  const idBytes = Buffer.from(id, "utf8");
  if (idBytes.toString("utf8") !== id || idBytes.byteLength > NEXT_TOKEN_LIMITS.maxIdBytes) throw malformed();
  return { id };
}
