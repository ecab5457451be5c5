/**
 * One test per security control the stack is meant to meet, named after the AWS Foundational
 * Security Best Practices control (Security Hub) and the checkov check it mirrors, over the
 * synthesized Terraform JSON. The README's security section lists them, with the controls
 * deliberately not applied. The offline plan repeats the computed ones (terraform group).
 */
import { DEFAULTS } from "../config/schema";
import { HEALTH_PATH } from "../contract/handlers";
import { XRAY_WRITE_ACTIONS } from "../constructs/api-function";
import { dataSourcesOf, resourcesOf, synthStacks } from "./support/synth";

const { tickets, stateBootstrap } = synthStacks({ alarmEmail: "oncall@example.com" });

/** Every resource of `type` in `stack`, after asserting how many there are. */
function all(stack: Record<string, any>, type: string, count: number): Record<string, any>[] {
  const found = Object.values(resourcesOf(stack, type));
  expect(found).toHaveLength(count);
  return found;
}

/** Every IAM policy document statement of the main stack (function roles, trust policies, key policy). */
function policyStatements(): { document: string; statement: Record<string, any> }[] {
  return Object.entries(dataSourcesOf(tickets, "aws_iam_policy_document")).flatMap(([document, data]) =>
    (data.statement as Record<string, any>[]).map((statement) => ({ document, statement })),
  );
}

describe("DynamoDB", () => {
  test("DynamoDB.1 / CKV2_AWS_16: capacity scales with demand (on-demand billing)", () => {
    for (const table of all(tickets, "aws_dynamodb_table", 2)) expect(table.billing_mode).toBe("PAY_PER_REQUEST");
  });

  test("DynamoDB.2 / CKV_AWS_28: point-in-time recovery on the table and every replica", () => {
    for (const table of all(tickets, "aws_dynamodb_table", 2)) {
      expect(table.point_in_time_recovery).toEqual({ enabled: true });
      expect(table.replica.length).toBeGreaterThan(0);
      for (const replica of table.replica) expect(replica.point_in_time_recovery).toBe(true);
    }
  });

  test("DynamoDB.6: deletion protection on the table (replicas: provider 5.x has no such argument)", () => {
    for (const table of all(tickets, "aws_dynamodb_table", 2)) expect(table.deletion_protection_enabled).toBe(true);
  });

  test("DynamoDB encryption at rest under KMS (the AWS-managed key; CKV_AWS_119 asks for a customer key: not applied)", () => {
    for (const table of all(tickets, "aws_dynamodb_table", 2)) expect(table.server_side_encryption).toEqual({ enabled: true });
  });
});

describe("API Gateway", () => {
  test("APIGateway.1 / CKV2_AWS_4: execution logging at ERROR on every method, health included", () => {
    const settings = all(tickets, "aws_api_gateway_method_settings", 4);
    expect(settings.map((s) => s.method_path).sort()).toEqual(["*/*", "*/*", "health/GET", "health/GET"]);
    for (const setting of settings) expect(setting.settings.logging_level).toBe("ERROR");
  });

  test("APIGateway.3 / CKV_AWS_73: X-Ray tracing on every stage", () => {
    for (const stage of all(tickets, "aws_api_gateway_stage", 2)) expect(stage.xray_tracing_enabled).toBe(true);
  });

  test("APIGateway.5 / CKV_AWS_308: no response cache, so nothing cached unencrypted", () => {
    for (const setting of all(tickets, "aws_api_gateway_method_settings", 4))
      expect(setting.settings.caching_enabled).toBeUndefined();
    for (const stage of all(tickets, "aws_api_gateway_stage", 2)) expect(stage.cache_cluster_enabled).toBeUndefined();
  });

  test("APIGateway.9 / CKV_AWS_76: access logging on every stage", () => {
    for (const stage of all(tickets, "aws_api_gateway_stage", 2))
      expect(stage.access_log_settings.destination_arn).toMatch(/aws_cloudwatch_log_group\./);
  });

  test("CKV_AWS_276: no data trace (full request and response bodies) in the logs", () => {
    for (const setting of all(tickets, "aws_api_gateway_method_settings", 4))
      expect(setting.settings.data_trace_enabled).toBe(false);
  });

  test("CKV_AWS_206: custom domains accept TLS 1.2 and later only", () => {
    for (const domain of all(tickets, "aws_api_gateway_domain_name", 4)) expect(domain.security_policy).toBe("TLS_1_2");
  });

  test("CKV_AWS_217: a new deployment is created before the old one is destroyed", () => {
    for (const deployment of all(tickets, "aws_api_gateway_deployment", 2))
      expect(deployment.lifecycle.create_before_destroy).toBe(true);
  });

  test("CKV2_AWS_53: the POST body is validated by the gateway", () => {
    for (const api of all(tickets, "aws_api_gateway_rest_api", 2)) {
      const document = JSON.parse(api.body);
      expect(document.paths["/ticket"].post["x-amazon-apigateway-request-validator"]).toBe("body");
    }
  });
});

