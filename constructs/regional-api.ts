import { Construct } from "constructs";
import { Fn, type IResolvable, TerraformCount, type TerraformResource, Token } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayRestApiPolicy } from "@cdktf/provider-aws/lib/api-gateway-rest-api-policy";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { ticketsApiDocument } from "../contract/openapi";
import { BUNDLE_HANDLER, HANDLER_ENV, HANDLER_NAMES, HANDLERS, type HandlerName, STAGE_NAME } from "../contract/handlers";
import type { LambdaBundle } from "./lambda-bundles";
import { peerAttribute } from "./terraform-address";

/** Runtime and architecture of every function. */
export const LAMBDA_RUNTIME = "nodejs22.x";
export const LAMBDA_ARCHITECTURE = "arm64";
/** `<namePrefix>-<suffix>`: `tickets-get`, `tickets-post`, `tickets-health` by default. */
const FUNCTION_NAME_SUFFIX: Readonly<Record<HandlerName, string>> = {
  "tickets-get": "get",
  "tickets-post": "post",
  health: "health",
};
/** What active tracing needs; X-Ray supports no resource-level permissions for them. */
export const XRAY_WRITE_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;

/** One line of JSON per request in the access log. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  integrationLatency: "$context.integrationLatency",
  domainName: "$context.domainName",
});

export interface RegionalApiProps {
  /** AWS region code; also part of the global (IAM) resource names. */
  readonly region: string;
  /** Provider of `region`: every resource of this construct uses it. */
  readonly provider: AwsProvider;
  /** Prefix of every resource name. */
  readonly namePrefix: string;
  readonly tableName: string;
  /** ARN of the table or replica in this region: the only table the functions may touch. */
  readonly tableArn: string;
  /**
   * The idempotency table in this region, for the functions whose manifest entry lists
   * `idempotencyTableActions` (they get its name and exactly those actions on its ARN).
   */
  readonly idempotencyTable: { readonly tableName: string; readonly tableArn: string };
  readonly bundles: Readonly<Record<HandlerName, LambdaBundle>>;
  /** `Access-Control-Allow-Origin` of every response. */
  readonly corsAllowOrigin: string;
  readonly memorySize: number;
  /** Timeout of the ticket functions (the health function has its own, shorter one). */
  readonly timeout: number;
  readonly logRetentionDays: number;
  /** Stage throttling for client traffic; `/health` has its own, see {@link HEALTH_THROTTLING}. */
  readonly throttling: Throttling;
  /**
   * Concurrency reserved for the health function, so that client load on the ticket functions
   * can't starve Route 53's probes. Lambda keeps at least 100 of the account's concurrency
   * unreserved, so the account quota must exceed 100 plus every reservation in the region.
   * @default - no reservation (shares the account's unreserved pool)
   */
  readonly healthReservedConcurrency?: number;
  /**
   * The only addresses that may call `/health` (CIDR blocks): Route 53's health checkers and
   * any operator allowlist. Everyone else gets 403 from API Gateway there, so nobody on the
   * internet can fail the region over by failing its health check. A Terraform list (a module
   * input) works too.
   */
  readonly healthSourceCidrs: readonly string[];
  /**
   * Manage the account-level API Gateway CloudWatch role (`aws_api_gateway_account`, one per
   * account and region). Turn it off where another stack or the organisation manages it. A
   * Terraform expression (a module input) decides at plan time, through `count`.
   * @default true
   */
  readonly manageApiGatewayAccount?: boolean | IResolvable;
}

export interface Throttling {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * Throttling of `GET /health` alone. Route 53 probes each endpoint from about 15 checkers,
 * every 10 or 30 s: under 2 requests per second per health check. The stage-wide client
 * throttle would otherwise apply to them too, and a client burst above it would turn the
 * probes into 429s, fail the region over and back (flapping). High enough for every checker
 * and drill, bounded because the path is public.
 */
export const HEALTH_THROTTLING: Throttling = { rateLimit: 100, burstLimit: 200 };

/**
 * The ticket API in one region: per function a least-privilege role and its own log group;
 * a REGIONAL REST API defined by the shared OpenAPI document; a deployment replaced whenever
 * that document changes; stage `prod` with access logs and throttling.
 */
export class RegionalApi extends Construct {
  readonly restApiId: string;
  /** The REST API's name: API Gateway's metrics are dimensioned by it. */
  readonly apiName: string;
  readonly stageName: string;
  /** `https://<id>.execute-api.<region>.amazonaws.com/prod/` */
  readonly invokeUrl: string;
  /** Each handler's function name: Lambda's metrics are dimensioned by it. */
  readonly functionNames: Readonly<Record<HandlerName, string>>;

