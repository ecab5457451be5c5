import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseJsonc, type ParseError, printParseErrorCode } from "jsonc-parser";
import type { z } from "zod";
import { configSchema, DEFAULTS, type TicketsConfig } from "./schema";

/** Environment variable naming the JSON settings file. */
export const CONFIG_ENV_VAR = "TICKETS_CONFIG";

/** Invalid configuration: one entry per problem, each naming the field and the reason. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration (${source}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** `["regions", 1, "name"]` -> `config.regions[1].name`; `["tags", ""]` -> `config.tags[""]` */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`;
    const name = String(key);
    return /^[A-Za-z0-9_-]+$/.test(name) ? `${text}.${name}` : `${text}[${JSON.stringify(name)}]`;
  }, "config");
}

/** The JSON type of a value, with its article: `a string`, `an array`, `null`. */
function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

/** A value as the user wrote it, shortened: `"10"`, `42`, `an object`. */
function shown(value: unknown): string {
  if (value === null || typeof value === "object") return jsonType(value);
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}..."` : text;
}

/** The JSON type that the issue's check expected, when it says so. */
function expectedType(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === "invalid_type") return issue.expected === "int" ? "number" : issue.expected;
  if (issue.code === "invalid_value") {
    const types = new Set(issue.values.map((value) => typeof value));
    return types.size === 1 ? [...types][0] : undefined;
  }
  return undefined;
}

/**
 * One line per problem, in three kinds: a missing key (`is required`), a value of the wrong
 * JSON type (`must be a number, got "10" (a string)`), and a wrong value of the right type
 * (`must be 10 or 30, got 5`). The schema's messages say what is expected; the value found is
 * added here, so every message says both.
 */
function describe(issue: z.core.$ZodIssue): string[] {
  const field = fieldPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => `${fieldPath([...issue.path, key])}: ${issue.message}`);
  }
  // Cross-field checks (duplicates, certificate regions) report on the list or the whole
  // config they compare; their message names the value itself.
  const crossField = issue.code === "custom" && (issue.input === null || typeof issue.input === "object");
  if (!("input" in issue) || crossField) return [`${field}: ${issue.message}`];
  return describeValue(issue, field, issue.input);
}

/** A problem with the value found at `field`: what is expected, and what was found. */
function describeValue(issue: z.core.$ZodIssue, field: string, input: unknown): string[] {
  if (input === undefined) return [`${field}: is required`];
  if (issue.code === "invalid_key") {
    return issue.issues.map((keyIssue) => `${field}: ${keyIssue.message}`);
  }
  if ((issue.code === "too_small" || issue.code === "too_big") && Array.isArray(input)) {
    return [`${field}: ${issue.message}, got ${input.length}`];
  }
  const expected = expectedType(issue);
  const typeNote =
    expected !== undefined && expected !== typeof input && typeof input !== "object" ? ` (${jsonType(input)})` : "";
  return [`${field}: ${expectation(issue)}, got ${shown(input)}${typeNote}`];
}

/**
 * What the schema expects: zod's own type messages ("Invalid input: expected string, ...")
 * become "must be a string"; a schema's message ("must be an integer") is kept.
 */
function expectation(issue: z.core.$ZodIssue): string {
  if (issue.code !== "invalid_type" || !issue.message.startsWith("Invalid input")) return issue.message;
  const expected = issue.expected === "int" ? "integer" : issue.expected;
  return `must be ${/^[aeiou]/.test(expected) ? "an" : "a"} ${expected}`;
}

/** Validates parsed JSON settings; throws {@link ConfigError} listing every problem. */
export function parseConfig(raw: unknown, source = "inline"): TicketsConfig {
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(source, result.error.issues.flatMap(describe));
  }
  return { ...result.data, tags: { ...DEFAULTS.tags, ...result.data.tags } };
}

/** What each JSON syntax error means, in words (jsonc-parser's codes). */
const JSON_SYNTAX_REASONS: Readonly<Record<string, string>> = {
  InvalidSymbol: "unexpected character (keys and strings need double quotes)",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a double-quoted key",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':' after the key",
  CommaExpected: "expected ',' between entries",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected text after the end of the JSON document",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "comments are not allowed in JSON",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid \\u escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "control character in a string (escape it)",
};

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/**
 * Where and why `text` is not JSON: `line 3, column 1: trailing comma`. JSON.parse's own
 * message differs between Node versions and often has no position at all, so the first error
 * is located by a strict parser (jsonc-parser with comments and trailing commas disallowed).
 */
export function jsonSyntaxError(text: string, fallback: string): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) return fallback;
  const { line, column } = lineAndColumn(text, first.offset);
  const previous = text.slice(0, first.offset).trimEnd().at(-1);
  // jsonc-parser's codes are a const enum, which isolatedModules can't read: compare names.
  const code = printParseErrorCode(first.error);
  const afterComma = previous === "," && (code === "PropertyNameExpected" || code === "ValueExpected");
  const reason =
    first.offset >= text.trimEnd().length && code !== "EndOfFileExpected"
      ? "unexpected end of file"
      : afterComma
        ? "trailing comma (JSON allows none after the last entry)"
        : (JSON_SYNTAX_REASONS[code] ?? fallback);
  return `line ${line}, column ${column}: ${reason}`;
}

/**
 * The deployment's settings: the JSON file named by `TICKETS_CONFIG`, or the workshop's
 * defaults (example.com, eu-west-1 + ap-southeast-1) when it is unset.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TicketsConfig {
  const file = env[CONFIG_ENV_VAR];
  if (file === undefined || file === "") {
    return parseConfig(DEFAULTS, "built-in defaults");
  }
  const path = resolve(file);
  let text: string;
  try {
    // Editors on Windows may start the file with a byte order mark, which JSON.parse rejects.
    text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new ConfigError(path, [`${CONFIG_ENV_VAR}: cannot read "${path}": ${reason}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const where = jsonSyntaxError(text, (error as Error).message);
    throw new ConfigError(path, [`${CONFIG_ENV_VAR}: "${path}" is not valid JSON: ${where}`]);
  }
  return parseConfig(raw, path);
}
