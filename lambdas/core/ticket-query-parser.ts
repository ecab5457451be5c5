/**
 * `GET /ticket`'s query parameters and its page token, parsed strictly: anything else is a 400
 * naming the parameter. The token is opaque to clients and trivially decodable for us.
 */
import { InvalidInputError } from "./errors";
import type { ListTicketsQuery, TicketKey } from "./tickets";
import { NEXT_TOKEN_LIMITS, PAGE_LIMITS } from "../../contract/ticket-json-schema";

const TOKEN_PATTERN = new RegExp(NEXT_TOKEN_LIMITS.pattern);
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Query parameters of `GET /ticket`, validated strictly; anything else is a 400 naming it. */
export function parseListQuery(params: Record<string, string | undefined> | null | undefined): ListTicketsQuery {
  const limit = params?.limit === undefined ? PAGE_LIMITS.default : parseLimit(params.limit);
  const nextToken = params?.nextToken;
  return nextToken === undefined ? { limit } : { limit, startKey: decodePageToken(nextToken) };
}

function parseLimit(limit: string): number {
  // Digits only: rejects "1.5", "1e3", " 10", "0x10" that Number() would accept.
  const value = /^[0-9]{1,4}$/.test(limit) ? Number(limit) : Number.NaN;
  if (!(value >= 1 && value <= PAGE_LIMITS.max)) {
    throw new InvalidInputError(`limit must be an integer from 1 to ${PAGE_LIMITS.max}`, "limit");
  }
  return value;
}

/** base64url of the JSON key. */
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
  const id = keyIdOf(jsonOf(canonicalBytesOf(token)));
  if (id === undefined || !isStorableKeyId(id)) {
    throw new InvalidInputError("nextToken is malformed: pass the X-Next-Token of the previous page", "nextToken");
  }
  return { id };
}

/** The bytes of a canonical base64url token within the length limit, else `undefined`. */
function canonicalBytesOf(token: string): Buffer | undefined {
  if (token.length === 0 || token.length > NEXT_TOKEN_LIMITS.maxLength || !TOKEN_PATTERN.test(token)) return undefined;
  const bytes = Buffer.from(token, "base64url");
  return bytes.toString("base64url") === token ? bytes : undefined;
}

/** The JSON value of strict UTF-8 bytes, else `undefined`. */
function jsonOf(bytes: Buffer | undefined): unknown {
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(STRICT_UTF8.decode(bytes));
  } catch {
    return undefined;
  }
}

/** The `id` of a JSON object whose only key is a non-empty string `id`, else `undefined`. */
function keyIdOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  const [name, id] = entries[0] ?? [];
  return entries.length === 1 && name === "id" && typeof id === "string" && id !== "" ? id : undefined;
}

/** Well-formed (a JSON escape can smuggle in a lone surrogate, which DynamoDB refuses) and within the key limit. */
function isStorableKeyId(id: string): boolean {
  const bytes = Buffer.from(id, "utf8");
  return bytes.toString("utf8") === id && bytes.byteLength <= NEXT_TOKEN_LIMITS.maxIdBytes;
}
