/** POST body validation, without AWS: what is accepted, what is refused and how it is named. */
import { InvalidInputError, PayloadTooLargeError } from "../../lambdas/core/errors";
import { TICKET_LIMITS } from "../../contract/ticket-json-schema";
import { parseTicketInput } from "../../lambdas/core/ticket-input-parser";
import { BAD_BODIES } from "./helpers";

describe("parseTicketInput accepts", () => {
  test("a description alone, returned without absent optional fields", () => {
    expect(parseTicketInput('{"description":"Lost bike"}')).toEqual({ description: "Lost bike" });
  });

  test("every field at its maximum length", () => {
    const input = {
      description: "d".repeat(TICKET_LIMITS.descriptionMaxLength),
      assigned: "a".repeat(256),
      priority: "p".repeat(256),
      status: "s".repeat(256),
      createdBy: "c".repeat(256),
    };
    expect(parseTicketInput(JSON.stringify(input))).toEqual(input);
  });

  test("empty optional strings, and the description exactly as sent (no trimming)", () => {
    expect(parseTicketInput('{"description":"  padded  ","assigned":""}')).toEqual({ description: "  padded  ", assigned: "" });
  });

  test("a body of exactly the cap (TICKET_LIMITS.maxBodyBytes), refusing one byte more", () => {
    const json = '{"description":"x"}';
    const exact = json + " ".repeat(TICKET_LIMITS.maxBodyBytes - json.length);
    expect(parseTicketInput(exact)).toEqual({ description: "x" });
    expect(() => parseTicketInput(`${exact} `)).toThrow(PayloadTooLargeError);
  });

  test("a deliberate U+FFFD sent as the JSON escape \\uFFFD (a raw one is refused)", () => {
    expect(parseTicketInput('{"description":"\\uFFFD marks a lost character"}')).toEqual({
      description: "\uFFFD marks a lost character",
    });
  });

  test("a body with a leading byte order mark", () => {
    expect(parseTicketInput(Buffer.from('\uFEFF{"description":"x"}').toString("base64"), true)).toEqual({ description: "x" });
  });

  test("a base64-encoded body, measured after decoding", () => {
    const json = '{"description":"x"}';
    const exact = Buffer.from(json + " ".repeat(TICKET_LIMITS.maxBodyBytes - json.length)).toString("base64");
    expect(exact.length).toBeGreaterThan(TICKET_LIMITS.maxBodyBytes);
    expect(parseTicketInput(exact, true)).toEqual({ description: "x" });
  });
});

describe("parseTicketInput refuses", () => {
  test.each(BAD_BODIES)("$name, naming $field", ({ body, status, field, base64 }) => {
    let thrown: unknown;
    try {
      parseTicketInput(body, base64 ?? false);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(status === 413 ? PayloadTooLargeError : InvalidInputError);
    expect((thrown as Error).message).toContain(field);
  });

  test("messages say what is wrong", () => {
    const message = (body: string) => {
      try {
        parseTicketInput(body);
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(message("{}")).toBe("description is required");
    expect(message('{"description":7}')).toBe("description must be a string");
    expect(message('{"description":" "}')).toBe("description must not be empty or blank");
    expect(message(JSON.stringify({ description: "x".repeat(4001) }))).toBe("description must be at most 4000 characters");
    expect(message(JSON.stringify({ description: "x", status: "s".repeat(257) }))).toBe("status must be at most 256 characters");
    expect(message('{"description":"x","id":"y"}')).toBe("id is assigned by the server and must not be sent");
    expect(message('{"description":"x","colour":"red"}')).toBe("colour is not a ticket field");
    expect(message('{"description":"caf\uFFFD"}')).toBe(
      "body contains U+FFFD, the mark of bytes that were not valid UTF-8: send valid UTF-8 (escape a deliberate U+FFFD as \\uFFFD)",
    );
    expect(message('{"description":"x"')).toBe("body is not valid JSON");
  });
});
