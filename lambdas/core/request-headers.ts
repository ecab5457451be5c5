/** The request headers `POST /ticket` reads: its media type and its optional idempotency key. */
import type { APIGatewayProxyEvent } from "aws-lambda";
import { InvalidInputError, UnsupportedMediaTypeError } from "./errors";
import { headerValues } from "./http";
import { IDEMPOTENCY_KEY, JSON_MEDIA_TYPE } from "../../contract/ticket-json-schema";

type RequestHeaders = Pick<APIGatewayProxyEvent, "headers" | "multiValueHeaders">;

const KEY_PATTERN = new RegExp(IDEMPOTENCY_KEY.pattern);

/**
 * Refuses anything but one `Content-Type: application/json` (a `charset` parameter, if any,
 * must be utf-8). API Gateway validates bodies only for the media type the OpenAPI document
 * declares, so another type would reach the function unvalidated: the function refuses it.
 */
export function requireJsonContentType(event: RequestHeaders): void {
  const values = headerValues(event, "Content-Type");
  if (values.length !== 1) {
    throw new UnsupportedMediaTypeError(`send exactly one Content-Type: ${JSON_MEDIA_TYPE}`);
  }
  const [mediaType = "", ...parameters] = values[0]!.split(";").map((part) => part.trim());
  if (mediaType.toLowerCase() !== JSON_MEDIA_TYPE) {
    throw new UnsupportedMediaTypeError(`Content-Type must be ${JSON_MEDIA_TYPE}, got "${printable(mediaType)}"`);
  }
  for (const parameter of parameters) {
    const [name = "", value = ""] = parameter.split("=").map((part) => part.trim());
    if (name.toLowerCase() === "charset" && value.replace(/^"|"$/g, "").toLowerCase() !== "utf-8") {
      throw new UnsupportedMediaTypeError(`Content-Type charset must be utf-8, got "${printable(value)}"`);
    }
  }
}

/**
 * The `Idempotency-Key` of the request, `undefined` without one. A key that is empty, too
 * long, not visible ASCII, or sent twice is a 400 naming the header: a malformed key must
 * never silently turn a retry-safe request into an unsafe one.
 */
export function readIdempotencyKey(event: RequestHeaders): string | undefined {
  const values = headerValues(event, IDEMPOTENCY_KEY.header);
  if (values.length === 0) return undefined;
  if (values.length > 1) {
    throw new InvalidInputError(`send one ${IDEMPOTENCY_KEY.header} header, not ${values.length}`, IDEMPOTENCY_KEY.header);
  }
  const key = values[0]!;
  if (!KEY_PATTERN.test(key)) {
    throw new InvalidInputError(
      `${IDEMPOTENCY_KEY.header} must be 1 to ${IDEMPOTENCY_KEY.maxLength} visible ASCII characters (no spaces), e.g. a UUID`,
      IDEMPOTENCY_KEY.header,
    );
  }
  return key;
}

/** Client text echoed in a message: bounded, and without control characters. */
function printable(value: string): string {
  return value.slice(0, 64).replace(/[^ -~]/g, "?");
}
