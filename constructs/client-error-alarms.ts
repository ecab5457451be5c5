import { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { HANDLER_NAMES, HANDLERS, type HandlerName } from "../contract/handlers";

/**
 * When a client route counts as broken: at least half of its requests answered 5XX in each of
 * three consecutive minutes. Route 53 reads the alarm's metric with the alarm's own period,
 * statistic, threshold and evaluation periods (it supports no metric math and no "M out of N"),
 * so the rule is those four values.
 */
export const CLIENT_ERROR_RULE = {
  statistic: "Average",
  periodSeconds: 60,
  evaluationPeriods: 3,
  /** `5XXError` is 1 for a 5XX answer and 0 for any other: the average is the share of 5XX answers. */
  errorShare: 0.5,
  /** A minute without requests is no evidence of a fault: the check stays healthy. */
  treatMissingData: "notBreaching",
} as const;

/** The routes clients call: every route but the health check's own. */
export const CLIENT_HANDLERS = HANDLER_NAMES.filter((handler) => handler !== "health");

export interface ClientErrorAlarm {
  /** The alarm's name, unique in its region. */
  readonly alarmName: string;
  /** The region the alarm lives in (a CLOUDWATCH_METRIC health check names it). */
  readonly region: string;
  /** The handler whose route the alarm watches. */
  readonly handler: HandlerName;
  /** The alarm's ARN, for the dashboard's alarm widget. */
  readonly alarmArn: string;
}

export interface ClientErrorAlarmsProps {
  /** AWS region of the API. */
  readonly region: string;
  /** Provider of `region`: CloudWatch alarms live beside the metrics they read. */
  readonly provider: AwsProvider;
  /** Prefix of every alarm name: `<namePrefix>-<method>-<path>-5xx`, e.g. `tickets-post-ticket-5xx`. */
  readonly namePrefix: string;
  /** The REST API's name: API Gateway's metrics are dimensioned by it. */
  readonly apiName: string;
  /** The stage the clients call: API Gateway's metrics are dimensioned by it too. */
  readonly stageName: string;
  /** Where the alarm descriptions send the on-call engineer. */
  readonly runbookSection: string;
}

/**
 * One alarm per client route (`GET /ticket`, `POST /ticket`) on the stage's `5XXError`, from
 * API Gateway's per-method metrics (the stage's method settings enable them). They are what
 * `/health` can't see: a fault that breaks writes, or a route, while the table still reads.
 * Route 53 health checks of type CLOUDWATCH_METRIC watch them; the alarms themselves notify
 * nobody (the region's routing check has the alarm that does).
 */
export class ClientErrorAlarms extends Construct {
  readonly alarms: readonly ClientErrorAlarm[];

  constructor(scope: Construct, id: string, props: ClientErrorAlarmsProps) {
    super(scope, id);
    const { provider, region, namePrefix } = props;
    this.alarms = CLIENT_HANDLERS.map((handler) => {
      const { method, path } = HANDLERS[handler].route;
      const alarm = new CloudwatchMetricAlarm(this, handler, {
        provider,
        alarmName: `${namePrefix}-${method.toLowerCase()}${path.replaceAll("/", "-")}-5xx`,
        alarmDescription:
          `${method} ${path} answered 5XX to at least ${CLIENT_ERROR_RULE.errorShare * 100}% of its requests in each of ` +
          `${CLIENT_ERROR_RULE.evaluationPeriods} consecutive minutes (${region}); Route 53 then counts the region unhealthy. Runbook: ${props.runbookSection}`,
        namespace: "AWS/ApiGateway",
        metricName: "5XXError",
        dimensions: { ApiName: props.apiName, Stage: props.stageName, Method: method, Resource: path },
        statistic: CLIENT_ERROR_RULE.statistic,
        period: CLIENT_ERROR_RULE.periodSeconds,
        evaluationPeriods: CLIENT_ERROR_RULE.evaluationPeriods,
        threshold: CLIENT_ERROR_RULE.errorShare,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: CLIENT_ERROR_RULE.treatMissingData,
      });
      return { alarmName: alarm.alarmName, region, handler, alarmArn: alarm.arn };
    });
  }
}
