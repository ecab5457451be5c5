/**
 * The ticket input contract as plain data: the limits, the field names and the JSON schema
 * API Gateway validates POST bodies with. No dependencies, so the OpenAPI document (built at
 * synth time) and the zod schema (run in the function) share one set of numbers.
 */

const DESCRIPTION_MAX_LENGTH = 4000;
const OPTIONAL_FIELD_MAX_LENGTH = 256;

/** Optional client-supplied fields of the UI's ticket contract. */
export const OPTIONAL_TICKET_FIELDS = ["assigned", "priority", "status", "createdBy"] as const;
export type OptionalTicketField = (typeof OPTIONAL_TICKET_FIELDS)[number];

/** Room for insignificant whitespace (pretty-printing adds well under 100 bytes). */
const WHITESPACE_ALLOWANCE_BYTES = 1024;

/**
 * The longest compact JSON text of a ticket input the schema admits: every field present at
 * its maximum length, and every UTF-16 unit of every name and value written as a 6-byte
 * `\uXXXX` escape (raw UTF-8 needs at most 3 bytes per unit, 4 per surrogate pair).
 */
export function worstCaseTicketBodyBytes(): number {
  const jsonString = (units: number) => 6 * units + 2;
  const fields: [string, number][] = [
    ["description", DESCRIPTION_MAX_LENGTH],
    ...OPTIONAL_TICKET_FIELDS.map((field): [string, number] => [field, OPTIONAL_FIELD_MAX_LENGTH]),
  ];
  const members = fields.map(([name, maxLength]) => jsonString(name.length) + 1 + jsonString(maxLength));
  return 2 + members.reduce((sum, bytes) => sum + bytes, 0) + (members.length - 1);
}

export const TICKET_LIMITS = {
  descriptionMaxLength: DESCRIPTION_MAX_LENGTH,
  optionalFieldMaxLength: OPTIONAL_FIELD_MAX_LENGTH,
  /**
   * Bytes of the request body as received (after base64 decoding): the worst case above plus
   * room for whitespace, rounded up to a KiB, so the cap never refuses a body the schema
   * admits: 31,744 bytes, for a worst case of 30,427.
   */
  maxBodyBytes: Math.ceil((worstCaseTicketBodyBytes() + WHITESPACE_ALLOWANCE_BYTES) / 1024) * 1024,
} as const;

/** `GET /ticket?limit=`: default and maximum page size. */
export const PAGE_LIMITS = { default: 100, max: 1000 } as const;

/**
 * `GET /ticket?nextToken=`: what the function accepts, besides being a token it issued
 * (canonical base64url of `{"id": ...}`). An id is a DynamoDB key, at most 2,048 bytes.
 */
export const NEXT_TOKEN_LIMITS = { maxLength: 4096, pattern: "^[A-Za-z0-9_-]+$", maxIdBytes: 2048 } as const;

/**
 * `POST /ticket` header that makes a create safe to retry. Header names are case-insensitive;
 * the value is 1 to 128 visible ASCII characters (a UUID is a good key).
 */
export const IDEMPOTENCY_KEY = { header: "Idempotency-Key", maxLength: 128, pattern: "^[!-~]{1,128}$" } as const;

/** The one request media type of `POST /ticket` (parameters allowed: `charset=utf-8`). */
export const JSON_MEDIA_TYPE = "application/json";

/** Fields only the server assigns: a client-sent value is rejected, never stored. */
export const SERVER_ASSIGNED_FIELDS = ["id", "createdOn"] as const;

/**
 * Unknown fields are rejected (`additionalProperties: false`) rather than dropped: `id` and
 * `createdOn` are server-assigned, and a silently ignored typo (`asigned`) would lose data.
 * The description must contain a non-whitespace character and is stored as sent (no trim):
 * the API does not rewrite user text, and the limits apply to exactly what was sent, so the
 * gateway validator and the function agree byte for byte.
 */
export const TICKET_INPUT_JSON_SCHEMA = {
  type: "object",
  description:
    "A new ticket. id and createdOn are assigned by the server; unknown fields (including id and createdOn) are rejected.",
  required: ["description"],
  additionalProperties: false,
  properties: {
    description: {
      type: "string",
      minLength: 1,
      maxLength: TICKET_LIMITS.descriptionMaxLength,
      pattern: "\\S",
      description: "Stored as sent; must contain a non-whitespace character",
    },
    ...(Object.fromEntries(
      OPTIONAL_TICKET_FIELDS.map((field) => [field, { type: "string", maxLength: TICKET_LIMITS.optionalFieldMaxLength }]),
    ) as Record<OptionalTicketField, { readonly type: "string"; readonly maxLength: number }>),
  },
} as const;

/** A stored ticket: the UI's contract. Optional fields are absent when the client omitted them. */
export interface Ticket {
  id: string;
  description: string;
  assigned?: string;
  priority?: string;
  status?: string;
  createdBy?: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC: the workshop's format. */
  createdOn: string;
}

export type TicketInput = Pick<Ticket, "description" | OptionalTicketField>;
