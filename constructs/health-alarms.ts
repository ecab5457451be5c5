import { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { alarmTopic } from "./alarm-topic";
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
  /** Prefix of the topic and alarm names (`<namePrefix>-health-alarms`, `<namePrefix>-<label>-api-unhealthy`). */
  readonly namePrefix: string;
  /** The routing check of every region: one alarm each. */
  readonly healthChecks: readonly MonitoredHealthCheck[];
  /**
   * Address subscribed to the alarm topic.
   * @default - no subscription
   */
  readonly email?: string;
  /** Where the alarm descriptions send the on-call engineer. */
  readonly runbookSection: string;
}

/**
 * An alarm on every health check's `HealthCheckStatus`, publishing to one SNS topic that is
 * encrypted with its own KMS key (CloudWatch can't publish to a topic under the AWS-managed
 * SNS key), with an optional e-mail subscription.
 */
export class HealthAlarms extends Construct {
  readonly topicArn: string;
  /** Every alarm, one per health check. */
  readonly alarmArns: readonly string[];

  constructor(scope: Construct, id: string, props: HealthAlarmsProps) {
    super(scope, id);
    const { provider, namePrefix } = props;

    const { topicArn, keyPolicy: policy } = alarmTopic(this, {
      provider,
      topicName: `${namePrefix}-health-alarms`,
      purpose: `${namePrefix} health alarm notifications`,
      email: props.email,
      terraformNames: { key: "alarm_topic_key", topic: "alarm_topic" },
    });

    this.alarmArns = props.healthChecks.map(({ label, endpoint, healthCheckId }) => {
      const alarm = new CloudwatchMetricAlarm(this, `alarm-${label}`, {
        provider,
        alarmName: `${namePrefix}-${label}-api-unhealthy`,
        alarmDescription: `Route 53 counts the ${label} region unhealthy: https://${endpoint}${HEALTH_PATH} fails, or a client route answers mostly 5XX, or an operator or the drill inverted a check. Runbook: ${props.runbookSection}`,
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
        alarmActions: [topicArn],
        okActions: [topicArn],
        dependsOn: [policy],
      });
      return alarm.arn;
    });
    this.topicArn = topicArn;
  }
}
