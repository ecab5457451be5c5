/** The headers POST /ticket reads, without AWS: media type (415) and Idempotency-Key (400). */
import type { APIGatewayProxyEvent } from "aws-lambda";
import { InvalidInputError, UnsupportedMediaTypeError } from "../../lambdas/core/errors";
import { headerValues } from "../../lambdas/core/http";
import { readIdempotencyKey, requireJsonContentType } from "../../lambdas/core/request-headers";

type Headers = Pick<APIGatewayProxyEvent, "headers" | "multiValueHeaders">;

/** Headers as API Gateway (REST) passes them: names in the client's case, every value in multiValueHeaders. */
function received(...pairs: [string, string][]): Headers {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

describe("headerValues", () => {
  test("finds a header whatever the case of its name", () => {
    expect(headerValues(received(["IDEMPOTENCY-KEY", "k"]), "Idempotency-Key")).toEqual(["k"]);
    expect(headerValues(received(["idempotency-key", "k"]), "Idempotency-Key")).toEqual(["k"]);
  });

  test("returns every value of a repeated header, and of names differing only in case", () => {
    expect(headerValues(received(["Idempotency-Key", "a"], ["Idempotency-Key", "b"]), "idempotency-key")).toEqual(["a", "b"]);
    expect(headerValues(received(["Idempotency-Key", "a"], ["idempotency-key", "b"]), "Idempotency-Key")).toEqual(["a", "b"]);
  });

  test("falls back to headers when multiValueHeaders is absent (a hand-made event)", () => {
    expect(headerValues({ headers: { "content-type": "application/json" }, multiValueHeaders: {} }, "Content-Type")).toEqual([
      "application/json",
    ]);
    expect(headerValues({ headers: {}, multiValueHeaders: {} }, "Content-Type")).toEqual([]);
  });
});

describe("requireJsonContentType", () => {
  test.each([
    "application/json",
    "Application/JSON",
    "application/json; charset=utf-8",
    "application/json;charset=UTF-8",
    'application/json; charset="utf-8"',
  ])("accepts %p", (value) => {
    expect(() => requireJsonContentType(received(["Content-Type", value]))).not.toThrow();
  });

  test("accepts the header under any case of its name", () => {
    expect(() => requireJsonContentType(received(["content-type", "application/json"]))).not.toThrow();
    expect(() => requireJsonContentType(received(["CONTENT-TYPE", "application/json"]))).not.toThrow();
  });

  test.each([
    ["text/plain", "text/plain"],
    ["text/plain;charset=UTF-8 (fetch's default for a string body)", "text/plain;charset=UTF-8"],
    ["form encoding (curl -d)", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
    ["another JSON-like type", "application/vnd.api+json"],
    ["a prefix of the type", "application/jsonx"],
    ["JSON in another charset", "application/json; charset=iso-8859-1"],
    ["empty", ""],
  ])("refuses %s with a 415 naming application/json", (_name, value) => {
    expect(() => requireJsonContentType(received(["Content-Type", value]))).toThrow(UnsupportedMediaTypeError);
    expect(() => requireJsonContentType(received(["Content-Type", value]))).toThrow(/application\/json|utf-8/);
  });

  test("refuses a missing Content-Type, and two of them", () => {
    expect(() => requireJsonContentType(received())).toThrow(
      new UnsupportedMediaTypeError("send exactly one Content-Type: application/json"),
    );
    expect(() => requireJsonContentType(received(["Content-Type", "application/json"], ["content-type", "text/plain"]))).toThrow(
      UnsupportedMediaTypeError,
    );
  });

  test("a 415 status, and the client's value echoed only in printable, bounded form", () => {
    let thrown: UnsupportedMediaTypeError | undefined;
    try {
      requireJsonContentType(received(["Content-Type", `text/${"x".repeat(100)}\u0007`]));
    } catch (error) {
      thrown = error as UnsupportedMediaTypeError;
    }
    expect(thrown?.statusCode).toBe(415);
    expect(thrown?.message).not.toContain("\u0007");
    expect(thrown!.message.length).toBeLessThan(140);
  });
});

describe("readIdempotencyKey", () => {
  test("is undefined without the header: the create behaves as without idempotency", () => {
    expect(readIdempotencyKey(received(["Content-Type", "application/json"]))).toBeUndefined();
  });

  test.each([
    ["a UUID", "9b2f5c1e-3f4a-4e8b-9c1d-2a7e6f5b4c3d"],
    ["one character", "k"],
    ["128 characters", "k".repeat(128)],
    ["every visible ASCII character", "!\"#$%&'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~"],
  ])("returns %s as sent", (_name, key) => {
    expect(readIdempotencyKey(received(["Idempotency-Key", key]))).toBe(key);
  });

  test("reads the header under any case of its name", () => {
    expect(readIdempotencyKey(received(["idempotency-key", "abc"]))).toBe("abc");
    expect(readIdempotencyKey(received(["IDEMPOTENCY-KEY", "abc"]))).toBe("abc");
  });

  test.each([
    ["empty", ""],
    ["129 characters", "k".repeat(129)],
    ["a space inside", "two words"],
    ["non-ASCII", "clé"],
    ["a control character", "key\u0001"],
    ["a tab", "key\tx"],
  ])("refuses %s with a 400 naming Idempotency-Key", (_name, key) => {
    expect(() => readIdempotencyKey(received(["Idempotency-Key", key]))).toThrow(
      expect.objectContaining({ name: "InvalidInputError", field: "Idempotency-Key", statusCode: 400 }),
    );
  });

  test("refuses two keys, repeated or differing only in the case of the name", () => {
    for (const headers of [
      received(["Idempotency-Key", "a"], ["Idempotency-Key", "a"]),
      received(["Idempotency-Key", "a"], ["idempotency-key", "b"]),
    ]) {
      expect(() => readIdempotencyKey(headers)).toThrow(InvalidInputError);
      expect(() => readIdempotencyKey(headers)).toThrow("send one Idempotency-Key header, not 2");
    }
  });
});
