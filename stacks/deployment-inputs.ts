import { Construct } from "constructs";
import { type TerraformStack, TerraformVariable, Token } from "cdktf";
import { z } from "zod";
import { configSchema, type TicketsConfig } from "../config/schema";

/**
 * The settings that may differ between deployments of the same regions, as Terraform input
 * variables of the plain module. Regions and labels stay fixed when the module is built: they
 * decide the providers, which Terraform can't take from variables. So do `certificateArns`
 * (whether a certificate is created is the module's shape) and `manageApiGatewayAccount`.
 *
 * Each variable's validation is derived from the config schema's own JSON Schema (pattern,
 * bounds, allowed values), so the module and the config accept the same values.
 */
const INPUTS = [
  {
    name: "domain_name",
    path: ["domainName"],
    type: "string",
    description: "Apex domain of the hosted zone; the API is served at api.<domain_name>",
  },
  { name: "hosted_zone_id", path: ["hostedZoneId"], type: "string", description: "Route 53 hosted zone id of domain_name" },
  {
    name: "name_prefix",
    path: ["namePrefix"],
    type: "string",
    description: "Prefix of every named resource; give each instance in an account its own",
  },
  { name: "table_name", path: ["tableName"], type: "string", description: "Name of the DynamoDB global table" },
  {
    name: "alarm_email",
    path: ["alarmEmail"],
    type: "string",
    description: "E-mail address subscribed to the health-check alarms; null for none",
  },
  {
    name: "cors_allow_origin",
    path: ["corsAllowOrigin"],
    type: "string",
    description: "Access-Control-Allow-Origin of every response: * or one origin",
  },
  {
    name: "throttling_rate_limit",
    path: ["throttling", "rateLimit"],
    type: "number",
    description: "Steady-state requests per second of each region's stage (client traffic; /health has its own)",
  },
  {
    name: "throttling_burst_limit",
    path: ["throttling", "burstLimit"],
    type: "number",
    description: "Burst capacity of each region's stage",
  },
  { name: "lambda_memory_size", path: ["lambda", "memorySize"], type: "number", description: "Memory of each function in MB" },
  {
    name: "lambda_timeout",
    path: ["lambda", "timeout"],
    type: "number",
    description: "Timeout of the ticket functions in seconds (the health function answers within 3 s)",
  },
  {
    name: "log_retention_days",
    path: ["logRetentionDays"],
    type: "number",
    description: "Retention of function, access and execution logs, in days (a CloudWatch value)",
  },
  {
    name: "health_check_request_interval",
    path: ["healthCheck", "requestInterval"],
    type: "number",
    description: "Seconds between Route 53 checks: 10 or 30",
  },
  {
    name: "health_check_failure_threshold",
    path: ["healthCheck", "failureThreshold"],
    type: "number",
    description: "Failed checks before a region counts as unhealthy",
  },
  {
    name: "health_reserved_concurrency",
    path: ["healthCheck", "reservedConcurrency"],
    type: "number",
    nullable: true,
    description: "Concurrency reserved for each health function; null for none (the account keeps 100 unreserved)",
  },
] as const;

type JsonSchema = {
  type?: string;
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  enum?: readonly unknown[];
  const?: unknown;
  anyOf?: readonly JsonSchema[];
  properties?: Record<string, JsonSchema>;
};

/** The JSON Schema of one config field (zod's own rendering of the config schema). */
function fieldSchema(path: readonly string[]): JsonSchema {
  let node = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  for (const key of path) node = node.properties![key]!;
  return node;
}

/** An HCL string literal inside `${…}`. */
const hclString = (text: string) => JSON.stringify(text).replaceAll("${", "$${");

