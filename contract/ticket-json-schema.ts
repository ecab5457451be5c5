/**
 * The ticket input contract as plain data: the limits, the field names and the JSON schema
 * API Gateway validates POST bodies with. No dependencies, so the OpenAPI document (built at
 * synth time) and the zod schema (run in the function) share one set of numbers.
 */

export const TICKET_LIMITS = {
  descriptionMaxLength: 4000,
  optionalFieldMaxLength: 256,
  /** Measured in bytes of the request body as received (after base64 decoding). */
  maxBodyBytes: 16_384,
} as const;

/** `GET /ticket?limit=`: default and maximum page size. */
export const PAGE_LIMITS = { default: 100, max: 1000 } as const;

/** Optional client-supplied fields of the UI's ticket contract. */
export const OPTIONAL_TICKET_FIELDS = ["assigned", "priority", "status", "createdBy"] as const;
export type OptionalTicketField = (typeof OPTIONAL_TICKET_FIELDS)[number];

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
