import { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { alarmTopic, type AlarmTopic } from "./alarm-topic";
import { terraformName } from "./terraform-address";
import { ValidationError } from "./validation-error";

/** When a replica counts as behind. */
export interface ReplicationLagRule {
  /** Average lag over one period that breaches it. */
  readonly thresholdSeconds: number;
  /** Length of one period: 60 or 300 (the metric is published every minute). */
  readonly periodSeconds: number;
  /** Consecutive breaching periods before the alarm fires. */
  readonly evaluationPeriods: number;
  /** What a period without data counts as (CloudWatch's `treat_missing_data`). */
  readonly treatMissingData: string;
}

/** More than a minute behind for five minutes in a row; no data (no writes) is not lag. */
export const DEFAULT_REPLICATION_LAG_RULE: ReplicationLagRule = {
  thresholdSeconds: 60,
  periodSeconds: 60,
  evaluationPeriods: 5,
  treatMissingData: "notBreaching",
};

export interface ReplicatedTable {
  /** Names the alarms, e.g. `tickets`. */
  readonly label: string;
  /** The table's name, the same in every region: the metric is dimensioned by it. */
  readonly tableName: string;
}

export interface ReplicationAlarmsProps {
  /** Every region with a replica, each with its provider: an alarm lives beside its metric. */
  readonly regions: readonly { readonly region: string; readonly provider: AwsProvider }[];
  /** The global tables to watch: an alarm per table and ordered pair of regions. */
  readonly tables: readonly ReplicatedTable[];
  /** Prefix of the topic and alarm names (`<namePrefix>-replication-alarms`, `<namePrefix>-<table>-replication-to-<region>`). */
  readonly namePrefix: string;
  /**
   * When a replica counts as behind.
   * @default - {@link DEFAULT_REPLICATION_LAG_RULE}: over 60 s for 5 one-minute periods
   */
  readonly rule?: ReplicationLagRule;
  /**
   * Address subscribed to each region's topic.
   * @default - no subscription
   */
  readonly email?: string;
  /** Where the alarm descriptions send the on-call engineer. */
  readonly runbookSection: string;
}

/** One alarm: a table's replication from `source` to `receiving`. */
export interface ReplicationAlarm {
  /** The table's label. */
  readonly table: string;
  /** The region the writes come from (where the alarm lives). */
  readonly source: string;
  /** The region that receives them. */
  readonly receiving: string;
  /** The alarm's ARN, for the dashboard's alarm widget. */
  readonly alarmArn: string;
}

/**
 * An alarm on `ReplicationLatency` for every table and every ordered pair of regions (2
 * regions: 2 per table, 3 regions: 6): DynamoDB publishes the metric in the source region,
 * dimensioned by table and receiving region. The lag is how much a failover at that moment
 * would strand in the source region. Each source region has its own encrypted topic, since
 * CloudWatch notifies only topics in the alarm's region.
 */
export class ReplicationAlarms extends Construct {
  readonly alarms: readonly ReplicationAlarm[];
  /** Each region's topic, by region. */
  readonly topicArns: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ReplicationAlarmsProps) {
    super(scope, id);
    if (props.regions.length < 2) throw new ValidationError("regions needs at least two regions", this);
    const alarms: ReplicationAlarm[] = [];
    const topicArns: Record<string, string> = {};
    for (const { region: source, provider } of props.regions) {
      const inRegion = new Construct(this, source);
      const topic = alarmTopic(inRegion, {
        provider,
        topicName: `${props.namePrefix}-replication-alarms`,
        purpose: `${props.namePrefix} replication alarm notifications (${source})`,
        email: props.email,
        terraformNames: {
          key: terraformName("replication_alarm_topic_key", source),
          topic: terraformName("replication_alarm_topic", source),
        },
      });
      topicArns[source] = topic.topicArn;
      for (const table of props.tables) {
        for (const { region: receiving } of props.regions.filter(({ region }) => region !== source)) {
          const alarm = this.lagAlarm(inRegion, { provider, table, source, receiving, topic }, props);
          alarms.push({ table: table.label, source, receiving, alarmArn: alarm.arn });
        }
      }
    }
    this.alarms = alarms;
    this.topicArns = topicArns;
  }

  private lagAlarm(
    scope: Construct,
    pair: { provider: AwsProvider; table: ReplicatedTable; source: string; receiving: string; topic: AlarmTopic },
    props: ReplicationAlarmsProps,
  ): CloudwatchMetricAlarm {
    const { table, source, receiving, topic } = pair;
    const rule = props.rule ?? DEFAULT_REPLICATION_LAG_RULE;
    const minutes = (rule.periodSeconds * rule.evaluationPeriods) / 60;
    return new CloudwatchMetricAlarm(scope, `${table.label}-to-${receiving}`, {
      provider: pair.provider,
      alarmName: `${props.namePrefix}-${table.label}-replication-to-${receiving}`,
      alarmDescription:
        `The ${table.label} table's replica in ${receiving} is more than ${rule.thresholdSeconds} s behind ${source} ` +
        `(average ReplicationLatency, ${minutes} min in a row): writes accepted in ${source} may be missing in ${receiving}, ` +
        `and a failover to ${receiving} now would strand them. Runbook: ${props.runbookSection}`,
      namespace: "AWS/DynamoDB",
      metricName: "ReplicationLatency",
      dimensions: { TableName: table.tableName, ReceivingRegion: receiving },
      statistic: "Average",
      period: rule.periodSeconds,
      evaluationPeriods: rule.evaluationPeriods,
      // The metric is in milliseconds.
      threshold: rule.thresholdSeconds * 1000,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: rule.treatMissingData,
      alarmActions: [topic.topicArn],
      okActions: [topic.topicArn],
      // CloudWatch can publish only once the key policy lets it use the topic's key.
      dependsOn: [topic.keyPolicy],
    });
  }
}
