/**
 * Ticket ids. Without an `Idempotency-Key` every ticket gets a random UUIDv4. With one, the id
 * is derived from the key and the body, so the same request gets the same id in every region
 * and at any time: a retry that reaches a region where the key's idempotency record has not
 * replicated yet (or after the record expired) finds its ticket by id instead of storing a
 * second one.
 */
import { createHash, randomUUID } from "node:crypto";
import { v5 as uuidV5 } from "uuid";
import { OPTIONAL_TICKET_FIELDS, type TicketInput } from "../../contract/ticket-json-schema";

/**
 * Namespace of the derived ids (RFC 9562 name-based UUIDs), chosen once at random. Never change
 * it: a retry sent across a deploy that changed it would get another id, hence a second ticket.
 */
export const TICKET_ID_NAMESPACE = "4118a3e5-a9ba-4462-bf93-5fd73ad5e2d1";

/** The input fields in one fixed order: the canonical body is the same bytes for the same fields. */
const INPUT_FIELD_ORDER = ["description", ...OPTIONAL_TICKET_FIELDS] as const;

/**
 * The parsed, validated input as compact JSON with its fields in `INPUT_FIELD_ORDER`: the raw
 * body's key order and whitespace do not change it (absent optional fields stay absent).
 */
export function canonicalTicketInput(input: TicketInput): string {
  const ordered: Record<string, string> = {};
  for (const field of INPUT_FIELD_ORDER) if (input[field] !== undefined) ordered[field] = input[field];
  return JSON.stringify(ordered);
}

/**
 * The id of the ticket that a request with `idempotencyKey` and `input` creates: UUIDv5 over
 * `<key>\n<SHA-256 hex of the canonical body>` (a key is visible ASCII, so it never contains the
 * newline, and the hash has a fixed length: the name is unambiguous). Another body under the
 * same key is another id, so it can never overwrite the first ticket. A v5 id never equals a
 * random v4 id (the version digit differs), so keyed and unkeyed tickets cannot collide either.
 */
export function derivedTicketId(idempotencyKey: string, input: TicketInput): string {
  const bodyHash = createHash("sha256").update(canonicalTicketInput(input), "utf8").digest("hex");
  return uuidV5(`${idempotencyKey}\n${bodyHash}`, TICKET_ID_NAMESPACE);
}

/** The id of a new ticket: derived with an `Idempotency-Key`, random without. */
export function newTicketId(input: TicketInput, idempotencyKey: string | undefined): string {
  return idempotencyKey === undefined ? randomUUID() : derivedTicketId(idempotencyKey, input);
}
