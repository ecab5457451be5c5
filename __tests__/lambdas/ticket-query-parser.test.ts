/** `GET /ticket`'s query parameters and page tokens: pure functions, no AWS. */
import { decodePageToken, encodePageToken, parseListQuery } from "../../lambdas/core/ticket-query-parser";

const FIXED_ID = "11111111-2222-4333-8444-555555555555";

describe("parseListQuery", () => {
  test.each([
    [null, 100],
    [{}, 100],
    [{ limit: "1" }, 1],
    [{ limit: "1000" }, 1000],
    [{ limit: "0042" }, 42],
    [{ other: "ignored" }, 100],
  ])("%p -> limit %p", (params, limit) => {
    expect(parseListQuery(params)).toEqual({ limit });
  });

  test.each(["0", "1001", "abc", "1.5", "1e2", " 5", "0x10", "", "-3", "99999"])(
    "limit=%p is an InvalidInputError on limit",
    (limit) => {
      expect(() => parseListQuery({ limit })).toThrow(expect.objectContaining({ name: "InvalidInputError", field: "limit" }));
    },
  );
});

describe("page tokens", () => {
  test("round-trip any id, including non-ASCII, up to DynamoDB's 2,048 bytes", () => {
    for (const id of ["a", FIXED_ID, "ünï-✓", "x".repeat(500), "x".repeat(2048), "€".repeat(682)]) {
      const token = encodePageToken({ id });
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodePageToken(token)).toEqual({ id });
    }
  });

  test.each([
    ["padding", `${encodePageToken({ id: "ab" })}=`],
    ["standard base64 characters", Buffer.from('{"id":"??>"}').toString("base64")],
    ["non-canonical base64url", "eyJpZCI6ImEifR"],
    ["JSON array", Buffer.from('["x"]').toString("base64url")],
    ["empty id", Buffer.from('{"id":""}').toString("base64url")],
    ["numeric id", Buffer.from('{"id":7}').toString("base64url")],
    ["extra attribute", Buffer.from('{"id":"a","x":1}').toString("base64url")],
    ["other key", Buffer.from('{"pk":"a"}').toString("base64url")],
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0x7d]).toString("base64url")],
    ["too long", "A".repeat(5000)],
    ["one character over the length limit", "A".repeat(4097)],
    ["an id over 2,048 UTF-8 bytes", encodePageToken({ id: "€".repeat(683) })],
    ["a lone surrogate in the id (JSON escape)", Buffer.from('{"id":"a\\ud800"}').toString("base64url")],
  ])("%s is rejected", (_name, token) => {
    expect(() => decodePageToken(token)).toThrow(expect.objectContaining({ name: "InvalidInputError", field: "nextToken" }));
  });
});