  constructor(scope: Construct, id: string, props: RegionalApiProps) {
    super(scope, id);
    const { provider, region, namePrefix } = props;

    const lambdaFunctions = Object.fromEntries(
      HANDLER_NAMES.map((handler) => [handler, this.apiFunction(handler, props)]),
    ) as Record<HandlerName, LambdaFunction>;
    this.functionNames = Object.fromEntries(
      HANDLER_NAMES.map((handler) => [handler, lambdaFunctions[handler].functionName]),
    ) as Record<HandlerName, string>;

    const api = new ApiGatewayRestApi(this, "rest-api", {
      provider,
      name: `${namePrefix}-api`,
      description: `Wild Rydes ticket API (${region})`,
      endpointConfiguration: { types: ["REGIONAL"] },
      body: JSON.stringify(
        ticketsApiDocument({
          title: `${namePrefix}-api`,
          corsAllowOrigin: props.corsAllowOrigin,
          integrationUri: (handler) => lambdaFunctions[handler].invokeArn,
        }),
      ),
    });

    // Its own resource, not the API's `policy`: it names the API's execution ARN, which AWS
    // echoes back in place of the `execute-api:/` shorthand (a diff on every plan). It applies
    // on every hostname of the API: api.<domain>, <label>.<domain> and execute-api's own.
    const policy = healthRestrictedPolicy(`${api.executionArn}`, props.healthSourceCidrs);
    const resourcePolicy = new ApiGatewayRestApiPolicy(this, "resource-policy", {
      provider,
      restApiId: api.id,
      policy: Token.isUnresolved(props.healthSourceCidrs) ? Fn.jsonencode(policy) : JSON.stringify(policy),
    });

    const deployment = new ApiGatewayDeployment(this, "deployment", {
      provider,
      restApiId: api.id,
      description: "Redeployed whenever the OpenAPI document or the resource policy changes",
      // API Gateway applies a changed resource policy only with the next deployment.
      triggers: { redeployment: Fn.sha1(Fn.jsonencode([api.body, resourcePolicy.policy])) },
      lifecycle: { createBeforeDestroy: true },
    });

    const manageAccount = props.manageApiGatewayAccount ?? true;
    const cloudwatchRole =
      manageAccount === false
        ? undefined
        : this.apiGatewayCloudwatchRole(props, manageAccount === true ? undefined : manageAccount);
    const accessLogs = new CloudwatchLogGroup(this, "access-logs", {
      provider,
      name: `/aws/apigateway/${namePrefix}-api/${STAGE_NAME}/access`,
      retentionInDays: props.logRetentionDays,
    });
    const stage = new ApiGatewayStage(this, "stage", {
      provider,
      restApiId: api.id,
      deploymentId: deployment.id,
      stageName: STAGE_NAME,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      xrayTracingEnabled: true,
      dependsOn: cloudwatchRole === undefined ? undefined : [cloudwatchRole],
    });
    // API Gateway would create the execution log group itself, without retention.
    const executionLogs = new CloudwatchLogGroup(this, "execution-logs", {
      provider,
      name: `API-Gateway-Execution-Logs_${api.id}/${STAGE_NAME}`,
      retentionInDays: props.logRetentionDays,
    });
    const methodSettings = (id: string, methodPath: string, throttling: Throttling, after: TerraformResource) =>
      new ApiGatewayMethodSettings(this, id, {
        provider,
        restApiId: api.id,
        stageName: stage.stageName,
        methodPath,
        settings: {
          throttlingRateLimit: throttling.rateLimit,
          throttlingBurstLimit: throttling.burstLimit,
          metricsEnabled: true,
          loggingLevel: "ERROR",
          dataTraceEnabled: false,
        },
        dependsOn: [after],
      });
    const stageSettings = methodSettings("stage-settings", "*/*", props.throttling, executionLogs);
    // A method's own settings replace the stage-wide ones for that method. One after the other:
    // both update the same stage, and API Gateway refuses concurrent modifications of it.
    const health = HANDLERS.health.route;
    methodSettings("health-settings", `${health.path.slice(1)}/${health.method}`, HEALTH_THROTTLING, stageSettings);

    for (const handler of HANDLER_NAMES) {
      const { method, path } = HANDLERS[handler].route;
      new LambdaPermission(this, `${handler}-invoke`, {
        provider,
        statementId: "AllowInvokeFromApiStage",
        action: "lambda:InvokeFunction",
        functionName: lambdaFunctions[handler].functionName,
        principal: "apigateway.amazonaws.com",
        // Only this API's prod stage, only this function's own route.
        sourceArn: `${api.executionArn}/${STAGE_NAME}/${method}${path}`,
      });
    }

    this.restApiId = api.id;
    this.apiName = api.name;
    this.stageName = stage.stageName;
    this.invokeUrl = `${stage.invokeUrl}/`;
  }

