import { z } from "zod";
import { AWS_REGIONS } from "./aws-regions";
import { HEALTH_CHECKER_REGIONS } from "./route53-health-checkers";

/** One DNS label: lowercase letters, digits and inner hyphens, 1 to 63 characters. */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** `api.<domain>`: the name clients use, failing over between the regions. */
export const API_LABEL = "api";
/** `api-standby.<domain>`: the latency-routed set of standbys (three or more regions). */
export const STANDBY_SET_LABEL = "api-standby";
/** Labels the stack itself uses under the domain; a region label may not take them. */
const RESERVED_LABELS = [API_LABEL, STANDBY_SET_LABEL] as const;

/** An IPv4 or IPv6 CIDR block, e.g. `203.0.113.0/24`, `2001:db8::/32`. */
export const CIDR_BLOCK =
  /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(?:3[0-2]|[12]?\d)|[0-9a-f:]*:[0-9a-f:]*\/(?:12[0-8]|1[01]\d|[1-9]?\d))$/;

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** `z.strictObject` whose unknown-key error lists the keys that are allowed. */
function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `unknown key; allowed keys are: ${allowed}` : undefined),
  });
}

const dnsLabel = z
  .string()
  .regex(DNS_LABEL, "must be a DNS label: 1-63 lowercase letters, digits or inner hyphens")
  .refine((label) => !(RESERVED_LABELS as readonly string[]).includes(label), {
    message: `is reserved (${RESERVED_LABELS.join(", ")} are used by the stack itself)`,
  });

const domainName = z
  .string()
  .max(253, "must be at most 253 characters")
  .refine((name) => name.includes("."), "must contain a dot, e.g. example.com")
  .refine(
    (name) => name.split(".").every((label) => DNS_LABEL.test(label)),
    "must be a lowercase DNS name whose labels are 1-63 letters, digits or inner hyphens",
  )
  .refine((name) => /^[a-z]{2,63}$/.test(name.split(".").at(-1) ?? ""), {
    message: "must end in an alphabetic top-level domain, e.g. .com",
  })
  // The checks above as one pattern, for tools that read the schema as JSON Schema (the
  // Terraform module's variable validation).
  .meta({ pattern: "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$" });

const awsRegion = z.enum(AWS_REGIONS, { error: "must be an AWS region code such as eu-west-1" });

const region = strictObject({
  /** AWS region code, e.g. `eu-west-1`. */
  name: awsRegion,
  /** DNS label of the region's own endpoint, e.g. `ireland` for `ireland.example.com`. */
  label: dnsLabel,
});

/** An ACM certificate ARN; the capture is its region, which must be the region it is given for. */
export const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

const regions = z
  .array(region)
  .min(2, "needs at least two regions (the first is the primary, the others its standbys)")
  .superRefine((list, ctx) => {
    for (const key of ["name", "label"] as const) {
      const seen = new Map<string, number>();
      list.forEach((entry, index) => {
        const first = seen.get(entry[key]);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [index, key],
            message: `"${entry[key]}" is already used by regions[${first}].${key}`,
          });
        } else {
          seen.set(entry[key], index);
        }
      });
    }
  });

/**
 * How `api.<domain>` spreads clients over the regions.
 * - `failover`: the primary serves; the standbys only when its routing check fails (the workshop's).
 * - `active-active`: every region serves the clients nearest to it (latency routing), each
 *   record with its own region's routing check.
 */
export const ROUTING_MODES = ["failover", "active-active"] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

const tagValue = z.string().max(256, "must be at most 256 characters");

/** Every setting, with the workshop's values as defaults. */
export const DEFAULTS = {
  domainName: "example.com",
  hostedZoneId: "Z0000000000EXAMPLE",
  regions: [
    { name: "eu-west-1", label: "ireland" },
    { name: "ap-southeast-1", label: "singapore" },
  ],
  routing: "failover",
  tableName: "SXRTickets",
  namePrefix: "tickets",
  manageApiGatewayAccount: true,
  healthCheck: {
    requestInterval: 10,
    failureThreshold: 1,
    reservedConcurrency: 10,
    checkerRegions: ["us-east-1", "eu-west-1", "ap-southeast-1"],
    allowedCidrs: [],
  },
  corsAllowOrigin: "*",
  certificateArns: {},
  throttling: { rateLimit: 50, burstLimit: 100 },
  replicationAlarm: { thresholdSeconds: 60, periodSeconds: 60, evaluationPeriods: 5, treatMissingData: "notBreaching" },
  lambda: { memorySize: 256, timeout: 10 },
  logRetentionDays: 30,
  stateBackend: {
    bucket: "wild-rydes-tickets-tfstate",
    keyPrefix: "wild-rydes-tickets",
    region: "eu-west-1",
  },
  drill: { replicationFault: false },
  tags: { Project: "wild-rydes-tickets", ManagedBy: "cdktf" },
} as const;

