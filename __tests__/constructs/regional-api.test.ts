import { ref, Token } from "cdktf";
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
import { HANDLER_NAMES, HANDLERS, type HandlerName } from "../../contract/handlers";
import { ticketsApiDocument } from "../../contract/openapi";
import type { LambdaBundle } from "../../constructs/lambda-bundles";
import { HEALTH_THROTTLING, healthRestrictedPolicy, RegionalApi, type RegionalApiProps } from "../../constructs/regional-api";
import { exposedValue, exposeValue, regionalProvider, synthScope } from "../support/construct";
import { ACCOUNT, evaluate } from "../support/iam-simulation";
import {
  addressOf,
  attributeRef,
  expectDataSources,
  expectOnlyResource,
  expectResources,
  policyDocument,
  referencedResource,
  resourcesOf,
  type TerraformBlock,
  type TerraformJson,
} from "../support/terraform-json";

const REGION = "eu-west-1";
/** A Route 53 checker range of each family and an operator's address, as the stack passes them. */
const HEALTH_SOURCES = ["54.228.16.0/26", "2a05:d018:7ff:f800::/56", "203.0.113.7/32"];
const TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/SXRTickets";
const IDEMPOTENCY_TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/SXRTickets-idempotency";
const BUNDLES = Object.fromEntries(
  HANDLER_NAMES.map((handler) => [
    handler,
    { filename: `assets/${handler}/${handler}.zip`, sourceCodeHash: `sha256-of-${handler}=` },
  ]),
) as Record<HandlerName, LambdaBundle>;
const PROPS: Omit<RegionalApiProps, "provider"> = {
  region: REGION,
  namePrefix: "tickets",
  table: { tableName: "SXRTickets", tableArn: TABLE_ARN },
  idempotencyTable: { tableName: "SXRTickets-idempotency", tableArn: IDEMPOTENCY_TABLE_ARN },
  bundles: BUNDLES,
  corsAllowOrigin: "*",
  memorySize: 256,
  timeout: 10,
  logRetentionDays: 30,
  throttling: { rateLimit: 50, burstLimit: 100 },
  healthSourceCidrs: HEALTH_SOURCES,
};
/** `<namePrefix>-<what it does>`. */
const FUNCTION_NAMES: Record<HandlerName, string> = {
  "tickets-get": "tickets-get",
  "tickets-post": "tickets-post",
  health: "tickets-health",
};

/** A RegionalApi alone, with literal props; its attributes become outputs. */
function synthApi(overrides: Partial<Omit<RegionalApiProps, "provider">> = {}) {
  return synthScope((scope) => {
    const api = new RegionalApi(scope, "api", { ...PROPS, ...overrides, provider: regionalProvider(scope, REGION) });
    exposeValue(scope, "rest_api_id", api.restApiId);
    exposeValue(scope, "stage_name", api.stageName);
    exposeValue(scope, "invoke_url", api.invokeUrl);
  });
}