  /** A function with its own log group and a role that may do only what its handler needs. */
  private apiFunction(handler: HandlerName, props: RegionalApiProps): LambdaFunction {
    const { provider, region, namePrefix } = props;
    const spec = HANDLERS[handler];
    const functionName = `${namePrefix}-${FUNCTION_NAME_SUFFIX[handler]}`;
    const scope = new Construct(this, handler);

    const logGroup = new CloudwatchLogGroup(scope, "log-group", {
      provider,
      name: `/aws/lambda/${functionName}`,
      retentionInDays: props.logRetentionDays,
    });
    const role = new IamRole(scope, "role", {
      provider,
      // IAM is global: the region keeps the names of the regions' roles apart.
      name: `${functionName}-${region}`,
      description: `${spec.description} (${region})`,
      assumeRolePolicy: assumeRolePolicy(scope, provider, "lambda.amazonaws.com"),
    });
    const permissions = new DataAwsIamPolicyDocument(scope, "permissions", {
      provider,
      statement: [
        { sid: "TicketsTable", effect: "Allow", actions: [...spec.tableActions], resources: [props.tableArn] },
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
          resources: [`${logGroup.arn}:*`],
        },
        // X-Ray has no resource-level permissions for these two actions: "*" is the only form.
        { sid: "XRayTraces", effect: "Allow", actions: [...XRAY_WRITE_ACTIONS], resources: ["*"] },
      ],
    });
    const rolePolicy = new IamRolePolicy(scope, "role-policy", {
      provider,
      role: role.name,
      name: "least-privilege",
      policy: permissions.json,
    });

    const timeout = "timeoutSeconds" in spec ? Math.min(spec.timeoutSeconds, props.timeout) : props.timeout;
    return new LambdaFunction(scope, "function", {
      provider,
      functionName,
      description: spec.description,
      role: role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      handler: BUNDLE_HANDLER,
      filename: props.bundles[handler].filename,
      sourceCodeHash: props.bundles[handler].sourceCodeHash,
      memorySize: props.memorySize,
      timeout,
      reservedConcurrentExecutions: handler === "health" ? props.healthReservedConcurrency : undefined,
      tracingConfig: { mode: "Active" },
      environment: {
        variables: {
          [HANDLER_ENV.tableName]: props.tableName,
          [HANDLER_ENV.corsAllowOrigin]: props.corsAllowOrigin,
          ...("idempotencyTableActions" in spec ? { [HANDLER_ENV.idempotencyTableName]: props.idempotencyTable.tableName } : {}),
        },
      },
      // Naming the log group ties the function to it: Terraform creates the group first,
      // so Lambda never creates one without retention.
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      // Lambda refuses active tracing while the role can't write to X-Ray yet.
      dependsOn: [rolePolicy],
    });
  }

  /**
   * API Gateway writes access logs through one role per region, set on the account. (An
   * account-level setting: another stack in the same account and region that manages
   * `aws_api_gateway_account` would fight over it.)
   */
  private apiGatewayCloudwatchRole(props: RegionalApiProps, decidedBy?: IResolvable): ApiGatewayAccount {
    const { provider, region, namePrefix } = props;
    const scope = new Construct(this, "api-gateway-logging");
    // Decided at plan time: each resource exists once or not at all, and refers to its
    // counted peers by index.
    const count = decidedBy === undefined ? undefined : TerraformCount.of(Token.asNumber(Fn.conditional(decidedBy, 1, 0)));
    const role = new IamRole(scope, "role", {
      provider,
      count,
      name: `${namePrefix}-apigateway-logs-${region}`,
      description: `API Gateway access logging (${region})`,
      assumeRolePolicy: assumeRolePolicy(scope, provider, "apigateway.amazonaws.com"),
    });
    const attachment = new IamRolePolicyAttachment(scope, "managed-policy", {
      provider,
      count,
      role: peerAttribute(role, "name", count !== undefined),
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    });
    // API Gateway checks the role's permissions when the setting is made: attach them first.
    return new ApiGatewayAccount(scope, "account", {
      provider,
      count,
      cloudwatchRoleArn: peerAttribute(role, "arn", count !== undefined),
      // No reset_on_delete: provider 5.100 deprecates it (6.x always resets). A destroy leaves
      // the account's setting pointing at the deleted role until another stack sets it.
      dependsOn: [attachment],
    });
  }
}

/**
 * The REST API's resource policy: every route is open to everyone, except `/health` (any stage,
 * any method), which answers only `healthSourceCidrs`. API Gateway evaluates it before the
 * function runs: a refused caller gets 403 and costs no invocation.
 * @param executionArn the API's `arn:aws:execute-api:<region>:<account>:<api id>`
 */
export function healthRestrictedPolicy(executionArn: string, healthSourceCidrs: readonly string[]) {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "OpenApi", Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: `${executionArn}/*` },
      {
        Sid: "HealthOnlyFromCheckers",
        Effect: "Deny",
        Principal: "*",
        Action: "execute-api:Invoke",
        Resource: `${executionArn}/*/*${HANDLERS.health.route.path}`,
        Condition: { NotIpAddress: { "aws:SourceIp": healthSourceCidrs } },
      },
    ],
  };
}

/** A trust policy that lets only `service` assume the role. */
function assumeRolePolicy(scope: Construct, provider: AwsProvider, service: string): string {
  return new DataAwsIamPolicyDocument(scope, "trust", {
    provider,
    statement: [
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [service] }],
      },
    ],
  }).json;
}
