import { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { HANDLER_NAMES, HANDLERS, type HandlerName } from "../contract/handlers";

/** What the dashboard shows of one region. */
export interface DashboardRegion {
  /** AWS region code: the region's widgets read their metrics there. */
  readonly region: string;
  /** DNS label of the region (`ireland`): titles its widgets. */
  readonly label: string;
  /** The REST API's name and stage: API Gateway's metrics are dimensioned by both. */
  readonly apiName: string;
  /** The stage the clients call. */
  readonly stageName: string;
  /** Each handler's function name: Lambda's metrics are dimensioned by it. */
  readonly functionNames: Readonly<Record<HandlerName, string>>;
  /** The region's endpoint and routing health checks. */
  readonly healthChecks: { readonly endpoint: string; readonly routing: string };
}

export interface DashboardTable {
  /** Names the table's widgets, e.g. `tickets`. */
  readonly label: string;
  /** The table's name, the same in every region: DynamoDB's metrics are dimensioned by it. */
  readonly tableName: string;
  /** The DynamoDB operations the functions call on it (`SystemErrors` is per operation). */
  readonly operations: readonly string[];
}

export interface OperationsDashboardProps {
  /** Provider of the region the dashboard lives in (its widgets name their own regions). */
  readonly provider: AwsProvider;
  /** The region `provider` is in: the dashboard's own region. */
  readonly region: string;
  /** The dashboard's name, unique in the account. */
  readonly dashboardName: string;
  /** Primary first. */
  readonly regions: readonly DashboardRegion[];
  /** The global tables: their throttles, system errors and replication lag, per region. */
  readonly tables: readonly DashboardTable[];
  /** The region of Route 53's health-check metrics. */
  readonly route53MetricsRegion: string;
  /** Every alarm of the deployment, for the alarm-status widget. */
  readonly alarmArns: readonly string[];
}

type Metric = (string | Record<string, unknown>)[];

interface Widget {
  readonly type: "metric" | "alarm";
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

const WIDTH = 8;
const HEIGHT = 6;

const metricWidget = (title: string, region: string, metrics: Metric[], extra: Record<string, unknown> = {}): Widget => ({
  type: "metric",
  width: WIDTH,
  height: HEIGHT,
  properties: { title, region, metrics, view: "timeSeries", stacked: false, period: 60, ...extra },
});

/** The DynamoDB operations each table is called with, read from the handler manifest. */
export function tableOperations(kind: "tableActions" | "idempotencyTableActions"): string[] {
  const actions = HANDLER_NAMES.flatMap((handler) => ((HANDLERS[handler] as Record<string, unknown>)[kind] as string[]) ?? []);
  return [...new Set(actions.map((action) => action.replace(/^dynamodb:/, "")))].sort();
}

/**
 * One CloudWatch dashboard for the whole deployment, built by a loop over the regions:
 * per region the API's requests, 4XX, 5XX and latency (p50, p99), each function's errors,
 * throttles, duration and concurrency, and each table's throttles and system errors; then
 * `ReplicationLatency` for every pair of regions, every health check's `HealthCheckStatus`,
 * and the state of every alarm. Every dimension is a reference to the resource it measures,
 * so a renamed resource renames its graph instead of leaving it blank.
 */
export class OperationsDashboard extends Construct {
  /** The dashboard in the AWS console. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const widgets = [
      ...props.regions.flatMap((entry) => regionWidgets(entry, props.tables)),
      ...props.regions.map((entry) => replicationWidget(entry.region, props)),
      healthWidget(props),
      ...alarmWidgets(props.alarmArns),
    ];
    const dashboard = new CloudwatchDashboard(this, "dashboard", {
      provider: props.provider,
      dashboardName: props.dashboardName,
      dashboardBody: JSON.stringify({ widgets }),
    });
    this.url =
      `https://${props.region}.console.aws.amazon.com/cloudwatch/home?region=${props.region}` +
      `#dashboards/dashboard/${dashboard.dashboardName}`;
  }
}

/** An alarm-status widget takes at most 100 alarms (CloudWatch's dashboard body reference). */
const ALARMS_PER_WIDGET = 100;

function alarmWidgets(alarmArns: readonly string[]): Widget[] {
  const widgets: Widget[] = [];
  for (let start = 0; start < alarmArns.length; start += ALARMS_PER_WIDGET) {
    const alarms = alarmArns.slice(start, start + ALARMS_PER_WIDGET);
    widgets.push({ type: "alarm", width: 24, height: HEIGHT, properties: { title: "Alarms", alarms } });
  }
  return widgets;
}

function regionWidgets(entry: DashboardRegion, tables: readonly DashboardTable[]): Widget[] {
  const { region, apiName, stageName } = entry;
  const api = (metric: string, stat: string): Metric => [
    "AWS/ApiGateway",
    metric,
    "ApiName",
    apiName,
    "Stage",
    stageName,
    { stat },
  ];
  const fn = (metric: string, handler: HandlerName, stat: string, extra: Record<string, unknown> = {}): Metric => [
    "AWS/Lambda",
    metric,
    "FunctionName",
    entry.functionNames[handler],
    { stat, label: `${handler} ${metric}`, ...extra },
  ];
  const table = (metric: string, { tableName, label }: DashboardTable, operation?: string): Metric => [
    "AWS/DynamoDB",
    metric,
    "TableName",
    tableName,
    ...(operation === undefined ? [] : ["Operation", operation]),
    { stat: "Sum", label: `${label} ${metric}${operation === undefined ? "" : ` ${operation}`}` },
  ];
  return [
    metricWidget(`${region}: API requests, 4XX, 5XX`, region, [
      api("Count", "Sum"),
      api("4XXError", "Sum"),
      api("5XXError", "Sum"),
    ]),
    metricWidget(`${region}: API latency (ms)`, region, [api("Latency", "p50"), api("Latency", "p99")]),
    metricWidget(
      `${region}: function errors and throttles`,
      region,
      HANDLER_NAMES.flatMap((handler) => [fn("Errors", handler, "Sum"), fn("Throttles", handler, "Sum")]),
    ),
    metricWidget(
      `${region}: function duration p99 (ms) and concurrency`,
      region,
      HANDLER_NAMES.flatMap((handler) => [
        fn("Duration", handler, "p99"),
        fn("ConcurrentExecutions", handler, "Maximum", { yAxis: "right" }),
      ]),
    ),
    metricWidget(
      `${region}: table throttles and system errors`,
      region,
      tables.flatMap((entry) => [
        table("ReadThrottleEvents", entry),
        table("WriteThrottleEvents", entry),
        ...entry.operations.map((operation) => table("SystemErrors", entry, operation)),
      ]),
    ),
  ];
}

function replicationWidget(source: string, props: OperationsDashboardProps): Widget {
  const receivers = props.regions.filter(({ region }) => region !== source);
  return metricWidget(
    `${source}: replication lag to the other regions (ms)`,
    source,
    props.tables.flatMap(({ label, tableName }) =>
      receivers.map(({ region }): Metric => [
        "AWS/DynamoDB",
        "ReplicationLatency",
        "TableName",
        tableName,
        "ReceivingRegion",
        region,
        { stat: "Average", label: `${label} to ${region}` },
      ]),
    ),
  );
}

function healthWidget(props: OperationsDashboardProps): Widget {
  const check = (healthCheckId: string, label: string): Metric => [
    "AWS/Route53",
    "HealthCheckStatus",
    "HealthCheckId",
    healthCheckId,
    { stat: "Minimum", label },
  ];
  return metricWidget(
    "Route 53 health checks (1 healthy, 0 unhealthy)",
    props.route53MetricsRegion,
    props.regions.flatMap(({ label, healthChecks }) => [
      check(healthChecks.endpoint, `${label} /health`),
      check(healthChecks.routing, `${label} routing`),
    ]),
    { yAxis: { left: { min: 0, max: 1 } } },
  );
}