/** The function of `handler`, found by its name among exactly three. */
function functionOf(json: TerraformJson, handler: HandlerName): TerraformBlock {
  const found = expectResources(json, LambdaFunction, HANDLER_NAMES.length).filter(
    (fn) => fn.function_name === FUNCTION_NAMES[handler],
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The method settings of `methodPath` (exactly one). */
function methodSettingsOf(json: TerraformJson, methodPath: string): TerraformBlock {
  const found = expectResources(json, ApiGatewayMethodSettings, 2).filter((settings) => settings.method_path === methodPath);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe("RegionalApi", () => {
  const { json } = synthApi();
  const api = expectOnlyResource(json, ApiGatewayRestApi);
  const apiRef = (attribute: string) => attributeRef(json, ApiGatewayRestApi, api, attribute);
  const stage = expectOnlyResource(json, ApiGatewayStage);

  test("puts every resource and data source on the region's provider", () => {
    const blocks = [json.resource, json.data]
      .flatMap((byType) => Object.values<Record<string, TerraformBlock>>(byType))
      .flatMap((byName) => Object.values(byName));
    // Per function 7 (function, log group, role, role policy, invoke permission, two policy
    // documents); the API, deployment, stage, two method settings and two log groups; the
    // logging role with its trust document, managed policy attachment and account setting; the
    // API's resource policy.
    expect(blocks).toHaveLength(3 * 7 + 7 + 4 + 1);
    for (const block of blocks) expect(block.provider).toBe(`aws.${REGION}`);
  });

  test("has exactly the three functions, named after the prefix", () => {
    expect(
      expectResources(json, LambdaFunction, 3)
        .map((fn) => fn.function_name)
        .sort(),
    ).toEqual(["tickets-get", "tickets-health", "tickets-post"]);
  });

  // Each function's code, role and logs: __tests__/constructs/api-function.test.ts.
  describe.each(HANDLER_NAMES)("function %s", (handler) => {
    const fn = functionOf(json, handler);

    test("is an ApiFunction on the region's tables, with its bundle and the API's CORS origin", () => {
      expect([fn.filename, fn.source_code_hash]).toEqual([BUNDLES[handler].filename, BUNDLES[handler].sourceCodeHash]);
      expect(fn.environment.variables).toMatchObject({ TABLE_NAME: "SXRTickets", CORS_ALLOW_ORIGIN: "*" });
      const role = referencedResource(json, fn.role);
      const rolePolicy = expectResources(json, IamRolePolicy, 3).find(
        (p) => p.role === attributeRef(json, IamRole, role, "name"),
      )!;
      expect(policyDocument(json, rolePolicy.policy).statement[0].resources).toEqual([TABLE_ARN]);
    });

    test("may be invoked only by this API's prod stage on its own route", () => {
      const permissions = expectResources(json, LambdaPermission, 3).filter(
        (p) => p.function_name === attributeRef(json, LambdaFunction, fn, "function_name"),
      );
      expect(permissions).toHaveLength(1);
      const { method, path } = HANDLERS[handler].route;
      expect(permissions[0]).toEqual({
        provider: `aws.${REGION}`,
        statement_id: "AllowInvokeFromApiStage",
        action: "lambda:InvokeFunction",
        function_name: attributeRef(json, LambdaFunction, fn, "function_name"),
        principal: "apigateway.amazonaws.com",
        source_arn: `${apiRef("execution_arn")}/prod/${method}${path}`,
      });
    });
  });

  test("serves one REGIONAL REST API whose body is the OpenAPI document, integrated with these functions", () => {
    expect(api).toMatchObject({
      name: "tickets-api",
      description: `Wild Rydes ticket API (${REGION})`,
      endpoint_configuration: { types: ["REGIONAL"] },
    });
    const expected = ticketsApiDocument({
      title: "tickets-api",
      corsAllowOrigin: "*",
      integrationUri: (handler) => attributeRef(json, LambdaFunction, functionOf(json, handler), "invoke_arn"),
    });
    expect(JSON.parse(api.body)).toEqual(expected);
  });

  test("redeploys whenever the API body or its resource policy changes (API Gateway applies a policy only then), creating the new deployment first", () => {
    const deployment = expectOnlyResource(json, ApiGatewayDeployment);
    const policy = expectOnlyResource(json, ApiGatewayRestApiPolicy);
    expect(deployment).toMatchObject({
      rest_api_id: apiRef("id"),
      triggers: {
        redeployment: `\${sha1(jsonencode([${addressOf(json, ApiGatewayRestApi, api)}.body, ${addressOf(json, ApiGatewayRestApiPolicy, policy)}.policy]))}`,
      },
      lifecycle: { create_before_destroy: true },
    });
  });

  test("has a resource policy of its own, on its execution ARN (AWS echoes the execute-api:/ shorthand expanded: a diff on every plan)", () => {
    const policy = expectOnlyResource(json, ApiGatewayRestApiPolicy);
    expect(policy.rest_api_id).toBe(apiRef("id"));
    expect(api.policy).toBeUndefined();
    const document = JSON.parse(policy.policy);
    expect(document).toEqual(healthRestrictedPolicy(apiRef("execution_arn"), HEALTH_SOURCES));
    expect(JSON.stringify(document)).not.toContain("execute-api:/");
  });

  test("serves stage prod of the latest deployment with one line of JSON access log per request, kept for the retention", () => {
    expect(stage).toMatchObject({
      stage_name: "prod",
      rest_api_id: apiRef("id"),
      deployment_id: attributeRef(json, ApiGatewayDeployment, expectOnlyResource(json, ApiGatewayDeployment), "id"),
      xray_tracing_enabled: true,
    });
    expect(JSON.parse(stage.access_log_settings.format)).toEqual({
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
    const accessLogs = referencedResource(json, stage.access_log_settings.destination_arn);
    expect(accessLogs).toMatchObject({ name: "/aws/apigateway/tickets-api/prod/access", retention_in_days: 30 });
  });

  test("throttles every method, records metrics and logs errors without request data, into a log group with retention", () => {
    const settings = methodSettingsOf(json, "*/*");
    expect(settings).toMatchObject({
      rest_api_id: apiRef("id"),
      stage_name: attributeRef(json, ApiGatewayStage, stage, "stage_name"),
      method_path: "*/*",
    });
    expect(settings.settings).toEqual({
      throttling_rate_limit: 50,
      throttling_burst_limit: 100,
      metrics_enabled: true,
      logging_level: "ERROR",
      data_trace_enabled: false,
    });
    // API Gateway would create the execution log group itself, without retention.
    expect(settings.depends_on).toHaveLength(1);
    const executionLogs = referencedResource(json, `\${${settings.depends_on[0]}.id}`);
    expect(executionLogs).toEqual({
      name: `API-Gateway-Execution-Logs_${apiRef("id")}/prod`,
      retention_in_days: 30,
      provider: `aws.${REGION}`,
    });
  });

  test("GET /health has its own throttle, so client bursts never turn Route 53's probes into 429s", () => {
    const stageWide = methodSettingsOf(json, "*/*");
    const health = methodSettingsOf(json, "health/GET");
    expect(health).toMatchObject({
      rest_api_id: apiRef("id"),
      stage_name: attributeRef(json, ApiGatewayStage, stage, "stage_name"),
    });
    expect(health.settings).toEqual({ ...stageWide.settings, throttling_rate_limit: 100, throttling_burst_limit: 200 });
    expect(HEALTH_THROTTLING).toEqual({ rateLimit: 100, burstLimit: 200 });
    // Both update the stage, which API Gateway won't do concurrently.
    expect(health.depends_on).toEqual([addressOf(json, ApiGatewayMethodSettings, stageWide)]);
  });

  // The setting itself: __tests__/constructs/api-gateway-logging.test.ts.
  test("manages the region's API Gateway logging setting, and creates the stage after it", () => {
    const account = expectOnlyResource(json, ApiGatewayAccount);
    expect(referencedResource(json, account.cloudwatch_role_arn).name).toBe(`tickets-apigateway-logs-${REGION}`);
    expect(stage.depends_on).toEqual([addressOf(json, ApiGatewayAccount, account)]);
  });

  test("has no other role and no other policy document than those above", () => {
    expectResources(json, IamRole, 4);
    // A trust and a permissions document per function, and the logging role's trust.
    expectDataSources(json, DataAwsIamPolicyDocument, 7);
  });

  test("exposes the API id, the stage name and the stage's invoke URL with a trailing slash", () => {
    expect(exposedValue(json, "rest_api_id")).toBe(apiRef("id"));
    expect(exposedValue(json, "stage_name")).toBe(attributeRef(json, ApiGatewayStage, stage, "stage_name"));
    expect(exposedValue(json, "invoke_url")).toBe(`${attributeRef(json, ApiGatewayStage, stage, "invoke_url")}/`);
  });
});

describe("RegionalApi props", () => {
  test("memory, timeout, CORS origin, retention and throttling reach the functions, the logs and the stage", () => {
    const { json } = synthApi({
      corsAllowOrigin: "https://tickets.example.com",
      memorySize: 512,
      timeout: 20,
      logRetentionDays: 90,
      throttling: { rateLimit: 10, burstLimit: 20 },
    });
    expect(
      expectResources(json, LambdaFunction, 3)
        .map((fn) => [fn.function_name, fn.memory_size, fn.timeout, fn.environment.variables.CORS_ALLOW_ORIGIN])
        .sort(),
    ).toEqual([
      ["tickets-get", 512, 20, "https://tickets.example.com"],
      ["tickets-health", 512, 3, "https://tickets.example.com"],
      ["tickets-post", 512, 20, "https://tickets.example.com"],
    ]);
    // Three function logs, access logs, execution logs.
    expect(expectResources(json, CloudwatchLogGroup, 5).map((group) => group.retention_in_days)).toEqual([90, 90, 90, 90, 90]);
    expect(methodSettingsOf(json, "*/*").settings).toMatchObject({ throttling_rate_limit: 10, throttling_burst_limit: 20 });
    expect(methodSettingsOf(json, "health/GET").settings).toMatchObject({
      throttling_rate_limit: 100,
      throttling_burst_limit: 200,
    });
    expect(
      JSON.parse(expectOnlyResource(json, ApiGatewayRestApi).body).paths["/ticket"].options["x-amazon-apigateway-integration"]
        .responses.default.responseParameters,
    ).toMatchObject({
      "method.response.header.Access-Control-Allow-Origin": "'https://tickets.example.com'",
    });
  });

  test("the name prefix names the functions, their logs and roles, the API and its logs", () => {
    const { json } = synthApi({ namePrefix: "acme" });
    expect(
      expectResources(json, LambdaFunction, 3)
        .map((fn) => fn.function_name)
        .sort(),
    ).toEqual(["acme-get", "acme-health", "acme-post"]);
    expect(
      expectResources(json, IamRole, 4)
        .map((role) => role.name)
        .sort(),
    ).toEqual(["acme-apigateway-logs-eu-west-1", "acme-get-eu-west-1", "acme-health-eu-west-1", "acme-post-eu-west-1"]);
    expect(expectOnlyResource(json, ApiGatewayRestApi).name).toBe("acme-api");
    expect(JSON.parse(expectOnlyResource(json, ApiGatewayRestApi).body).info.title).toBe("acme-api");
    expect(
      expectResources(json, CloudwatchLogGroup, 5)
        .map((group) => group.name)
        .filter((name: string) => !name.startsWith("API-Gateway-Execution-Logs_"))
        .sort(),
    ).toEqual([
      "/aws/apigateway/acme-api/prod/access",
      "/aws/lambda/acme-get",
      "/aws/lambda/acme-health",
      "/aws/lambda/acme-post",
    ]);
  });

  test("a reserved concurrency goes to the health function only, so client load can't starve the probes", () => {
    const { json } = synthApi({ healthReservedConcurrency: 10 });
    expect(
      expectResources(json, LambdaFunction, 3)
        .map((fn) => [fn.function_name, fn.reserved_concurrent_executions])
        .sort(),
    ).toEqual([
      ["tickets-get", undefined],
      ["tickets-health", 10],
      ["tickets-post", undefined],
    ]);
  });

  test("without the account setting there is no logging role, attachment or account resource, and the stage waits for none", () => {
    const { json } = synthApi({ manageApiGatewayAccount: false });
    expectResources(json, ApiGatewayAccount, 0);
    expectResources(json, IamRolePolicyAttachment, 0);
    expect(
      expectResources(json, IamRole, 3)
        .map((role) => role.name)
        .sort(),
    ).toEqual(["tickets-get-eu-west-1", "tickets-health-eu-west-1", "tickets-post-eu-west-1"]);
    expect(expectOnlyResource(json, ApiGatewayStage).depends_on).toBeUndefined();
  });

  test("an account setting decided at plan time (the module's input) counts the role, attachment and account, each by its peer's index", () => {
    const { json } = synthApi({ manageApiGatewayAccount: Token.asAny(ref("var.manage_api_gateway_account")) });
    const count = "${var.manage_api_gateway_account ? 1 : 0}";
    const [account] = expectResources(json, ApiGatewayAccount, 1) as [TerraformBlock];
    const [attachment] = expectResources(json, IamRolePolicyAttachment, 1) as [TerraformBlock];
    const roles = expectResources(json, IamRole, 4).filter((role) => role.count !== undefined);
    expect(roles).toHaveLength(1);
    const role = addressOf(json, IamRole, roles[0]!);
    expect([roles[0]!.count, attachment.count, account.count]).toEqual([count, count, count]);
    expect(attachment.role).toBe(`\${${role}[count.index].name}`);
    expect(account.cloudwatch_role_arn).toBe(`\${${role}[count.index].arn}`);
    expect(account.depends_on).toEqual([addressOf(json, IamRolePolicyAttachment, attachment)]);
    expect(expectOnlyResource(json, ApiGatewayStage).depends_on).toEqual([addressOf(json, ApiGatewayAccount, account)]);
  });

  test("the region names the global IAM roles, and the table ARN is the only table the functions may touch", () => {
    const tableArn = "arn:aws:dynamodb:ap-southeast-1:123456789012:table/SXRTickets";
    const { json } = synthApi({ region: "ap-southeast-1", table: { tableName: "SXRTickets", tableArn } });
    expect(
      expectResources(json, IamRole, 4)
        .map((role) => role.name)
        .sort(),
    ).toEqual([
      "tickets-apigateway-logs-ap-southeast-1",
      "tickets-get-ap-southeast-1",
      "tickets-health-ap-southeast-1",
      "tickets-post-ap-southeast-1",
    ]);
    const tableResources = Object.values(resourcesOf(json, IamRolePolicy)).map(
      (p) => policyDocument(json, p.policy).statement[0].resources,
    );
    expect(tableResources).toEqual([[tableArn], [tableArn], [tableArn]]);
  });
});

describe("The API's resource policy, as synthesized, evaluated by an IAM engine", () => {
  const { json } = synthApi();
  const api = expectOnlyResource(json, ApiGatewayRestApi);
  // What API Gateway substitutes for the reference once the API exists.
  const executionArn = `arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3d4e5`;
  const policy = JSON.parse(
    expectOnlyResource(json, ApiGatewayRestApiPolicy).policy.replaceAll(
      attributeRef(json, ApiGatewayRestApi, api, "execution_arn"),
      executionArn,
    ),
  );
  const call = (route: string, sourceIp: string) =>
    evaluate(policy, {
      principal: "anonymous",
      action: "execute-api:Invoke",
      resource: `${executionArn}/prod/${route}`,
      context: { "aws:SourceIp": sourceIp },
    });

  test.each([
    ["a Route 53 checker (IPv4)", "54.228.16.9"],
    ["a Route 53 checker (IPv6)", "2a05:d018:7ff:f800::1"],
    ["the operator allowlist", "203.0.113.7"],
  ])("GET /health from %s is allowed", async (_who, ip) => {
    expect(await call("GET/health", ip)).toBe("Allowed");
  });

  test.each([
    ["GET/health", "198.51.100.20"],
    ["GET/health", "54.228.16.64"],
    ["GET/health", "2001:db8::1"],
    ["OPTIONS/health", "198.51.100.20"],
  ])("%s from %s (outside every allowed range) is denied", async (route, ip) => {
    expect(await call(route, ip)).toBe("ExplicitlyDenied");
  });

  test.each(["GET/ticket", "POST/ticket", "OPTIONS/ticket"])("%s stays open to everyone", async (route) => {
    expect(await call(route, "198.51.100.20")).toBe("Allowed");
  });

  test("another API's health route is not what the policy opens", async () => {
    expect(
      await evaluate(policy, {
        principal: "anonymous",
        action: "execute-api:Invoke",
        resource: `arn:aws:execute-api:${REGION}:${ACCOUNT}:otherapi01/prod/GET/health`,
        context: { "aws:SourceIp": "54.228.16.9" },
      }),
    ).toBe("ImplicitlyDenied");
  });
});