/*
 * Nested blocks: every key has its own default, so a file may set one key of a block
 * (`"healthCheck": { "failureThreshold": 3 }`) and the others keep theirs. `prefault({})`
 * runs an absent block through its schema, which fills in each key's default.
 */

const healthCheck = strictObject({
  /** Seconds between checks by each Route 53 checker: 10 (fast) or 30 (standard); Route 53 offers no other. */
  requestInterval: z.literal([10, 30], { error: "must be 10 or 30" }).default(DEFAULTS.healthCheck.requestInterval),
  /** Consecutive failed checks before the endpoint counts as unhealthy (1..10). */
  failureThreshold: z
    .int("must be an integer")
    .min(1, "must be 1..10")
    .max(10, "must be 1..10")
    .default(DEFAULTS.healthCheck.failureThreshold),
  /**
   * Concurrency reserved for each region's health function (1..100), or `false` for none.
   * Lambda keeps 100 of an account's concurrency unreserved, so the account's quota in each
   * region must be above 100 plus this.
   */
  reservedConcurrency: z
    .union(
      [z.literal(false), z.int("must be an integer").min(1, "must be 1..100, or false").max(100, "must be 1..100, or false")],
      { error: "must be an integer 1..100, or false for no reservation" },
    )
    .default(DEFAULTS.healthCheck.reservedConcurrency),
  /**
   * Regions whose Route 53 health checkers probe the endpoints (at least three, Route 53's
   * minimum). Only their published address ranges may call `GET /health`.
   */
  checkerRegions: z
    .array(
      z.enum(HEALTH_CHECKER_REGIONS, { error: `must be a Route 53 health checker region: ${HEALTH_CHECKER_REGIONS.join(", ")}` }),
    )
    .min(3, "needs at least three regions (Route 53's minimum)")
    .refine((list) => new Set(list).size === list.length, "must not name a region twice")
    .default([...DEFAULTS.healthCheck.checkerRegions]),
  /**
   * Addresses besides Route 53's health checkers that may call `GET /health` (CIDR blocks,
   * IPv4 or IPv6): the machine that runs the failover drill, an operator's network.
   */
  allowedCidrs: z
    .array(z.string().regex(CIDR_BLOCK, "must be a CIDR block such as 203.0.113.0/24 or 2001:db8::/32"))
    .max(50, "must list at most 50 blocks (the API's resource policy is limited in size)")
    .default([]),
}).prefault({});

const throttling = strictObject({
  /** Steady-state requests per second for the `prod` stage. */
  rateLimit: z
    .number("must be a number")
    .positive("must be a positive number")
    .max(10_000, "must be at most 10000")
    .default(DEFAULTS.throttling.rateLimit),
  /** Burst capacity for the `prod` stage. */
  burstLimit: z
    .int("must be an integer")
    .positive("must be positive")
    .max(5_000, "must be at most 5000")
    .default(DEFAULTS.throttling.burstLimit),
}).prefault({});

/** What a CloudWatch alarm makes of a period without data. */
export const TREAT_MISSING_DATA = ["notBreaching", "breaching", "ignore", "missing"] as const;

/**
 * The alarms on global-table replication (`ReplicationLatency`, per table and per pair of
 * source and receiving region): README "Replication lag" justifies the defaults.
 */
