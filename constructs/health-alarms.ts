import { Construct } from "constructs";
import { Fn, Op, Token } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { HEALTH_PATH } from "../contract/handlers";

export interface MonitoredHealthCheck {
  /** DNS label of the region, e.g. `ireland`: names the alarm. */
  readonly label: string;
  /** The endpoint the region's endpoint check probes, e.g. `ireland.example.com`. */
  readonly endpoint: string;
  /** The region's routing check: what Route 53 routes on. */
  readonly healthCheckId: string;
}

export interface HealthAlarmsProps {
  /** Provider in us-east-1, the only region with Route 53 health-check metrics. */
  readonly provider: AwsProvider;
  readonly namePrefix: string;
  readonly healthChecks: readonly MonitoredHealthCheck[];
  /** Address subscribed to the alarm topic. @default - no subscription */
  readonly email?: string;
}

/**
 * An alarm on every health check's `HealthCheckStatus`, publishing to one SNS topic that is
 * encrypted with its own KMS key (CloudWatch can't publish to a topic under the AWS-managed
 * SNS key), with an optional e-mail subscription.
 */
export class HealthAlarms extends Construct {
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: HealthAlarmsProps) {
    super(scope, id);
    const { provider, namePrefix } = props;

    const key = new KmsKey(this, "topic-key", {
      provider,
      description: `${namePrefix} health alarm notifications`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    // The account id, read from the key's own ARN: no AWS call at plan time.
    const accountId = Fn.element(Fn.split(":", key.arn), 4);
    const keyPolicy = new DataAwsIamPolicyDocument(this, "topic-key-policy-document", {
      provider,
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
    const policy = new KmsKeyPolicy(this, "topic-key-policy", { provider, keyId: key.id, policy: keyPolicy.json });

    const topic = new SnsTopic(this, "topic", {
      provider,
      name: `${namePrefix}-health-alarms`,
      kmsMasterKeyId: key.arn,
    });
    if (props.email !== undefined) {
      new SnsTopicSubscription(this, "email", {
        provider,
        topicArn: topic.arn,
        protocol: "email",
        endpoint: props.email,
        // An address known only at plan time (a module input) may be null: then no subscription.
        count: Token.isUnresolved(props.email) ? Fn.conditional(Op.eq(props.email, Token.nullValue()), 0, 1) : undefined,
      });
    }

    for (const { label, endpoint, healthCheckId } of props.healthChecks) {
      new CloudwatchMetricAlarm(this, `alarm-${label}`, {
        provider,
        alarmName: `${namePrefix}-${label}-api-unhealthy`,
        alarmDescription: `Route 53 counts the ${label} region unhealthy: https://${endpoint}${HEALTH_PATH} fails, or a client route answers mostly 5XX, or an operator or the drill inverted a check`,
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: healthCheckId },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        // Route 53 publishes HealthCheckStatus every minute while the check exists: data is
        // missing only for a check that was just created. A fresh deployment does not alarm.
        treatMissingData: "notBreaching",
        alarmActions: [topic.arn],
        okActions: [topic.arn],
        dependsOn: [policy],
      });
    }
    this.topicArn = topic.arn;
  }
}
