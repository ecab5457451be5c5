/**
 * ApiFunction alone (constructs/api-function.ts): one handler's function, its own log group
 * and its least-privilege role, built per handler with only the required props, so the
 * tuning knobs' defaults are what the tests see.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { HANDLER_NAMES, HANDLERS, type HandlerName } from "../../contract/handlers";
import { ApiFunction, type ApiFunctionProps, XRAY_WRITE_ACTIONS } from "../../constructs/api-function";
import { exposedValue, exposeValue, regionalProvider, synthScope } from "../support/construct";
import {
  addressOf,
  attributeRef,
  expectDataSources,
  expectOnlyResource,
  policyDocument,
  referencedResource,
} from "../support/terraform-json";

const REGION = "eu-west-1";
const TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/SXRTickets";
const IDEMPOTENCY_TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/SXRTickets-idempotency";
const FUNCTION_NAMES: Record<HandlerName, string> = {
  "tickets-get": "tickets-get",
  "tickets-post": "tickets-post",
  health: "tickets-health",
};

/** One ApiFunction with the required props only (and `overrides`); its attributes become outputs. */
function synthFunction(handler: HandlerName, overrides: Partial<Omit<ApiFunctionProps, "provider" | "handler">> = {}) {
  return synthScope((scope) => {
    const fn = new ApiFunction(scope, handler, {
      handler,
      region: REGION,
      provider: regionalProvider(scope, REGION),
      namePrefix: "tickets",
      bundle: { filename: `assets/${handler}/${handler}.zip`, sourceCodeHash: `sha256-of-${handler}=` },
      table: { tableName: "SXRTickets", tableArn: TABLE_ARN },
      idempotencyTable: { tableName: "SXRTickets-idempotency", tableArn: IDEMPOTENCY_TABLE_ARN },
      corsAllowOrigin: "*",
      ...overrides,
    });
    exposeValue(scope, "function_name", fn.functionName);
    exposeValue(scope, "invoke_arn", fn.invokeArn);
  });
}