const replicationAlarm = strictObject({
  /** Seconds a replica may fall behind, on average over one period, before the period breaches. */
  thresholdSeconds: z
    .int("must be an integer")
    .min(1, "must be 1..3600")
    .max(3600, "must be 1..3600")
    .default(DEFAULTS.replicationAlarm.thresholdSeconds),
  /** Seconds per period: 60 or 300 (DynamoDB publishes the metric every minute). */
  periodSeconds: z.literal([60, 300], { error: "must be 60 or 300" }).default(DEFAULTS.replicationAlarm.periodSeconds),
  /** Consecutive breaching periods before the alarm fires (1..60). */
  evaluationPeriods: z
    .int("must be an integer")
    .min(1, "must be 1..60")
    .max(60, "must be 1..60")
    .default(DEFAULTS.replicationAlarm.evaluationPeriods),
  /**
   * A period without data: DynamoDB publishes `ReplicationLatency` only while items replicate,
   * so a quiet table has none (`notBreaching` keeps the alarm OK then).
   */
  treatMissingData: z
    .enum(TREAT_MISSING_DATA, { error: `must be one of: ${TREAT_MISSING_DATA.join(", ")}` })
    .default(DEFAULTS.replicationAlarm.treatMissingData),
}).prefault({});

const bucketName = z
  .string()
  .regex(
    /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    "must be an S3 bucket name: 3-63 lowercase letters, digits, dots or hyphens",
  );

