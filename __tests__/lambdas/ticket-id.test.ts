/**
 * The ticket id of a keyed create: a UUIDv5 of the Idempotency-Key and the canonical body.
 */
import { validate, version } from "uuid";
import { canonicalTicketInput, derivedTicketId, newTicketId, TICKET_ID_NAMESPACE } from "../../lambdas/core/ticket-id";
import { parseTicketInput } from "../../lambdas/core/ticket-input-parser";

const KEY = "5d0f8a53-2c55-4f2e-9d0e-0c7f4b9b8a11";
const idOf = (key: string, rawBody: string) => derivedTicketId(key, parseTicketInput(rawBody));

describe("derivedTicketId", () => {
  test("is a version 5 UUID in the RFC 9562 variant", () => {
    const id = idOf(KEY, '{"description":"Flat tyre"}');

    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(5);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test("never changes for the same key and body: a retry across a deploy must find its ticket", () => {
    // Pinned: a new namespace, name layout or canonical form would be a second ticket for
    // every retry in flight during the deploy.
    expect(TICKET_ID_NAMESPACE).toBe("4118a3e5-a9ba-4462-bf93-5fd73ad5e2d1");
    expect(idOf(KEY, '{"description":"Flat tyre","priority":"low"}')).toBe(
      derivedTicketId(KEY, { description: "Flat tyre", priority: "low" }),
    );
    // UUIDv5(namespace, `<key>\n<SHA-256 hex of {"description":"Flat tyre","priority":"low"}>`).
    expect(idOf(KEY, '{"description":"Flat tyre","priority":"low"}')).toBe("67a640a1-f032-5dd6-bfca-84f02d0c88d9");
  });

  test("is the same whatever the raw body's key order and whitespace", () => {
    const compact = idOf(KEY, '{"description":"Flat tyre","assigned":"bo","priority":"low","status":"open","createdBy":"ana"}');
    const shuffled = idOf(
      KEY,
      '{\n  "createdBy": "ana",\n  "status": "open",\n  "priority": "low",\n  "assigned": "bo",\n  "description": "Flat tyre"\n}\n',
    );
    const escaped = idOf(
      KEY,
      '{"status":"open","description":"Flat \\u0074yre","createdBy":"ana","priority":"low","assigned":"bo"}',
    );

    expect(shuffled).toBe(compact);
    expect(escaped).toBe(compact);
  });

  test.each([
    ["another key", [KEY, '{"description":"Flat tyre"}'], [`${KEY}x`, '{"description":"Flat tyre"}']],
    ["another description", [KEY, '{"description":"Flat tyre"}'], [KEY, '{"description":"Flat tyre!"}']],
    ["one more field", [KEY, '{"description":"Flat tyre"}'], [KEY, '{"description":"Flat tyre","status":"open"}']],
    ["an empty field instead of none", [KEY, '{"description":"Flat tyre"}'], [KEY, '{"description":"Flat tyre","status":""}']],
    [
      "the same value in another field",
      [KEY, '{"description":"Flat tyre","status":"open"}'],
      [KEY, '{"description":"Flat tyre","assigned":"open"}'],
    ],
  ] as const)("differs for %s", (_name, [key, rawBody], [otherKey, otherBody]) => {
    expect(idOf(otherKey, otherBody)).not.toBe(idOf(key, rawBody));
  });
});

describe("canonicalTicketInput", () => {
  test("is compact JSON with the fields in the one ticket order, absent ones left out", () => {
    expect(canonicalTicketInput({ status: "open", description: "x", createdBy: "ana" })).toBe(
      '{"description":"x","status":"open","createdBy":"ana"}',
    );
  });
});

describe("newTicketId", () => {
  test("without a key: a random v4 id each time; with one: the derived v5 id", () => {
    const input = { description: "Flat tyre" };
    const [first, second] = [newTicketId(input, undefined), newTicketId(input, undefined)];

    expect(version(first)).toBe(4);
    expect(second).not.toBe(first);
    expect(newTicketId(input, KEY)).toBe(derivedTicketId(KEY, input));
  });
});