describe.each(HANDLER_NAMES)("ApiFunction %s", (handler) => {
  const { json } = synthFunction(handler);
  const fn = expectOnlyResource(json, LambdaFunction);
  const role = expectOnlyResource(json, IamRole);
  const logGroup = expectOnlyResource(json, CloudwatchLogGroup);
  const rolePolicy = expectOnlyResource(json, IamRolePolicy);
  const idempotent = "idempotencyTableActions" in HANDLERS[handler];

  test("is a function, a log group, a role with one inline policy, and their two policy documents: nothing else", () => {
    const types = Object.keys(json.resource).sort();
    expect(types).toEqual(["aws_cloudwatch_log_group", "aws_iam_role", "aws_iam_role_policy", "aws_lambda_function"]);
    expectDataSources(json, DataAwsIamPolicyDocument, 2);
  });

  test("runs Node.js 22 on arm64 with 256 MB and 10 s by default (the health function at most 3 s)", () => {
    expect(fn).toMatchObject({
      function_name: FUNCTION_NAMES[handler],
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      memory_size: 256,
      timeout: handler === "health" ? 3 : 10,
      description: HANDLERS[handler].description,
      provider: `aws.${REGION}`,
    });
  });

  test("traces every invocation with X-Ray, once its role may write the traces", () => {
    expect(fn.tracing_config).toEqual({ mode: "Active" });
    expect(fn.depends_on).toEqual([addressOf(json, IamRolePolicy, rolePolicy)]);
  });

  test("reserves no concurrency unless asked to", () => {
    expect(fn.reserved_concurrent_executions).toBeUndefined();
  });

  test("gets the table name and the CORS origin (and the idempotency table, where it creates)", () => {
    expect(fn.environment.variables).toEqual({
      TABLE_NAME: "SXRTickets",
      CORS_ALLOW_ORIGIN: "*",
      ...(idempotent ? { IDEMPOTENCY_TABLE_NAME: "SXRTickets-idempotency" } : {}),
    });
  });

  test("ships its bundle, identified by its content hash", () => {
    expect([fn.filename, fn.source_code_hash]).toEqual([`assets/${handler}/${handler}.zip`, `sha256-of-${handler}=`]);
  });

  test("logs as JSON to its own log group, kept 30 days by default, which exists before the function", () => {
    expect(fn.logging_config).toEqual({
      log_format: "JSON",
      log_group: attributeRef(json, CloudwatchLogGroup, logGroup, "name"),
    });
    expect(logGroup).toEqual({
      name: `/aws/lambda/${FUNCTION_NAMES[handler]}`,
      retention_in_days: 30,
      provider: `aws.${REGION}`,
    });
  });

  test("the log group keeps a pinned Terraform name, <handler>_logs_<region>, not its path's: its events are history", () => {
    const name = `${handler.replaceAll("-", "_")}_logs_eu_west_1`;
    expect(Object.keys(json.resource.aws_cloudwatch_log_group)).toEqual([name]);
  });

  test("has its own role, named per region (IAM is global), assumable only by Lambda", () => {
    expect(role).toMatchObject({
      name: `${FUNCTION_NAMES[handler]}-${REGION}`,
      description: `${HANDLERS[handler].description} (${REGION})`,
    });
    expect(referencedResource(json, fn.role)).toBe(role);
    expect(policyDocument(json, role.assume_role_policy).statement).toEqual([
      { effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] },
    ]);
  });

  test("may do only its handler's DynamoDB actions on the given table, write only its own logs, and send traces", () => {
    expect(rolePolicy.name).toBe("least-privilege");
    expect(rolePolicy.role).toBe(attributeRef(json, IamRole, role, "name"));
    expect(policyDocument(json, rolePolicy.policy).statement).toEqual([
      { sid: "TicketsTable", effect: "Allow", actions: [...HANDLERS[handler].tableActions], resources: [TABLE_ARN] },
      ...(idempotent
        ? [
            {
              sid: "IdempotencyTable",
              effect: "Allow",
              actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
              resources: [IDEMPOTENCY_TABLE_ARN],
            },
          ]
        : []),
      {
        sid: "OwnLogGroup",
        effect: "Allow",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${attributeRef(json, CloudwatchLogGroup, logGroup, "arn")}:*`],
      },
      // X-Ray has no resource-level permissions for these: the only "*" of the policy.
      { sid: "XRayTraces", effect: "Allow", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
    ]);
    expect(XRAY_WRITE_ACTIONS).toEqual(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]);
  });

  test("exposes its name and the ARN an integration invokes", () => {
    expect(exposedValue(json, "function_name")).toBe(attributeRef(json, LambdaFunction, fn, "function_name"));
    expect(exposedValue(json, "invoke_arn")).toBe(attributeRef(json, LambdaFunction, fn, "invoke_arn"));
  });
});

describe("ApiFunction knobs", () => {
  test("memory, timeout, retention and reserved concurrency reach the function and its logs", () => {
    const { json } = synthFunction("tickets-get", { memorySize: 512, timeout: 20, logRetentionDays: 90, reservedConcurrency: 5 });
    expect(expectOnlyResource(json, LambdaFunction)).toMatchObject({
      memory_size: 512,
      timeout: 20,
      reserved_concurrent_executions: 5,
    });
    expect(expectOnlyResource(json, CloudwatchLogGroup).retention_in_days).toBe(90);
  });

  test.each([
    [20, 3],
    [2, 2],
  ])("the health function keeps its own 3 s unless the timeout is shorter: %i s gives %i s", (timeout, expected) => {
    const { json } = synthFunction("health", { timeout });
    expect(expectOnlyResource(json, LambdaFunction).timeout).toBe(expected);
  });

  test("the name prefix and the region name the function, its logs and its role", () => {
    const { json } = synthFunction("tickets-post", { namePrefix: "acme", region: "ap-southeast-1" });
    expect(expectOnlyResource(json, LambdaFunction).function_name).toBe("acme-post");
    expect(expectOnlyResource(json, CloudwatchLogGroup).name).toBe("/aws/lambda/acme-post");
    expect(expectOnlyResource(json, IamRole).name).toBe("acme-post-ap-southeast-1");
  });
});
