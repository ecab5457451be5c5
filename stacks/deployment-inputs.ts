import { Construct, type IConstruct } from "constructs";
import { Aspects, Fn, type IAspect, TerraformResource, type TerraformStack, TerraformVariable, Token, ref } from "cdktf";
import { z } from "zod";
import { ACM_CERTIFICATE_ARN, configSchema, DEFAULTS, type TicketsConfig } from "../config/schema";

/**
 * The settings that may differ between deployments of the same regions, as Terraform input
 * variables of the plain module. Regions and labels stay fixed when the module is built: they
 * decide the providers, which Terraform can't take from variables.
 *
 * Each variable's validation is derived from the config schema's own JSON Schema (pattern,
 * bounds, allowed values, map keys and values), so the module and the config accept the same
 * values; a rule the JSON Schema can't carry (a cross-field check) is written next to its input.
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
  {
    name: "routing",
    path: ["routing"],
    type: "string",
    description:
      "How api.<domain_name> routes clients: failover (the first region serves, the others stand by) or active-active (every region serves the clients nearest to it). A switch deletes one mode's records before it creates the other's: api.<domain_name> does not resolve for a minute or two",
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
  {
    name: "health_check_allowed_cidrs",
    path: ["healthCheck", "allowedCidrs"],
    type: "list(string)",
    description:
      "CIDR blocks besides Route 53's health checkers that may call GET /health (the machine that runs the failover drill); everyone else gets 403 there",
  },
  {
    name: "replication_alarm_threshold_seconds",
    path: ["replicationAlarm", "thresholdSeconds"],
    type: "number",
    description: "Seconds a table's replica may fall behind another region, on average over a period, before the period breaches",
  },
  {
    name: "replication_alarm_period_seconds",
    path: ["replicationAlarm", "periodSeconds"],
    type: "number",
    description: "Seconds per period of the replication-lag alarms: 60 or 300",
  },
  {
    name: "replication_alarm_evaluation_periods",
    path: ["replicationAlarm", "evaluationPeriods"],
    type: "number",
    description: "Consecutive breaching periods before a replication-lag alarm fires",
  },
  {
    name: "replication_alarm_treat_missing_data",
    path: ["replicationAlarm", "treatMissingData"],
    type: "string",
    description:
      "What a period without ReplicationLatency data counts as (DynamoDB publishes it only while items replicate): notBreaching, breaching, ignore or missing",
  },
  {
    name: "manage_api_gateway_account",
    path: ["manageApiGatewayAccount"],
    type: "bool",
    description:
      "Manage API Gateway's CloudWatch role setting (aws_api_gateway_account, one per account and region) in every region; false where another instance or your organisation sets it",
  },
  {
    name: "certificate_arns",
    path: ["certificateArns"],
    type: "map(string)",
    description:
      "Existing ACM certificate per region code, covering domain_name and *.domain_name; a region left out gets a new certificate validated in DNS",
    // The config's cross-field rule (its superRefine), which a JSON Schema can't carry: keys
    // are the module's regions, and each certificate is in its key's region.
    rule: (value: string, regions: readonly string[]) => ({
      conditions: [
        `alltrue([for region, arn in ${value} : contains(${hclList(regions)}, region) && try(regex(${hclString(ACM_CERTIFICATE_ARN.source)}, arn)[0], "") == region])`,
      ],
      message: `map regions of this module (${regions.join(", ")}) to ACM certificate ARNs in the same region`,
    }),
    // Read per region, null where the caller passes none: the region gets a new certificate
    // (see DomainCertificates).
    read: (value: string, regions: readonly string[]) =>
      Object.fromEntries(regions.map((region) => [region, Token.asString(ref(`lookup(${value}, "${region}", null)`))])),
  },
  {
    name: "tags",
    path: ["tags"],
    type: "map(string)",
    description: "Tags on every resource that takes tags, merged over the providers' default_tags",
    // The built-in tags describe the CDKTF app (ManagedBy = cdktf) and would win over a
    // caller's own default_tags: the default is only what the settings file adds or changes.
    moduleDefault: (config: TicketsConfig) =>
      Object.fromEntries(
        Object.entries(config.tags).filter(([key, value]) => (DEFAULTS.tags as Record<string, string>)[key] !== value),
      ),
  },
] as const;

type JsonSchema = {
  type?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  enum?: readonly unknown[];
  const?: unknown;
  anyOf?: readonly JsonSchema[];
  properties?: Record<string, JsonSchema>;
  propertyNames?: JsonSchema;
  additionalProperties?: JsonSchema;
  items?: JsonSchema;
  maxItems?: number;
};

/** An HCL string literal inside `${…}`. */
const hclString = (text: string) => JSON.stringify(text).replaceAll("${", "$${");
const hclList = (items: readonly string[]) => `[${items.map(hclString).join(", ")}]`;