/** The Terraform conditions that say what `schema` says, over `value`. */
export function conditionsOf(schema: JsonSchema, value: string): string[] {
  const conditions: string[] = [];
  const options = schema.anyOf?.filter((option) => option.const !== false) ?? [];
  if (options.length > 0 && options.every((option) => "const" in option)) {
    conditions.push(`contains([${options.map((option) => JSON.stringify(option.const)).join(", ")}], ${value})`);
  } else if (options.length === 1) {
    conditions.push(...conditionsOf(options[0]!, value));
  }
  if (schema.enum !== undefined)
    conditions.push(`contains([${schema.enum.map((item) => JSON.stringify(item)).join(", ")}], ${value})`);
  if (schema.pattern !== undefined) conditions.push(`can(regex(${hclString(schema.pattern)}, ${value}))`);
  if (schema.maxLength !== undefined) conditions.push(`length(${value}) <= ${schema.maxLength}`);
  if (schema.type === "integer") conditions.push(`floor(${value}) == ${value}`);
  if (schema.minimum !== undefined) conditions.push(`${value} >= ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) conditions.push(`${value} > ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) conditions.push(`${value} <= ${schema.maximum}`);
  return conditions;
}

function describeRule(schema: JsonSchema): string {
  const options = schema.anyOf?.filter((option) => option.const !== false) ?? [];
  if (options.length > 0 && options.every((option) => "const" in option))
    return `be one of ${options.map((option) => option.const).join(", ")}`;
  if (options.length === 1) return describeRule(options[0]!);
  if (schema.enum !== undefined) return `be one of ${schema.enum.join(", ")}`;
  const parts: string[] = [];
  if (schema.pattern !== undefined) parts.push(`match ${schema.pattern}`);
  if (schema.type === "integer") parts.push("be a whole number");
  const lower = schema.minimum ?? (schema.exclusiveMinimum === undefined ? undefined : `above ${schema.exclusiveMinimum}`);
  if (lower !== undefined || schema.maximum !== undefined) parts.push(`be ${lower ?? "any"} .. ${schema.maximum ?? "any"}`);
  if (schema.maxLength !== undefined) parts.push(`be at most ${schema.maxLength} characters`);
  return parts.join(" and ");
}

function defaultOf(config: TicketsConfig, path: readonly string[]): unknown {
  const value = path.reduce<any>((node, key) => node?.[key], config);
  return value === false || value === undefined ? null : value;
}

/**
 * Replaces every setting of {@link INPUTS} in `config` by its Terraform variable (default:
 * the config's value), so each resource reads the variable.
 */
export function deploymentVariables(stack: TerraformStack, config: TicketsConfig): TicketsConfig {
  const scope = new Construct(stack, "deployment-inputs");
  const result: any = structuredClone(config);
  for (const input of INPUTS) {
    const schema = fieldSchema(input.path);
    const value = `var.${input.name}`;
    const required = input.path.length === 1 && ["domainName", "hostedZoneId"].includes(input.path[0]);
    const defaultValue = required ? undefined : defaultOf(config, input.path);
    const nullable = defaultValue === null || "nullable" in input;
    const conditions = conditionsOf(schema, value);
    const variable = new TerraformVariable(scope, input.name, {
      type: input.type,
      description: input.description,
      default: defaultValue === null ? Token.nullValue() : defaultValue,
      nullable,
      validation:
        conditions.length === 0
          ? undefined
          : [
              {
                // Terraform 1.10/1.11 evaluate both sides of `||`; a conditional evaluates one.
                condition: `\${${nullable ? `${value} == null ? true : ` : ""}(${conditions.map((c) => `(${c})`).join(" && ")})}`,
                errorMessage: `${input.name} must ${describeRule(schema)}${nullable ? ", or be null" : ""}.`,
              },
            ],
    });
    variable.overrideLogicalId(input.name);
    const token = input.type === "number" ? variable.numberValue : variable.stringValue;
    let node = result;
    for (const key of input.path.slice(0, -1)) node = node[key];
    node[input.path.at(-1)!] = token;
  }
  return result as TicketsConfig;
}
