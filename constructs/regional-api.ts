import { Construct } from "constructs";
import { Fn, type IResolvable, type TerraformResource, Token } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayRestApiPolicy } from "@cdktf/provider-aws/lib/api-gateway-rest-api-policy";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { ticketsApiDocument } from "../contract/openapi";
import { HANDLER_NAMES, HANDLERS, type HandlerName, STAGE_NAME } from "../contract/handlers";
import { API_FUNCTION_DEFAULTS, ApiFunction, type FunctionTable } from "./api-function";
import { ApiGatewayLogging } from "./api-gateway-logging";
import type { LambdaBundle } from "./lambda-bundles";
import { pinTerraformName, terraformName } from "./terraform-address";

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
  /** Prefix of every resource name (`<namePrefix>-api`, `<namePrefix>-get`, ...). */
  readonly namePrefix: string;
  /** The tickets table in this region: the only table the functions may touch. */
  readonly table: FunctionTable;
  /**
   * The idempotency table in this region, for the functions whose manifest entry lists
   * `idempotencyTableActions` (they get its name and exactly those actions on its ARN).
   */
  readonly idempotencyTable: FunctionTable;
  /** Each handler's zip, shared by every region (see LambdaBundles). */
  readonly bundles: Readonly<Record<HandlerName, LambdaBundle>>;
  /** `Access-Control-Allow-Origin` of every response. */
  readonly corsAllowOrigin: string;
  /**
   * Memory of every function, in MB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout of the ticket functions in seconds (the health function keeps its own, shorter one).
   * @default 10
   */
  readonly timeout?: number;
  /**
   * Days every log group of the region's API keeps events: the functions', the access and
   * the execution logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Stage throttling for client traffic; `/health` has its own, see {@link HEALTH_THROTTLING}.
   * @default - 50 requests per second, bursts of 100
   */
  readonly throttling?: Throttling;
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
   * Manage the account-level API Gateway logging setting of the region (see
   * ApiGatewayLogging). Turn it off where another stack or the organisation manages it. A
   * Terraform expression (a module input) decides at plan time, through `count`.
   * @default true
   */
  readonly manageApiGatewayAccount?: boolean | IResolvable;
}

/** A stage's or method's throttle (API Gateway's token bucket). */
export interface Throttling {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests the bucket holds for a burst. */
  readonly burstLimit: number;
}

/** The stage's client throttle by default. */
export const DEFAULT_THROTTLING: Throttling = { rateLimit: 50, burstLimit: 100 };

/**
 * Throttling of `GET /health` alone. Route 53 probes each endpoint from about 15 checkers,
 * every 10 or 30 s: under 2 requests per second per health check. The stage-wide client
 * throttle would otherwise apply to them too, and a client burst above it would turn the
 * probes into 429s, fail the region over and back (flapping). High enough for every checker
 * and drill, bounded because the path is public.
 */
export const HEALTH_THROTTLING: Throttling = { rateLimit: 100, burstLimit: 200 };

/**
 * The ticket API in one region: an ApiFunction per handler; a REGIONAL REST API defined by
 * the shared OpenAPI document; a deployment replaced whenever that document or the resource
 * policy changes; stage `prod` with access logs and throttling; the region's API Gateway
 * logging setting (ApiGatewayLogging) unless it is managed elsewhere.
 */
export class RegionalApi extends Construct {
  readonly restApiId: string;
  /** The REST API's name: API Gateway's metrics are dimensioned by it. */
  readonly apiName: string;
  /** The stage's name (`prod`): API Gateway's metrics are dimensioned by it too. */
  readonly stageName: string;
  /** `https://<id>.execute-api.<region>.amazonaws.com/prod/` */
  readonly invokeUrl: string;
  /** Each handler's function name: Lambda's metrics are dimensioned by it. */
  readonly functionNames: Readonly<Record<HandlerName, string>>;