/** The options of an `anyOf`, without zod's `false` (an optional boolean's off state). */
const optionsOf = (schema: JsonSchema) => schema.anyOf?.filter((option) => option.const !== false) ?? [];
const isConstChoice = (options: readonly JsonSchema[]) => options.length > 0 && options.every((option) => "const" in option);
/** `(a) && (b)`: Terraform 1.10/1.11 evaluate both sides of `&&`, so each condition must be safe on its own. */
const allOf = (conditions: readonly string[]) => conditions.map((condition) => `(${condition})`).join(" && ");

/** The keywords that each add one condition, in the order the conditions are written. */
const KEYWORD_CONDITIONS: readonly ((schema: JsonSchema, value: string) => string | undefined)[] = [
  ({ maxItems }, value) => (maxItems === undefined ? undefined : `length(${value}) <= ${maxItems}`),
  ({ pattern }, value) => (pattern === undefined ? undefined : `can(regex(${hclString(pattern)}, ${value}))`),
  ({ minLength }, value) => (minLength === undefined ? undefined : `length(${value}) >= ${minLength}`),
  ({ maxLength }, value) => (maxLength === undefined ? undefined : `length(${value}) <= ${maxLength}`),
  ({ type }, value) => (type === "integer" ? `floor(${value}) == ${value}` : undefined),
  ({ minimum }, value) => (minimum === undefined ? undefined : `${value} >= ${minimum}`),
  ({ exclusiveMinimum }, value) => (exclusiveMinimum === undefined ? undefined : `${value} > ${exclusiveMinimum}`),
  ({ maximum }, value) => (maximum === undefined ? undefined : `${value} <= ${maximum}`),
];

/** The Terraform conditions that say what `schema` says, over `value`. */
export function conditionsOf(schema: JsonSchema, value: string): string[] {
  return [
    ...choiceConditions(schema, value),
    ...nestedConditions(schema, value),
    ...KEYWORD_CONDITIONS.flatMap((condition) => condition(schema, value) ?? []),
  ];
}

/** `anyOf` of constants or of one schema, and `enum`. */
function choiceConditions(schema: JsonSchema, value: string): string[] {
  const options = optionsOf(schema);
  const conditions: string[] = [];
  if (isConstChoice(options)) {
    conditions.push(`contains([${options.map((option) => JSON.stringify(option.const)).join(", ")}], ${value})`);
  } else if (options.length === 1) {
    conditions.push(...conditionsOf(options[0]!, value));
  }
  if (schema.enum !== undefined)
    conditions.push(`contains([${schema.enum.map((item) => JSON.stringify(item)).join(", ")}], ${value})`);
  return conditions;
}

/** A map's keys and values, a list's items: one `alltrue([for ...])` each. */
function nestedConditions(schema: JsonSchema, value: string): string[] {
  if (schema.type === "object" && schema.additionalProperties !== undefined) {
    const inner = [...conditionsOf(schema.propertyNames ?? {}, "key"), ...conditionsOf(schema.additionalProperties, "item")];
    return inner.length > 0 ? [`alltrue([for key, item in ${value} : ${allOf(inner)}])`] : [];
  }
  if (schema.type === "array" && schema.items !== undefined) {
    const inner = conditionsOf(schema.items, "item");
    return inner.length > 0 ? [`alltrue([for item in ${value} : ${allOf(inner)}])`] : [];
  }
  return [];
}

/** What a value must do to pass `schema`, in words: the validation's error message. */
function describeRule(schema: JsonSchema): string {
  return (
    describeChoice(schema) ??
    describeNested(schema) ??
    [...describePattern(schema), ...describeNumber(schema), ...describeLength(schema)].join(" and ")
  );
}

function describeChoice(schema: JsonSchema): string | undefined {
  const options = optionsOf(schema);
  if (isConstChoice(options)) return `be one of ${options.map((option) => option.const).join(", ")}`;
  if (options.length === 1) return describeRule(options[0]!);
  if (schema.enum !== undefined) return `be one of ${schema.enum.join(", ")}`;
  return undefined;
}

function describeNested(schema: JsonSchema): string | undefined {
  if (schema.type === "object" && schema.additionalProperties !== undefined) {
    const keys = schema.propertyNames === undefined ? "" : describeRule(schema.propertyNames);
    const items = describeRule(schema.additionalProperties);
    return `be a map in which ${[keys && `each key must ${keys}`, items && `each value must ${items}`].filter(Boolean).join(" and ")}`;
  }
  if (schema.type === "array" && schema.items !== undefined) {
    const items = describeRule(schema.items);
    const most = schema.maxItems === undefined ? "" : ` of at most ${schema.maxItems} items`;
    return `be a list${most}${items && ` in which each item must ${items}`}`;
  }
  return undefined;
}

const describePattern = ({ pattern }: JsonSchema) => (pattern === undefined ? [] : [`match ${pattern}`]);

