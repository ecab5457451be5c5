import { TerraformVariable } from "cdktf";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { HealthAlarms, type HealthAlarmsProps } from "../../constructs/health-alarms";
import { exposedValue, exposeValue, regionalProvider, synthScope } from "../support/construct";
import {
  addressOf,
  attributeRef,
  expectDataSources,
  expectOnlyResource,
  expectResources,
  policyDocument,
} from "../support/terraform-json";

const HEALTH_CHECKS = [
  { label: "ireland", endpoint: "ireland.example.com", healthCheckId: "11111111-aaaa-bbbb-cccc-000000000001" },
  { label: "singapore", endpoint: "singapore.example.com", healthCheckId: "22222222-aaaa-bbbb-cccc-000000000002" },
];

/** HealthAlarms alone on a us-east-1 provider; its topic ARN becomes the output `topic_arn`. */
function synthAlarms(props: Partial<Omit<HealthAlarmsProps, "provider" | "runbookSection">> = {}) {
  return synthScope((scope) => {
    const alarms = new HealthAlarms(scope, "alarms", {
      provider: regionalProvider(scope, "us-east-1"),
      namePrefix: "tickets",
      healthChecks: HEALTH_CHECKS,
      runbookSection: "docs/runbook.md#a-region-is-unhealthy",
      ...props,
    });
    exposeValue(scope, "topic_arn", alarms.topicArn);
  });
}

describe("HealthAlarms", () => {
  const { text, json } = synthAlarms();
  const key = expectOnlyResource(json, KmsKey);
  const topic = expectOnlyResource(json, SnsTopic);
  const keyPolicy = expectOnlyResource(json, KmsKeyPolicy);
  const topicArn = attributeRef(json, SnsTopic, topic, "arn");

  test("encrypts the topic with its own rotating KMS key", () => {
    expect(key).toEqual({
      provider: "aws.us-east-1",
      description: "tickets health alarm notifications",
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    expect(topic).toEqual({
      provider: "aws.us-east-1",
      name: "tickets-health-alarms",
      kms_master_key_id: attributeRef(json, KmsKey, key, "arn"),
    });
  });

  test("the key policy lets the account administer the key, and CloudWatch use it for this account only", () => {
    expectDataSources(json, DataAwsIamPolicyDocument, 1);
    expect(keyPolicy).toMatchObject({ provider: "aws.us-east-1", key_id: attributeRef(json, KmsKey, key, "id") });
    // The account id, read from the key's own ARN (arn:aws:kms:<region>:<account>:key/<id>).
    const accountId = `\${element(split(":", ${addressOf(json, KmsKey, key)}.arn), 4)}`;
    expect(policyDocument(json, keyPolicy.policy)).toEqual({
      provider: "aws.us-east-1",
      statement: [
        {
          sid: "AccountAdministers",
          effect: "Allow",
          principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${accountId}:root`] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
        {
          sid: "CloudWatchAlarmsPublish",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
        },
      ],
    });
  });

  test.each(HEALTH_CHECKS)(
    "alarms when the $label routing check is unhealthy for a minute; missing data (a check just created) is no alarm",
    ({ label, endpoint, healthCheckId }) => {
      expectResources(json, CloudwatchMetricAlarm, HEALTH_CHECKS.length);
      expect(text).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
        provider: "aws.us-east-1",
        alarm_name: `tickets-${label}-api-unhealthy`,
        alarm_description: `Route 53 counts the ${label} region unhealthy: https://${endpoint}/health fails, or a client route answers mostly 5XX, or an operator or the drill inverted a check. Runbook: docs/runbook.md#a-region-is-unhealthy`,
        namespace: "AWS/Route53",
        metric_name: "HealthCheckStatus",
        dimensions: { HealthCheckId: healthCheckId },
        statistic: "Minimum",
        period: 60,
        evaluation_periods: 1,
        threshold: 1,
        comparison_operator: "LessThanThreshold",
        treat_missing_data: "notBreaching",
      });
    },
  );

  test("every alarm notifies the topic when it fires and when it clears, once the key lets CloudWatch publish", () => {
    for (const alarm of expectResources(json, CloudwatchMetricAlarm, HEALTH_CHECKS.length)) {
      expect(alarm.alarm_actions).toEqual([topicArn]);
      expect(alarm.ok_actions).toEqual([topicArn]);
      expect(alarm.depends_on).toEqual([addressOf(json, KmsKeyPolicy, keyPolicy)]);
    }
  });

  test("topicArn is the topic's ARN", () => {
    expect(exposedValue(json, "topic_arn")).toBe(topicArn);
  });

  test("subscribes no one unless an e-mail is given", () => {
    expectResources(json, SnsTopicSubscription, 0);
  });

  test("subscribes the given e-mail address to the topic", () => {
    const { json: withEmail } = synthAlarms({ email: "oncall@example.org" });
    expect(expectOnlyResource(withEmail, SnsTopicSubscription)).toEqual({
      provider: "aws.us-east-1",
      topic_arn: attributeRef(withEmail, SnsTopic, expectOnlyResource(withEmail, SnsTopic), "arn"),
      protocol: "email",
      endpoint: "oncall@example.org",
    });
  });

  test("an address known only at plan time (a module input) subscribes only when it is set", () => {
    const { json: withInput } = synthScope((scope) => {
      const email = new TerraformVariable(scope, "alarm_email", { type: "string", nullable: true });
      new HealthAlarms(scope, "alarms", {
        provider: regionalProvider(scope, "us-east-1"),
        namePrefix: "tickets",
        healthChecks: HEALTH_CHECKS,
        email: email.stringValue,
        runbookSection: "docs/runbook.md#a-region-is-unhealthy",
      });
    });
    expect(expectOnlyResource(withInput, SnsTopicSubscription)).toMatchObject({
      endpoint: "${var.alarm_email}",
      count: "${(var.alarm_email == null) ? 0 : 1}",
    });
  });

  test("an alarm per health check, however many", () => {
    const { json: three } = synthAlarms({
      healthChecks: [
        ...HEALTH_CHECKS,
        { label: "tokyo", endpoint: "tokyo.example.com", healthCheckId: "33333333-aaaa-bbbb-cccc-000000000003" },
      ],
    });
    expect(
      expectResources(three, CloudwatchMetricAlarm, 3)
        .map((alarm) => alarm.dimensions.HealthCheckId)
        .sort(),
    ).toEqual([
      "11111111-aaaa-bbbb-cccc-000000000001",
      "22222222-aaaa-bbbb-cccc-000000000002",
      "33333333-aaaa-bbbb-cccc-000000000003",
    ]);
  });
});
