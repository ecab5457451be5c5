import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "./dynamo";
import { ConflictError, InvalidInputError } from "./errors";
import type { CoreLogger } from "./logger";
import { PAGE_LIMITS, type Ticket, type TicketInput } from "../../contract/ticket-json-schema";

export { PAGE_LIMITS };

export interface TicketTable {
  documentClient: DocumentClient;
  tableName: string;
}

export interface CreateTicketDependencies extends TicketTable {
  clock: () => Date;
  /** Random, never time-based: two posts in one millisecond (or two regions) must not collide. */
  newId: () => string;
  logger: CoreLogger;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the workshop's `createdOn` format. */
export function formatCreatedOn(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/**
 * Stores a new ticket with server-assigned `id` and `createdOn`. The write is conditional so
 * that an id collision can never overwrite an existing ticket.
 */
export async function createTicket(input: TicketInput, deps: CreateTicketDependencies): Promise<Ticket> {
  const ticket: Ticket = { ...input, id: deps.newId(), createdOn: formatCreatedOn(deps.clock()) };
  try {
    await deps.documentClient.send(
      new PutCommand({ TableName: deps.tableName, Item: ticket, ConditionExpression: "attribute_not_exists(id)" }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === "ConditionalCheckFailedException") {
      throw new ConflictError("a ticket with this id already exists");
    }
    throw error;
  }
  deps.logger.info("ticket created", { ticketId: ticket.id });
  return ticket;
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
  const tickets = (output.Items ?? []) as Ticket[];
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

const MAX_TOKEN_LENGTH = 4096;

/** base64url of the JSON key: opaque to clients, trivially decodable for us. */
export function encodePageToken(key: TicketKey): string {
  return Buffer.from(JSON.stringify({ id: key.id }), "utf8").toString("base64url");
}

/**
 * Accepts only what `encodePageToken` produces: canonical base64url of a JSON object whose
 * only key is a non-empty string `id`. A forged key with other attributes never reaches the
 * Scan as ExclusiveStartKey.
 */
export function decodePageToken(token: string): TicketKey {
  const malformed = () => new InvalidInputError("nextToken is malformed: pass the X-Next-Token of the previous page", "nextToken");
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw malformed();
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
  if (entries.length !== 1 || entries[0]?.[0] !== "id" || typeof entries[0][1] !== "string" || entries[0][1] === "") {
    throw malformed();
  }
  return { id: entries[0][1] };
}
