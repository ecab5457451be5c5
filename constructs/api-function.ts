import { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { BUNDLE_HANDLER, HANDLER_ENV, HANDLERS, type HandlerName } from "../contract/handlers";
import type { LambdaBundle } from "./lambda-bundles";
import { assumeRolePolicy } from "./service-role";
import { pinTerraformName, terraformName } from "./terraform-address";

/** Runtime and architecture of every function. */
export const LAMBDA_RUNTIME = "nodejs22.x";
export const LAMBDA_ARCHITECTURE = "arm64";
/** What active tracing needs; X-Ray supports no resource-level permissions for them. */
export const XRAY_WRITE_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;

/** The tuning knobs' defaults (the app's config defaults to the same values). */
export const API_FUNCTION_DEFAULTS = { memorySize: 256, timeout: 10, logRetentionDays: 30 } as const;

/** `<namePrefix>-<suffix>`: `tickets-get`, `tickets-post`, `tickets-health` by default. */
const FUNCTION_NAME_SUFFIX: Readonly<Record<HandlerName, string>> = {
  "tickets-get": "get",
  "tickets-post": "post",
  health: "health",
};

/** A DynamoDB table as a function sees it: the name it calls, the ARN it may touch. */
export interface FunctionTable {
  /** The table's name, the same in every region (set in the function's environment). */
  readonly tableName: string;
  /** ARN of the table or replica in the function's region: the only one its role may touch. */
  readonly tableArn: string;
}

export interface ApiFunctionProps {
  /** Which handler of the manifest (contract/handlers.ts): its bundle, actions and route. */
  readonly handler: HandlerName;
  /** AWS region code; also part of the role's name, since IAM is global. */
  readonly region: string;
  /** Provider of `region`: every resource of this construct uses it. */
  readonly provider: AwsProvider;
  /** Prefix of the function's name: `<namePrefix>-get`, `-post` or `-health`. */
  readonly namePrefix: string;
  /** The handler's zip, shared by every region. */
  readonly bundle: LambdaBundle;
  /** The tickets table; the role gets the handler's `tableActions` on its ARN. */
  readonly table: FunctionTable;
  /**
   * The idempotency table, for a handler whose manifest entry lists `idempotencyTableActions`
   * (it gets the table's name and exactly those actions on its ARN); ignored for the others.
   */
  readonly idempotencyTable: FunctionTable;
  /** `Access-Control-Allow-Origin` of every response. */
  readonly corsAllowOrigin: string;
  /**
   * Memory in MB (Lambda scales CPU with it).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout in seconds; a handler whose manifest entry has a shorter `timeoutSeconds` keeps
   * that one (the health function answers before Route 53 gives up).
   * @default 10
   */
  readonly timeout?: number;
  /**
   * Days the function's log group keeps events.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Concurrency reserved for this function. Lambda keeps at least 100 of the account's
   * concurrency unreserved, so the account quota must exceed 100 plus every reservation in
   * the region.
   * @default - no reservation (shares the account's unreserved pool)
   */
  readonly reservedConcurrency?: number;
}

/**
 * One handler as a Lambda function: its code, its own log group (created first, with
 * retention), and a role that may do only what the handler needs (its table actions on the
 * region's table ARN, writing to its own log group, X-Ray). The log group keeps a pinned
 * Terraform name (`<handler>_logs_<region>`): its events are history that a replacement loses.
 */
export class ApiFunction extends Construct {
  /** The function's name: Lambda's metrics are dimensioned by it. */
  readonly functionName: string;
  /** What an API Gateway integration invokes. */
  readonly invokeArn: string;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const { provider, region, handler } = props;
    const spec = HANDLERS[handler];
    const functionName = `${props.namePrefix}-${FUNCTION_NAME_SUFFIX[handler]}`;

    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      provider,
      name: `/aws/lambda/${functionName}`,
      retentionInDays: props.logRetentionDays ?? API_FUNCTION_DEFAULTS.logRetentionDays,
    });
    pinTerraformName(logGroup, terraformName(handler, "logs", region));
    const role = new IamRole(this, "role", {
      provider,
      // IAM is global: the region keeps the names of the regions' roles apart.
      name: `${functionName}-${region}`,
      description: `${spec.description} (${region})`,
      assumeRolePolicy: assumeRolePolicy(this, provider, "lambda.amazonaws.com"),
    });
    const rolePolicy = new IamRolePolicy(this, "role-policy", {
      provider,
      role: role.name,
      name: "least-privilege",
      policy: this.permissions(props, logGroup.arn).json,
    });

    const timeout = props.timeout ?? API_FUNCTION_DEFAULTS.timeout;
    const fn = new LambdaFunction(this, "function", {
      provider,
      functionName,
      description: spec.description,
      role: role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      handler: BUNDLE_HANDLER,
      filename: props.bundle.filename,
      sourceCodeHash: props.bundle.sourceCodeHash,
      memorySize: props.memorySize ?? API_FUNCTION_DEFAULTS.memorySize,
      timeout: "timeoutSeconds" in spec ? Math.min(spec.timeoutSeconds, timeout) : timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracingConfig: { mode: "Active" },
      environment: { variables: environment(props) },
      // Naming the log group ties the function to it: Terraform creates the group first,
      // so Lambda never creates one without retention.
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      // Lambda refuses active tracing while the role can't write to X-Ray yet.
      dependsOn: [rolePolicy],
    });
    this.functionName = fn.functionName;
    this.invokeArn = fn.invokeArn;
  }

  /** The role's only permissions: the handler's table actions, its own log group, X-Ray. */
  private permissions(props: ApiFunctionProps, logGroupArn: string): DataAwsIamPolicyDocument {
    const spec = HANDLERS[props.handler];
    return new DataAwsIamPolicyDocument(this, "permissions", {
      provider: props.provider,
      statement: [
        { sid: "TicketsTable", effect: "Allow", actions: [...spec.tableActions], resources: [props.table.tableArn] },
        ...("idempotencyTableActions" in spec
          ? [
              {
                sid: "IdempotencyTable",
                effect: "Allow",
                actions: [...spec.idempotencyTableActions],
                resources: [props.idempotencyTable.tableArn],
              },
            ]
          : []),
        {
          sid: "OwnLogGroup",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${logGroupArn}:*`],
        },
        // X-Ray has no resource-level permissions for these two actions: "*" is the only form.
        { sid: "XRayTraces", effect: "Allow", actions: [...XRAY_WRITE_ACTIONS], resources: ["*"] },
      ],
    });
  }
}

/** The handler's environment: the variables it reads at cold start (contract/handlers.ts). */
function environment(props: ApiFunctionProps): Record<string, string> {
  return {
    [HANDLER_ENV.tableName]: props.table.tableName,
    [HANDLER_ENV.corsAllowOrigin]: props.corsAllowOrigin,
    ...("idempotencyTableActions" in HANDLERS[props.handler]
      ? { [HANDLER_ENV.idempotencyTableName]: props.idempotencyTable.tableName }
      : {}),
  };
}