describe("Lambda", () => {
  test("Lambda.1 / CKV_AWS_301: no public function policy; API Gateway may invoke only its own route of its own stage", () => {
    for (const permission of all(tickets, "aws_lambda_permission", 6)) {
      expect(permission.principal).toBe("apigateway.amazonaws.com");
      expect(permission.source_arn).toMatch(/^\$\{aws_api_gateway_rest_api\.[^}]+\.execution_arn\}\/prod\/(GET|POST)\/[a-z]+$/);
    }
  });

  test("Lambda.2 / CKV_AWS_363: a supported runtime", () => {
    for (const fn of all(tickets, "aws_lambda_function", 6)) expect(["nodejs22.x", "nodejs24.x"]).toContain(fn.runtime);
  });

  test("CKV_AWS_50: X-Ray active tracing on every function", () => {
    for (const fn of all(tickets, "aws_lambda_function", 6)) expect(fn.tracing_config).toEqual({ mode: "Active" });
  });

  test("CKV_AWS_115: the health function has reserved concurrency (client load can't starve it)", () => {
    const functions = all(tickets, "aws_lambda_function", 6);
    const health = functions.filter((fn) => fn.function_name.endsWith("-health"));
    expect(health).toHaveLength(2);
    for (const fn of health) expect(fn.reserved_concurrent_executions).toBe(10);
    expect(HEALTH_PATH).toBe("/health");
  });
});

describe("IAM", () => {
  test("IAM.1 / CKV_AWS_1: no statement allows every action", () => {
    const statements = policyStatements();
    expect(statements.length).toBeGreaterThan(10);
    for (const { statement } of statements) expect(statement.actions ?? []).not.toContain("*");
  });

  test("IAM.21 / CKV_AWS_63: no service-wide actions in role policies (the alarm key's own key policy aside)", () => {
    for (const { document, statement } of policyStatements()) {
      if (document.includes("topic_key_policy")) continue; // a KMS key policy, not an IAM identity policy
      for (const action of statement.actions ?? []) expect(action).not.toMatch(/:\*$/);
    }
  });

  test('CKV_AWS_355/356: Resource "*" only for the X-Ray actions, which have no resource-level permissions', () => {
    const starred = policyStatements().filter(
      ({ document, statement }) => !document.includes("topic_key_policy") && (statement.resources ?? []).includes("*"),
    );
    expect(starred).toHaveLength(6);
    for (const { statement } of starred) expect(statement.actions).toEqual([...XRAY_WRITE_ACTIONS]);
  });
});

describe("KMS, SNS, CloudWatch Logs", () => {
  test("KMS.4 / CKV_AWS_7: every customer-managed key rotates", () => {
    // The health alarms' topic key and each region's replication-alarm topic key; the state key.
    for (const key of [...all(tickets, "aws_kms_key", 3), ...all(stateBootstrap, "aws_kms_key", 1)])
      expect(key.enable_key_rotation).toBe(true);
  });

  test("SNS.1 / CKV_AWS_26: every alarm topic is encrypted with its own KMS key", () => {
    for (const topic of all(tickets, "aws_sns_topic", 3))
      expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.[^}]+\.arn\}$/);
  });

  test("CKV_AWS_66: every log group has a retention period", () => {
    for (const group of all(tickets, "aws_cloudwatch_log_group", 10)) expect(group.retention_in_days).toBe(30);
  });
});

describe("S3 (the state bucket)", () => {
  test("S3.5: TLS only: any request without secure transport is denied, on the bucket and its objects", () => {
    const [policy] = all(stateBootstrap, "aws_s3_bucket_policy", 1);
    const statement = JSON.parse(policy!.policy).Statement[0];
    expect(statement).toMatchObject({
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(statement.Resource).toHaveLength(2);
  });

  test("S3.8 / CKV2_AWS_6: all four public access blocks on", () => {
    const [block] = all(stateBootstrap, "aws_s3_bucket_public_access_block", 1);
    expect(block).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("S3.12 / CKV2_AWS_65: ACLs disabled (bucket owner enforced)", () => {
    expect(all(stateBootstrap, "aws_s3_bucket_ownership_controls", 1)[0]!.rule.object_ownership).toBe("BucketOwnerEnforced");
  });

  test("S3.13 / CKV2_AWS_61: a lifecycle configuration (noncurrent versions expire, incomplete uploads abort)", () => {
    const [lifecycle] = all(stateBootstrap, "aws_s3_bucket_lifecycle_configuration", 1);
    expect(lifecycle!.rule[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
    expect(lifecycle!.rule[0].abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
  });

  test("CKV_AWS_21: versioning on", () => {
    expect(all(stateBootstrap, "aws_s3_bucket_versioning", 1)[0]!.versioning_configuration.status).toBe("Enabled");
  });

  test("CKV_AWS_145: encrypted by default with the stack's own KMS key, which the backend names too", () => {
    const [encryption] = all(stateBootstrap, "aws_s3_bucket_server_side_encryption_configuration", 1);
    expect(encryption!.rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: "aws:kms",
      kms_master_key_id: "${aws_kms_key.state_key.arn}",
    });
    expect(tickets.terraform.backend.s3).toMatchObject({ encrypt: true, kms_key_id: "alias/wild-rydes-tickets-tfstate" });
  });

  test("CKV_AWS_144: cross-region replication when stateBackend.replica is set, KMS-encrypted objects included", () => {
    expect(resourcesOf(stateBootstrap, "aws_s3_bucket_replication_configuration")).toEqual({});
    const replica = { region: "ap-southeast-1", bucket: "wild-rydes-tickets-tfstate-apse1" };
    const { stateBootstrap: replicated } = synthStacks({ stateBackend: { ...DEFAULTS.stateBackend, replica } });
    const [replication] = all(replicated, "aws_s3_bucket_replication_configuration", 1);
    expect(replication!.rule[0]).toMatchObject({
      status: "Enabled",
      source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
    });
    // The replica keeps every control of the state bucket: __tests__/stacks/state-bootstrap-stack.test.ts.
    expect(all(replicated, "aws_s3_bucket_policy", 2)).toHaveLength(2);
  });
});
