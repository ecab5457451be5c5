import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { CLIENT_ERROR_RULE, ClientErrorAlarms } from "../../constructs/client-error-alarms";
import { exposedValue, exposeValue, regionalProvider, synthScope } from "../support/construct";
import { attributeRef, expectResources } from "../support/terraform-json";

/** ClientErrorAlarms alone, in eu-west-1, for an API named by a literal. */
const { json } = synthScope((scope) => {
  const alarms = new ClientErrorAlarms(scope, "client-errors", {
    region: "eu-west-1",
    provider: regionalProvider(scope, "eu-west-1"),
    namePrefix: "tickets",
    apiName: "tickets-api",
    stageName: "prod",
    runbookSection: "docs/runbook.md#a-client-route-answers-5xx",
  });
  exposeValue(scope, "alarms", alarms.alarms);
});
const alarms = expectResources(json, CloudwatchMetricAlarm, 2);

describe("ClientErrorAlarms", () => {
  test("one alarm per client route, on API Gateway's per-method 5XXError of the stage, in the API's region; none for /health", () => {
    expect(alarms.map((alarm) => [alarm.alarm_name, alarm.dimensions, alarm.provider])).toEqual([
      ["tickets-get-ticket-5xx", { ApiName: "tickets-api", Stage: "prod", Method: "GET", Resource: "/ticket" }, "aws.eu-west-1"],
      [
        "tickets-post-ticket-5xx",
        { ApiName: "tickets-api", Stage: "prod", Method: "POST", Resource: "/ticket" },
        "aws.eu-west-1",
      ],
    ]);
    for (const alarm of alarms) expect([alarm.namespace, alarm.metric_name]).toEqual(["AWS/ApiGateway", "5XXError"]);
  });

  test("breaks when half of a route's answers are 5XX in each of three minutes; a minute without traffic is no evidence", () => {
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        statistic: "Average",
        period: 60,
        evaluation_periods: 3,
        threshold: 0.5,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
      });
      // Route 53 reads only the metric, statistic, period, evaluation periods and threshold: no M-out-of-N, no math.
      expect(alarm.datapoints_to_alarm).toBeUndefined();
      expect(alarm.metric_query).toBeUndefined();
      // The routing check's own alarm notifies; these only feed it.
      expect(alarm.alarm_actions).toBeUndefined();
    }
    expect(CLIENT_ERROR_RULE.errorShare).toBe(0.5);
  });

  test("alarms: name (a reference, so a health check naming it waits for it), region and route of each", () => {
    expect(exposedValue(json, "alarms")).toEqual(
      alarms.map((alarm, index) => ({
        alarmName: attributeRef(json, CloudwatchMetricAlarm, alarm, "alarm_name"),
        alarmArn: attributeRef(json, CloudwatchMetricAlarm, alarm, "arn"),
        region: "eu-west-1",
        handler: ["tickets-get", "tickets-post"][index],
      })),
    );
  });
});
