import { HANDLER_NAMES, HANDLERS } from "../../contract/handlers";
import { policyDocument, referencedResource, resourcesIn, synthStacks } from "../support/synth";

const { tickets } = synthStacks();
const REGIONS = ["eu-west-1", "ap-southeast-1"] as const;
const tableAddress = `aws_dynamodb_table.${Object.keys(tickets.resource.aws_dynamodb_table)[0]}`;
const TABLE_ARN = {
  "eu-west-1": `\${${tableAddress}.arn}`,
  "ap-southeast-1": `\${one([for replica in ${tableAddress}.replica : replica.arn if replica.region_name == "ap-southeast-1"])}`,
};

const FUNCTION_NAMES: Record<string, string> = { "tickets-get": "tickets-get", "tickets-post": "tickets-post", health: "tickets-health" };

const functionIn = (region: string, handler: string) => {
  const found = resourcesIn(tickets, "aws_lambda_function", region).filter((fn) => fn.function_name === FUNCTION_NAMES[handler]);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe.each(REGIONS)("regional API in %s", (region) => {
  test("has exactly the three functions", () => {
    expect(resourcesIn(tickets, "aws_lambda_function", region).map((fn) => fn.function_name).sort()).toEqual([
      "tickets-get",
      "tickets-health",
      "tickets-post",
    ]);
  });

  describe.each(HANDLER_NAMES)("function %s", (handler) => {
    const fn = functionIn(region, handler);
    const role = referencedResource(tickets, fn.role);
    const rolePolicies = resourcesIn(tickets, "aws_iam_role_policy", region).filter((p) => p.role === fn.role.replace(/\.arn\}$/, ".name}"));
    const logGroup = referencedResource(tickets, fn.logging_config.log_group);

    test("runs Node.js 22 on arm64 with explicit memory and timeout", () => {
      expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.handler", memory_size: 256 });
      expect(fn.timeout).toBe(handler === "health" ? 3 : 10);
    });

    test("gets the table name and the CORS origin", () => {
      expect(fn.environment.variables).toEqual({ TABLE_NAME: "${aws_dynamodb_table." + tableAddress.split(".")[1] + ".name}", CORS_ALLOW_ORIGIN: "*" });
    });

    test("ships its own deterministic zip, identified by its content hash", () => {
      expect(fn.filename).toMatch(new RegExp(`^assets/.+/${handler}\\.zip$`));
      expect(fn.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    });

    test("logs as JSON to its own log group with retention", () => {
      expect(fn.logging_config.log_format).toBe("JSON");
      expect(logGroup).toMatchObject({ name: `/aws/lambda/${FUNCTION_NAMES[handler]}`, retention_in_days: 30, provider: `aws.${region}` });
    });

    test("has its own role, assumable only by Lambda", () => {
      expect(role.name).toBe(`${FUNCTION_NAMES[handler]}-${region}`);
      expect(role.provider).toBe(`aws.${region}`);
      expect(policyDocument(tickets, role.assume_role_policy).statement).toEqual([
        { effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] },
      ]);
    });

    test("may do only its handler's DynamoDB actions on this region's table, and write only its own logs", () => {
      expect(rolePolicies).toHaveLength(1);
      const statements = policyDocument(tickets, rolePolicies[0]!.policy).statement;
      const logGroupArn = fn.logging_config.log_group.replace(/\.name\}$/, ".arn}");
      expect(statements).toEqual([
        { sid: "TicketsTable", effect: "Allow", actions: [...HANDLERS[handler].tableActions], resources: [TABLE_ARN[region]] },
        { sid: "OwnLogGroup", effect: "Allow", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logGroupArn}:*`] },
      ]);
      expect(JSON.stringify(statements)).not.toMatch(/"\*"/);
    });

    test("may be invoked only by this API's prod stage on its own route", () => {
      const permissions = resourcesIn(tickets, "aws_lambda_permission", region).filter(
        (p) => p.function_name === fn.function_name || p.function_name === `\${aws_lambda_function.${fnName(fn)}.function_name}`,
      );
      expect(permissions).toHaveLength(1);
      const api = resourcesIn(tickets, "aws_api_gateway_rest_api", region)[0]!;
      expect(api).toBeDefined();
      const { method, path } = HANDLERS[handler].route;
      expect(permissions[0]).toMatchObject({ action: "lambda:InvokeFunction", principal: "apigateway.amazonaws.com" });
      expect(permissions[0]!.source_arn).toMatch(new RegExp(`^\\$\\{aws_api_gateway_rest_api\\.[^.]+\\.execution_arn\\}/prod/${method}${path.replace("/", "\\/")}$`));
    });
  });

  test("serves one REGIONAL REST API whose body is the OpenAPI document with this region's functions", () => {
    const apis = resourcesIn(tickets, "aws_api_gateway_rest_api", region);
    expect(apis).toHaveLength(1);
    expect(apis[0]!.endpoint_configuration).toEqual({ types: ["REGIONAL"] });
    const body = apis[0]!.body as string;
    for (const handler of HANDLER_NAMES) {
      expect(body).toContain(`\${aws_lambda_function.${fnName(functionIn(region, handler))}.invoke_arn}`);
    }
    for (const other of REGIONS.filter((r) => r !== region)) {
      for (const handler of HANDLER_NAMES) {
        expect(body).not.toContain(fnName(functionIn(other, handler)));
      }
    }
  });

  test("redeploys whenever the API body changes, creating the new deployment first", () => {
    const deployment = onlyIn("aws_api_gateway_deployment", region);
    expect(deployment.triggers).toEqual({ redeployment: expect.stringMatching(/^\$\{sha1\(aws_api_gateway_rest_api\.[^.]+\.body\)\}$/) });
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
  });

  test("serves stage prod with JSON access logs and throttling", () => {
    const stage = onlyIn("aws_api_gateway_stage", region);
    expect(stage.stage_name).toBe("prod");
    expect(JSON.parse(stage.access_log_settings.format)).toMatchObject({ requestId: "$context.requestId", status: "$context.status" });
    const accessLogs = referencedResource(tickets, stage.access_log_settings.destination_arn);
    expect(accessLogs).toMatchObject({ name: "/aws/apigateway/tickets-api/prod/access", retention_in_days: 30 });
    const settings = onlyIn("aws_api_gateway_method_settings", region);
    expect(settings.method_path).toBe("*/*");
    expect(settings.settings.logging_level).toBe("ERROR");
    const [executionLogs] = settings.depends_on.map((address: string) => referencedResource(tickets, `\${${address}.id}`));
    expect(executionLogs).toMatchObject({ retention_in_days: 30, provider: `aws.${region}` });
    expect(executionLogs.name).toMatch(/^API-Gateway-Execution-Logs_\$\{aws_api_gateway_rest_api\.[^.]+\.id\}\/prod$/);
    expect(settings.settings).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 100, metrics_enabled: true, data_trace_enabled: false });
  });

  test("lets API Gateway write access logs through an account-level role", () => {
    const account = onlyIn("aws_api_gateway_account", region);
    const role = referencedResource(tickets, account.cloudwatch_role_arn);
    expect(role.name).toBe(`tickets-apigateway-logs-${region}`);
    expect(policyDocument(tickets, role.assume_role_policy).statement[0].principals).toEqual([
      { type: "Service", identifiers: ["apigateway.amazonaws.com"] },
    ]);
  });
});

test("config reaches the functions and the stage", () => {
  const { tickets: stack } = synthStacks({
    corsAllowOrigin: "https://tickets.example.com",
    lambda: { memorySize: 512, timeout: 20 },
    logRetentionDays: 90,
    throttling: { rateLimit: 10, burstLimit: 20 },
  });
  const fns = resourcesIn(stack, "aws_lambda_function", "eu-west-1");
  expect(fns.map((fn) => [fn.function_name, fn.memory_size, fn.timeout, fn.environment.variables.CORS_ALLOW_ORIGIN]).sort()).toEqual([
    ["tickets-get", 512, 20, "https://tickets.example.com"],
    ["tickets-health", 512, 3, "https://tickets.example.com"],
    ["tickets-post", 512, 20, "https://tickets.example.com"],
  ]);
  expect(resourcesIn(stack, "aws_cloudwatch_log_group", "eu-west-1").every((g) => g.retention_in_days === 90)).toBe(true);
  expect(resourcesIn(stack, "aws_api_gateway_method_settings", "eu-west-1")[0]!.settings).toMatchObject({
    throttling_rate_limit: 10,
    throttling_burst_limit: 20,
  });
});

function onlyIn(type: string, region: string) {
  const found = resourcesIn(tickets, type, region);
  expect(found).toHaveLength(1);
  return found[0]!;
}

function fnName(fn: Record<string, any>): string {
  const entry = Object.entries<any>(tickets.resource.aws_lambda_function).find(([, value]) => value === fn);
  return entry![0];
}
