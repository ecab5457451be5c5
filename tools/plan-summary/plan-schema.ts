/**
 * Reads the JSON of `terraform show -json <planfile>` and checks that it is a plan in a
 * format this tool understands, before anything is summarized: a wrong file must fail
 * loudly, never print "No changes". The schema is also the one type of a plan in this
 * repository: tools/terraform (offline plans) and the tests read plans through it.
 */
import { z } from "zod";

/** Action names of the 1.x plan format (`forget` since Terraform 1.7). */
const ACTIONS = ["no-op", "create", "read", "update", "delete", "forget"] as const;
export type PlanAction = (typeof ACTIONS)[number];

/** The plan format major version this tool reads; minor versions only add fields. */
export const SUPPORTED_FORMAT_MAJOR = 1;

const pathStep = z.union([z.string(), z.number()]);

/** An object's attribute values; `null` on the side where the object doesn't exist. */
const objectValue = z.record(z.string(), z.unknown()).nullable();

/**
 * `after_unknown`, `before_sensitive`, `after_sensitive`: the value's shape with `true` where
 * the value (or all of it) is unknown until apply, or sensitive.
 */
const valueMarks = z.unknown().optional();

const resourceChangeSchema = z.looseObject({
  address: z.string(),
  module_address: z.string().optional(),
  mode: z.enum(["managed", "data"]),
  type: z.string(),
  name: z.string(),
  index: pathStep.optional(),
  deposed: z.string().optional(),
  previous_address: z.string().optional(),
  provider_name: z.string(),
  change: z.looseObject({
    actions: z.array(z.enum(ACTIONS)).min(1),
    before: objectValue,
    after: objectValue,
    after_unknown: valueMarks,
    before_sensitive: valueMarks,
    after_sensitive: valueMarks,
    replace_paths: z.array(z.array(pathStep)).optional(),
    // Set when an `import` block brings an existing object under management (Terraform 1.5+).
    importing: z.looseObject({ id: z.string().optional() }).optional(),
  }),
  action_reason: z.string().optional(),
});

const configResourceSchema = z.looseObject({
  address: z.string(),
  mode: z.enum(["managed", "data"]),
  type: z.string(),
  name: z.string(),
  provider_config_key: z.string().optional(),
});

export interface ModuleConfig {
  resources?: z.infer<typeof configResourceSchema>[];
  module_calls?: Record<string, { module?: ModuleConfig }>;
}

const moduleConfigSchema: z.ZodType<ModuleConfig> = z.lazy(() =>
  z.looseObject({
    resources: z.array(configResourceSchema).optional(),
    module_calls: z.record(z.string(), z.looseObject({ module: moduleConfigSchema.optional() })).optional(),
  }),
);

/** `{ constant_value }` for a literal, `{ references }` for an expression. */
const expressionSchema = z.looseObject({
  constant_value: z.unknown().optional(),
  references: z.array(z.string()).optional(),
});

const planSchema = z.looseObject({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  // Present in every plan and absent from `terraform show -json` of a state file.
  planned_values: z.looseObject({}),
  variables: z.record(z.string(), z.looseObject({ value: z.unknown() })).optional(),
  resource_changes: z.array(resourceChangeSchema).optional(),
  // Objects that refresh found changed (or deleted) outside Terraform since the last apply.
  resource_drift: z.array(resourceChangeSchema).optional(),
  output_changes: z
    .record(
      z.string(),
      z.looseObject({
        actions: z.array(z.enum(ACTIONS)).min(1),
        before: z.unknown().optional(),
        after: z.unknown().optional(),
        after_unknown: valueMarks,
        before_sensitive: valueMarks,
        after_sensitive: valueMarks,
      }),
    )
    .optional(),
  configuration: z
    .looseObject({
      provider_config: z
        .record(
          z.string(),
          z.looseObject({
            name: z.string(),
            alias: z.string().optional(),
            expressions: z.record(z.string(), z.unknown()).optional(),
          }),
        )
        .optional(),
      root_module: moduleConfigSchema.optional(),
    })
    .optional(),
});

export type Plan = z.infer<typeof planSchema>;
export type PlanResourceChange = z.infer<typeof resourceChangeSchema>;
export type PlanExpression = z.infer<typeof expressionSchema>;

/** A JSON object of a plan's values or marks: not `null`, not a list. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Input that is not a plan this tool can read; `message` is one line for stderr. */
export class PlanInputError extends Error {
  override readonly name = "PlanInputError";
}

/** The first zod issue as `path: message`, which is enough to find the broken field. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return "invalid plan";
  const path = issue.path.map((step) => (typeof step === "number" ? `[${step}]` : `.${String(step)}`)).join("");
  return `${path.replace(/^\./, "") || "(root)"}: ${issue.message}`;
}

/** Parses the text of `terraform show -json`; throws `PlanInputError` with a one-line reason. */
export function parsePlan(text: string, source = "input"): Plan {
  const json = parseJsonObject(text, source);
  checkFormatVersion(json.format_version, source);
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    throw new PlanInputError(`${source} is not a Terraform plan: ${firstIssue(parsed.error)}`);
  }
  return parsed.data;
}

/** The JSON object in `text`; anything else (not JSON, an array, a string) is not a plan. */
function parseJsonObject(text: string, source: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PlanInputError(`${source} is not JSON (${(error as Error).message.split("\n")[0]})`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    const kind = json === null ? "null" : Array.isArray(json) ? "an array" : typeof json;
    throw new PlanInputError(
      `${source} is not a Terraform plan: expected the object of \`terraform show -json <planfile>\`, got ${kind}`,
    );
  }
  return json as Record<string, unknown>;
}

/** A `format_version` of the major version this tool reads (`1.2`); before the schema, so an old or new format says so. */
function checkFormatVersion(version: unknown, source: string): void {
  if (typeof version !== "string") {
    throw new PlanInputError(
      `${source} is not a Terraform plan: "format_version" is missing (expected the output of \`terraform show -json <planfile>\`)`,
    );
  }
  const major = /^(\d+)\.\d+$/.exec(version)?.[1];
  if (major === undefined || Number(major) !== SUPPORTED_FORMAT_MAJOR) {
    throw new PlanInputError(`${source}: unsupported plan format_version "${version}" (supported: ${SUPPORTED_FORMAT_MAJOR}.x)`);
  }
}

/** Reads `{ constant_value }` / `{ references }` out of an expression, tolerating anything else. */
export function readExpression(value: unknown): PlanExpression | undefined {
  const parsed = expressionSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