function describeNumber(schema: JsonSchema): string[] {
  const kind = schema.type === "integer" ? "a whole number" : "a number";
  const { minimum, exclusiveMinimum, maximum } = schema;
  if (minimum !== undefined && maximum !== undefined) return [`be ${kind} from ${minimum} to ${maximum}`];
  if (exclusiveMinimum !== undefined)
    return [`be ${kind} above ${exclusiveMinimum}${maximum === undefined ? "" : ` and at most ${maximum}`}`];
  if (minimum !== undefined) return [`be ${kind} of at least ${minimum}`];
  if (maximum !== undefined) return [`be ${kind} of at most ${maximum}`];
  return schema.type === "integer" ? ["be a whole number"] : [];
}

function describeLength({ minLength: shortest, maxLength: longest }: JsonSchema): string[] {
  if (shortest !== undefined && longest !== undefined) return [`be ${shortest} to ${longest} characters long`];
  if (longest !== undefined) return [`be at most ${longest} characters long`];
  if (shortest !== undefined) return [`be at least ${shortest} characters long`];
  return [];
}

function defaultOf(config: TicketsConfig, input: (typeof INPUTS)[number]): unknown {
  const value = input.path.reduce<any>((node, key) => node?.[key], config);
  // `false` turns a nullable setting off (healthCheck.reservedConcurrency): null in Terraform.
  return value === undefined || (value === false && input.type !== "bool") ? null : value;
}

const isObject = (value: unknown): value is object => typeof value === "object" && value !== null;

/** What resources read in place of the config's value: the variable, typed. */
function tokenOf(variable: TerraformVariable, type: (typeof INPUTS)[number]["type"]): unknown {
  switch (type) {
    case "number":
      return variable.numberValue;
    case "bool":
      return variable.booleanValue;
    case "map(string)":
      return Token.asStringMap(variable.value);
    case "list(string)":
      return variable.listValue;
    default:
      return variable.stringValue;
  }
}

/**
 * Replaces every setting of {@link INPUTS} in `config` by its Terraform variable (default:
 * the config's value), so each resource reads the variable; and tags every resource that
 * takes tags with `var.tags` (the module has no provider of its own to carry default tags).
 */
export function deploymentVariables(stack: TerraformStack, config: TicketsConfig): TicketsConfig {
  const scope = new Construct(stack, "deployment-inputs");
  const result: any = structuredClone(config);
  const regions = config.regions.map(({ name }) => name);
  // zod's own rendering of the config schema; each input's field is read from it.
  const configJsonSchema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const variables: Record<string, TerraformVariable> = {};
  for (const input of INPUTS) {
    const schema = input.path.reduce((node, key) => node.properties![key]!, configJsonSchema);
    const value = `var.${input.name}`;
    const required = input.path.length === 1 && ["domainName", "hostedZoneId"].includes(input.path[0]);
    const defaultValue = required ? undefined : "moduleDefault" in input ? input.moduleDefault(config) : defaultOf(config, input);
    const nullable = defaultValue === null || "nullable" in input;
    const { conditions, message } =
      "rule" in input ? input.rule(value, regions) : { conditions: conditionsOf(schema, value), message: describeRule(schema) };
    const variable = new TerraformVariable(scope, input.name, {
      type: input.type,
      description: input.description,
      // cdktf would write an object default with its keys in snake case; a tag key must stay
      // as it is (set below).
      default: defaultValue === null ? Token.nullValue() : isObject(defaultValue) ? undefined : defaultValue,
      nullable,
      validation:
        conditions.length === 0
          ? undefined
          : [
              {
                // Terraform 1.10/1.11 evaluate both sides of `||`; a conditional evaluates one.
                condition: `\${${nullable ? `${value} == null ? true : ` : ""}(${conditions.map((c) => `(${c})`).join(" && ")})}`,
                errorMessage: `${input.name} must ${message}${nullable ? ", or be null" : ""}.`,
              },
            ],
    });
    variable.overrideLogicalId(input.name);
    if (isObject(defaultValue)) variable.addOverride("default", defaultValue);
    let node = result;
    for (const key of input.path.slice(0, -1)) node = node[key];
    node[input.path.at(-1)!] = "read" in input ? input.read(value, regions) : tokenOf(variable, input.type);
    variables[input.name] = variable;
  }
  Aspects.of(stack).add(new TagEveryResource(variables.tags!.value));
  return result as TicketsConfig;
}

/**
 * Sets `tags` on every resource whose type takes them (the generated bindings of those have
 * `tagsInput`), merged under the tags the resource sets itself (a health check's `Name`).
 */
class TagEveryResource implements IAspect {
  constructor(private readonly tags: unknown) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource) || !("tagsInput" in node)) return;
    const taggable = node as TerraformResource & { tags: Record<string, string>; tagsInput?: Record<string, string> };
    const own = taggable.tagsInput;
    taggable.tags = Token.asStringMap(own === undefined ? this.tags : Fn.merge([this.tags, own]));
  }
}
