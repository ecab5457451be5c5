// zod/mini with named imports: the classic API bundles to ~380 KB, this to ~15 KB.
import { maxLength, minLength, optional, regex, strictObject, string } from "zod/mini";
import { InvalidInputError, PayloadTooLargeError } from "./errors";
import {
  OPTIONAL_TICKET_FIELDS,
  SERVER_ASSIGNED_FIELDS,
  TICKET_LIMITS,
  type OptionalTicketField,
  type TicketInput,
} from "../../contract/ticket-json-schema";

const optionalField = optional(string().check(maxLength(TICKET_LIMITS.optionalFieldMaxLength)));

/**
 * The function-side twin of `TICKET_INPUT_JSON_SCHEMA` (a test feeds both the same bodies).
 * One known gap: JSON schema counts code points and zod UTF-16 units, so text full of emoji
 * can pass the gateway and get the function's 400; the function is the stricter of the two.
 */
export const ticketInputSchema = strictObject({
  description: string().check(minLength(1), maxLength(TICKET_LIMITS.descriptionMaxLength), regex(/\S/)),
  ...(Object.fromEntries(OPTIONAL_TICKET_FIELDS.map((field) => [field, optionalField])) as Record<
    OptionalTicketField,
    typeof optionalField
  >),
});

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });
const REPLACEMENT_CHARACTER = "\uFFFD";

const KNOWN_FIELDS: ReadonlySet<string> = new Set(["description", ...OPTIONAL_TICKET_FIELDS]);
const SERVER_ASSIGNED: ReadonlySet<string> = new Set(SERVER_ASSIGNED_FIELDS);

/**
 * Turns a proxy event body into a valid ticket input, or throws an error whose message names
 * the offending field. Each step trusts the one before: size is checked first, on bytes, so
 * nothing large is ever parsed; unknown fields before the schema, so a client-sent id gets the
 * message that explains why.
 */
export function parseTicketInput(body: string | null | undefined, isBase64Encoded = false): TicketInput {
  const fields = parseJsonObject(decodeBody(body, isBase64Encoded));
  refuseUnknownFields(fields);
  return validateFields(fields);
}

/** The body's text: present, within the size limit, valid UTF-8. */
function decodeBody(body: string | null | undefined, isBase64Encoded: boolean): string {
  if (body === null || body === undefined || body === "") {
    throw new InvalidInputError("body is required: send a JSON object with a description", "body");
  }
  const bytes = Buffer.from(body, isBase64Encoded ? "base64" : "utf8");
  if (bytes.byteLength > TICKET_LIMITS.maxBodyBytes) {
    throw new PayloadTooLargeError(`body is larger than ${TICKET_LIMITS.maxBodyBytes} bytes`);
  }
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    throw new InvalidInputError("body is not valid UTF-8", "body");
  }
  // Bytes that were not UTF-8 become U+FFFD wherever something decoded them leniently on the
  // way (a proxy, a client library, a lone surrogate in the event's string). Storing that
  // would silently change the user's text, so a raw U+FFFD is refused; a deliberate one can
  // still be sent as the JSON escape \uFFFD.
  if (text.includes(REPLACEMENT_CHARACTER)) {
    throw new InvalidInputError(
      "body contains U+FFFD, the mark of bytes that were not valid UTF-8: send valid UTF-8 (escape a deliberate U+FFFD as \\uFFFD)",
      "body",
    );
  }
  return text;
}

function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInputError("body is not valid JSON", "body");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InvalidInputError("body must be a JSON object", "body");
  }
  return parsed as Record<string, unknown>;
}

function refuseUnknownFields(fields: Record<string, unknown>): void {
  for (const field of Object.keys(fields)) {
    if (SERVER_ASSIGNED.has(field)) {
      throw new InvalidInputError(`${field} is assigned by the server and must not be sent`, field);
    }
    if (!KNOWN_FIELDS.has(field)) {
      throw new InvalidInputError(`${field} is not a ticket field`, field);
    }
  }
}

/** The schema's verdict; the first issue becomes the message, naming its field. */
function validateFields(fields: Record<string, unknown>): TicketInput {
  const result = ticketInputSchema.safeParse(fields);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? "body");
    throw new InvalidInputError(describeIssue(field, fields[field], issue?.code), field);
  }
  return dropUndefined(result.data);
}

function describeIssue(field: string, value: unknown, code: string | undefined): string {
  if (value === undefined) return `${field} is required`;
  if (typeof value !== "string") return `${field} must be a string`;
  const maxLength = field === "description" ? TICKET_LIMITS.descriptionMaxLength : TICKET_LIMITS.optionalFieldMaxLength;
  if (code === "too_big") return `${field} must be at most ${maxLength} characters`;
  if (code === "too_small" || code === "invalid_format") return `${field} must not be empty or blank`;
  return `${field} is invalid`;
}

function dropUndefined(input: TicketInput): TicketInput {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as TicketInput;
}