  constructor(scope: Construct, id: string, props: RegionalApiProps) {
    super(scope, id);
    const functions = Object.fromEntries(HANDLER_NAMES.map((handler) => [handler, this.apiFunction(handler, props)])) as Record<
      HandlerName,
      ApiFunction
    >;
    this.functionNames = Object.fromEntries(HANDLER_NAMES.map((handler) => [handler, functions[handler].functionName])) as Record<
      HandlerName,
      string
    >;

    const api = this.restApi(props, functions);
    const stage = this.stage(props, api);
    for (const handler of HANDLER_NAMES) {
      const { method, path } = HANDLERS[handler].route;
      new LambdaPermission(this, `${handler}-invoke`, {
        provider: props.provider,
        statementId: "AllowInvokeFromApiStage",
        action: "lambda:InvokeFunction",
        functionName: functions[handler].functionName,
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

  private apiFunction(handler: HandlerName, props: RegionalApiProps): ApiFunction {
    return new ApiFunction(this, handler, {
      handler,
      region: props.region,
      provider: props.provider,
      namePrefix: props.namePrefix,
      bundle: props.bundles[handler],
      table: props.table,
      idempotencyTable: props.idempotencyTable,
      corsAllowOrigin: props.corsAllowOrigin,
      memorySize: props.memorySize,
      timeout: props.timeout,
      logRetentionDays: props.logRetentionDays,
      reservedConcurrency: handler === "health" ? props.healthReservedConcurrency : undefined,
    });
  }

  /** The REST API from the OpenAPI document, its resource policy, and its deployment. */
  private restApi(props: RegionalApiProps, functions: Record<HandlerName, ApiFunction>) {
    const { provider, namePrefix } = props;
    const api = new ApiGatewayRestApi(this, "rest-api", {
      provider,
      name: `${namePrefix}-api`,
      description: `Wild Rydes ticket API (${props.region})`,
      endpointConfiguration: { types: ["REGIONAL"] },
      body: JSON.stringify(
        ticketsApiDocument({
          title: `${namePrefix}-api`,
          corsAllowOrigin: props.corsAllowOrigin,
          integrationUri: (handler) => functions[handler].invokeArn,
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
    return { id: api.id, name: api.name, executionArn: api.executionArn, deploymentId: deployment.id };
  }

  /** Stage `prod` with its access and execution logs, and its throttling. */
  private stage(props: RegionalApiProps, api: { id: string; deploymentId: string }): ApiGatewayStage {
    const { provider, region } = props;
    const manageAccount = props.manageApiGatewayAccount ?? true;
    const logging =
      manageAccount === false
        ? undefined
        : new ApiGatewayLogging(this, "api-gateway-logging", {
            region,
            provider,
            namePrefix: props.namePrefix,
            enabled: manageAccount === true ? undefined : manageAccount,
          });
    const logRetention = props.logRetentionDays ?? API_FUNCTION_DEFAULTS.logRetentionDays;
    const accessLogs = new CloudwatchLogGroup(this, "access-logs", {
      provider,
      name: `/aws/apigateway/${props.namePrefix}-api/${STAGE_NAME}/access`,
      retentionInDays: logRetention,
    });
    pinTerraformName(accessLogs, terraformName("api_access_logs", region));
    const stage = new ApiGatewayStage(this, "stage", {
      provider,
      restApiId: api.id,
      deploymentId: api.deploymentId,
      stageName: STAGE_NAME,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      xrayTracingEnabled: true,
      dependsOn: logging === undefined ? undefined : [logging.account],
    });
    // API Gateway would create the execution log group itself, without retention.
    const executionLogs = new CloudwatchLogGroup(this, "execution-logs", {
      provider,
      name: `API-Gateway-Execution-Logs_${api.id}/${STAGE_NAME}`,
      retentionInDays: logRetention,
    });
    pinTerraformName(executionLogs, terraformName("api_execution_logs", region));
    this.methodSettings(props, api.id, stage, executionLogs);
    return stage;
  }

  /**
   * Throttling, metrics and error logging of the stage, after its execution log group exists;
   * then `/health`'s own throttle ({@link HEALTH_THROTTLING}).
   */
  private methodSettings(props: RegionalApiProps, restApiId: string, stage: ApiGatewayStage, executionLogs: TerraformResource) {
    const settings = (id: string, methodPath: string, throttling: Throttling, after: TerraformResource) =>
      new ApiGatewayMethodSettings(this, id, {
        provider: props.provider,
        restApiId,
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
    const stageWide = settings("stage-settings", "*/*", props.throttling ?? DEFAULT_THROTTLING, executionLogs);
    // A method's own settings replace the stage-wide ones for that method. One after the other:
    // both update the same stage, and API Gateway refuses concurrent modifications of it.
    const health = HANDLERS.health.route;
    settings("health-settings", `${health.path.slice(1)}/${health.method}`, HEALTH_THROTTLING, stageWide);
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
