import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { ReplicationAlarms, type ReplicationAlarmsProps } from "../../constructs/replication-alarms";
import { exposedValue, exposeValue, regionalProvider, synthScope, validationErrorOf } from "../support/construct";
import { addressOf, attributeRef, expectResources } from "../support/terraform-json";

const TABLES = [
  { label: "tickets", tableName: "SXRTickets" },
  { label: "idempotency", tableName: "SXRTickets-idempotency" },
];

/** ReplicationAlarms alone over `regions`, each with its own provider; its alarms become the output `alarms`. */
function synthAlarms(regions: readonly string[], props: Partial<ReplicationAlarmsProps> = {}) {
  return synthScope((scope) => {
    const alarms = new ReplicationAlarms(scope, "replication-alarms", {
      regions: regions.map((region) => ({ region, provider: regionalProvider(scope, region) })),
      tables: TABLES,
      namePrefix: "tickets",
      // rule: the construct's default (more than 60 s behind for 5 one-minute periods).
      runbookSection: "docs/runbook.md#a-replica-is-behind",
      ...props,
    });
    exposeValue(scope, "alarms", alarms.alarms);
    exposeValue(scope, "topics", alarms.topicArns);
  });
}

describe.each([
  [["eu-west-1", "ap-southeast-1"], 4],
  [["us-west-2", "eu-central-1", "ap-northeast-1"], 12],
])("ReplicationAlarms over %j", (regions, count) => {
  const { json } = synthAlarms(regions);
  const alarms = expectResources(json, CloudwatchMetricAlarm, count);

  test("one alarm per table and ordered pair of regions, in the source region, on ReplicationLatency to the receiving one", () => {
    const pairs = alarms.map((alarm) => [alarm.provider, alarm.dimensions.TableName, alarm.dimensions.ReceivingRegion]);
    const expected = regions.flatMap((source) =>
      TABLES.flatMap(({ tableName }) =>
        regions.filter((receiving) => receiving !== source).map((receiving) => [`aws.${source}`, tableName, receiving]),
      ),
    );
    expect(pairs.sort()).toEqual(expected.sort());
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        namespace: "AWS/DynamoDB",
        metric_name: "ReplicationLatency",
        statistic: "Average",
        period: 60,
        evaluation_periods: 5,
        // The metric is in milliseconds.
        threshold: 60_000,
        comparison_operator: "GreaterThanThreshold",
        treat_missing_data: "notBreaching",
      });
      expect(alarm.alarm_description).toContain("Runbook: docs/runbook.md#a-replica-is-behind");
    }
  });

  test("each region notifies its own encrypted topic (CloudWatch notifies only topics in its region), after the key policy", () => {
    const topics = expectResources(json, SnsTopic, regions.length);
    expect(expectResources(json, KmsKey, regions.length).map((key) => key.enable_key_rotation)).toEqual(regions.map(() => true));
    for (const alarm of alarms) {
      const topic = topics.find((candidate) => candidate.provider === alarm.provider)!;
      const arn = attributeRef(json, SnsTopic, topic, "arn");
      expect([alarm.alarm_actions, alarm.ok_actions]).toEqual([[arn], [arn]]);
      expect(alarm.depends_on).toHaveLength(1);
      expect(alarm.depends_on[0]).toMatch(/^aws_kms_key_policy\./);
      expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    }
    expect(Object.keys(exposedValue(json, "topics")).sort()).toEqual([...regions].sort());
    expect(exposedValue(json, "alarms")).toHaveLength(count);
  });
});

describe("ReplicationAlarms settings", () => {
  test("the rule's threshold, period, evaluation periods and missing-data treatment reach every alarm", () => {
    const { json } = synthAlarms(["eu-west-1", "ap-southeast-1"], {
      rule: { thresholdSeconds: 300, periodSeconds: 300, evaluationPeriods: 2, treatMissingData: "breaching" },
    });
    for (const alarm of expectResources(json, CloudwatchMetricAlarm, 4)) {
      expect([alarm.threshold, alarm.period, alarm.evaluation_periods, alarm.treat_missing_data]).toEqual([
        300_000,
        300,
        2,
        "breaching",
      ]);
    }
  });

  test("an e-mail address subscribes to every region's topic", () => {
    const { json } = synthAlarms(["eu-west-1", "ap-southeast-1"], { email: "oncall@example.org" });
    const subscriptions = expectResources(json, SnsTopicSubscription, 2);
    expect(subscriptions.map((s) => [s.provider, s.endpoint]).sort()).toEqual([
      ["aws.ap-southeast-1", "oncall@example.org"],
      ["aws.eu-west-1", "oncall@example.org"],
    ]);
    const topics = expectResources(json, SnsTopic, 2).map((topic) => addressOf(json, SnsTopic, topic));
    for (const subscription of subscriptions) expect(topics.map((t) => `\${${t}.arn}`)).toContain(subscription.topic_arn);
  });

  test("one region fails, naming the construct", () => {
    expect(validationErrorOf(() => synthAlarms(["eu-west-1"]))).toEqual({
      path: expect.stringMatching(/\/replication-alarms$/),
      message: "regions needs at least two regions",
    });
  });
});