const stateBackend = strictObject({
  /** S3 bucket that holds the Terraform state (created by the bootstrap stack). */
  bucket: bucketName.default(DEFAULTS.stateBackend.bucket),
  /** Prefix of each stack's state key: `<keyPrefix>/<stack>.tfstate`. */
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()-]+(?:\/[A-Za-z0-9!_.*'()-]+)*$/, "must be an S3 key prefix without leading or trailing slash")
    .default(DEFAULTS.stateBackend.keyPrefix),
  /** Region of the state bucket. */
  region: awsRegion.default(DEFAULTS.stateBackend.region),
  /**
   * A copy of the state bucket in another region, kept by S3 replication, so that plan and
   * apply still work while the state bucket's region is down (README: "State during a
   * regional outage"). Off by default: it costs a second bucket and key.
   */
  replica: strictObject({
    /** Region of the copy; not the state bucket's. */
    region: awsRegion,
    /** Its bucket (S3 names are global: not the state bucket's). */
    bucket: bucketName,
  }).optional(),
})
  .superRefine((backend, ctx) => {
    if (backend.replica?.region === backend.region) {
      ctx.addIssue({
        code: "custom",
        path: ["replica", "region"],
        message: `must differ from stateBackend.region (${backend.region})`,
      });
    }
    if (backend.replica?.bucket === backend.bucket) {
      ctx.addIssue({ code: "custom", path: ["replica", "bucket"], message: "must differ from stateBackend.bucket" });
    }
  })
  .prefault({});

/** What the stack adds for the failover drill's faults (docs/failover-drill.md). */
const drill = strictObject({
  /**
   * Whether the stack creates the replication fault: an AWS FIS experiment template that pauses
   * the replication of both global tables, with its role (`npm run drill -- --fault replication`).
   * Off by default: nothing in the account can pause replication unless asked for.
   */
  replicationFault: z.boolean("must be true or false").default(DEFAULTS.drill.replicationFault),
}).prefault({});

/**
 * The shortest ticket-function timeout: a create makes at most three DynamoDB calls in a row,
 * each ending within 3 s with its retry (lambdas/core/dynamo.ts; __tests__/lambdas/faults.test.ts
 * checks the sum against this).
 */
export const MIN_LAMBDA_TIMEOUT_SECONDS = 10;

const lambda = strictObject({
  /** Memory of each API function in MB (128..10240). */
  memorySize: z
    .int("must be an integer")
    .min(128, "must be 128..10240")
    .max(10_240, "must be 128..10240")
    .default(DEFAULTS.lambda.memorySize),
  /**
   * Timeout of the ticket functions in seconds: at most 29 (API Gateway waits no longer), at
   * least MIN_LAMBDA_TIMEOUT_SECONDS (a create's DynamoDB calls, retried, must end first, so a
   * hanging table gives the client a 503 and not API Gateway's 502 for a timed-out function).
   */
  timeout: z
    .int("must be an integer")
    .min(MIN_LAMBDA_TIMEOUT_SECONDS, `must be ${MIN_LAMBDA_TIMEOUT_SECONDS}..29`)
    .max(29, `must be ${MIN_LAMBDA_TIMEOUT_SECONDS}..29`)
    .default(DEFAULTS.lambda.timeout),
}).prefault({});

/**
 * The settings file named by `TICKETS_CONFIG`. `domainName`, `hostedZoneId` and `regions`
 * describe one deployment and are required; everything else falls back to {@link DEFAULTS}.
 */
export const configSchema = strictObject({
  /** Apex domain of the hosted zone, e.g. `example.com`; the API is `api.<domainName>`. */
  domainName,
  /** Route 53 hosted zone id of `domainName`. */
  hostedZoneId: z
    .string()
    .regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id: "Z" and up to 31 uppercase letters or digits'),
  /** Regions, primary first; each gets the API, its domains and a table replica. */
  regions,
  /** How `api.<domain>` routes clients: see {@link ROUTING_MODES}. */
  routing: z
    .enum(ROUTING_MODES, { error: `must be one of: ${ROUTING_MODES.map((mode) => `"${mode}"`).join(", ")}` })
    .default(DEFAULTS.routing),
  /** DynamoDB global table name. */
  tableName: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, "must be 3-255 letters, digits, underscores, dots or hyphens")
    .default(DEFAULTS.tableName),
  /** Prefix of every named resource (functions, roles, APIs, log groups, topic, alarms). */
  namePrefix: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, "must be 1-20 lowercase letters, digits or hyphens, starting with a letter")
    .default(DEFAULTS.namePrefix),
  /**
   * Whether this stack manages API Gateway's account-level CloudWatch role in each region
   * (`aws_api_gateway_account`). Turn off where another stack or the organisation sets it.
   */
  manageApiGatewayAccount: z.boolean("must be true or false").default(DEFAULTS.manageApiGatewayAccount),
  /** Route 53 health check of each region's endpoint. */
  healthCheck,
  /** `Access-Control-Allow-Origin` of every response: `*` or one origin. */
  corsAllowOrigin: z
    .string()
    .regex(/^(\*|https?:\/\/[a-z0-9.-]+(:\d{1,5})?)$/, 'must be "*" or an origin such as https://tickets.example.com')
    .default(DEFAULTS.corsAllowOrigin),
  /** Existing ACM certificate per region (for `<domain>` and `*.<domain>`); others get a new one. */
  certificateArns: z
    .partialRecord(awsRegion, z.string().regex(ACM_CERTIFICATE_ARN, "must be an ACM certificate ARN"), {
      // zod reports a key outside the enum as unrecognized, although its types don't list that code.
      error: (issue) =>
        (issue.code as string) === "unrecognized_keys" ? "is not an AWS region code (e.g. eu-west-1)" : undefined,
    })
    .default({}),
  /** E-mail address subscribed to the health-check alarm topic. */
  alarmEmail: z.email("must be an e-mail address").optional(),
  /** Stage throttling of every regional API. */
  throttling,
  /** Alarms on how far each table's replicas are behind. */
  replicationAlarm,
  /** Size and timeout of the ticket functions. */
  lambda,
  /** Retention of Lambda and API access logs, in days. */
  logRetentionDays: z
    .literal(LOG_RETENTION_DAYS, {
      error: `must be one of the CloudWatch retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .default(DEFAULTS.logRetentionDays),
  /** Where Terraform keeps the state of the main stacks. */
  stateBackend,
  /** Resources for the failover drill's faults. */
  drill,
  /** Tags on every resource (merged over the default tags). */
  tags: z
    .record(z.string().min(1, "a tag key must not be empty").max(128, "a tag key must be at most 128 characters"), tagValue)
    .default({}),
}).superRefine((config, ctx) => {
  const names = config.regions.map((r) => r.name);
  for (const [region, arn] of Object.entries(config.certificateArns)) {
    if (!names.includes(region as (typeof names)[number])) {
      ctx.addIssue({
        code: "custom",
        path: ["certificateArns", region],
        message: `"${region}" is not one of the configured regions (${names.join(", ")})`,
      });
    }
    const arnRegion = ACM_CERTIFICATE_ARN.exec(arn)?.[1];
    if (arnRegion !== undefined && arnRegion !== region) {
      ctx.addIssue({
        code: "custom",
        path: ["certificateArns", region],
        message: `is a certificate in ${arnRegion}; API Gateway needs one in ${region}`,
      });
    }
  }
});

export type ConfigInput = z.input<typeof configSchema>;
type ParsedConfig = z.output<typeof configSchema>;

/** Validated settings of one deployment. */
export type TicketsConfig = Omit<ParsedConfig, "tags"> & { readonly tags: Record<string, string> };
export type RegionConfig = ParsedConfig["regions"][number];
