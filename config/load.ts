import { readFileSync } from "node:fs";
import { resolve } from "node:path";
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

/** `["regions", 1, "name"]` -> `config.regions[1].name` */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : `${text}.${String(key)}`),
    "config",
  );
}

function describe(issue: z.core.$ZodIssue): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => `${fieldPath([...issue.path, key])}: ${issue.message}`);
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return [`${fieldPath(issue.path)}: is required`];
  }
  if (issue.code === "invalid_type") {
    const got = Array.isArray(issue.input) ? "an array" : issue.input === null ? "null" : JSON.stringify(issue.input);
    const expected = issue.expected === "int" ? "integer" : issue.expected;
    return [`${fieldPath(issue.path)}: must be ${/^[aeiou]/.test(expected) ? "an" : "a"} ${expected}, got ${got}`];
  }
  return [`${fieldPath(issue.path)}: ${issue.message}`];
}

/** Validates parsed JSON settings; throws {@link ConfigError} listing every problem. */
export function parseConfig(raw: unknown, source = "inline"): TicketsConfig {
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(source, result.error.issues.flatMap(describe));
  }
  return { ...result.data, tags: { ...DEFAULTS.tags, ...result.data.tags } };
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
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new ConfigError(path, [`${CONFIG_ENV_VAR}: cannot read "${path}": ${reason}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`${CONFIG_ENV_VAR}: "${path}" is not valid JSON: ${(error as Error).message}`]);
  }
  return parseConfig(raw, path);
}
