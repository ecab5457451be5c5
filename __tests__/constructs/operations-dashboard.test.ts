import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { OperationsDashboard, tableOperations, type DashboardRegion } from "../../constructs/operations-dashboard";
import { HANDLER_NAMES } from "../../contract/handlers";
import { exposedValue, exposeValue, regionalProvider, synthScope } from "../support/construct";
import { expectOnlyResource } from "../support/terraform-json";

const region = (name: string, label: string): DashboardRegion => ({
  region: name,
  label,
  apiName: `api-${label}`,
  stageName: "prod",
  functionNames: { "tickets-get": `get-${label}`, "tickets-post": `post-${label}`, health: `health-${label}` },
  healthChecks: { endpoint: `endpoint-${label}`, routing: `routing-${label}` },
});
const REGIONS = [region("eu-west-1", "ireland"), region("ap-southeast-1", "singapore")];
const TABLES = [
  { label: "tickets", tableName: "SXRTickets", operations: tableOperations("tableActions") },
  { label: "idempotency", tableName: "SXRTickets-idempotency", operations: tableOperations("idempotencyTableActions") },
];

/** OperationsDashboard alone in eu-west-1 over the two regions and tables above; its URL becomes the output `url`. */
const synthDashboard = (alarmArns: readonly string[]) =>
  synthScope((scope) => {
    const dashboard = new OperationsDashboard(scope, "operations", {
      provider: regionalProvider(scope, "eu-west-1"),
      region: "eu-west-1",
      dashboardName: "tickets-operations",
      regions: REGIONS,
      tables: TABLES,
      route53MetricsRegion: "us-east-1",
      alarmArns,
    });
    exposeValue(scope, "url", dashboard.url);
  });
const { json } = synthDashboard(["arn:alarm-1", "arn:alarm-2"]);
const dashboard = expectOnlyResource(json, CloudwatchDashboard);
const widgets = JSON.parse(dashboard.dashboard_body).widgets as { type: string; properties: Record<string, any> }[];
const metricsIn = (region: string) =>
  widgets
    .filter((w) => w.type === "metric" && w.properties.region === region)
    .flatMap((w) => w.properties.metrics as unknown[][]);
const dimensionsOf = (metric: unknown[], namespace: string, name: string) =>
  metric[0] === namespace && metric[1] === name ? Object.fromEntries(chunks(metric.slice(2, -1) as string[])) : undefined;
const chunks = (items: string[]) => items.flatMap((item, i) => (i % 2 === 0 ? [[item, items[i + 1]!]] : []));

describe("OperationsDashboard", () => {
  test("the table operations come from the handler manifest", () => {
    expect(TABLES.map((table) => table.operations)).toEqual([
      ["GetItem", "PutItem", "Scan"],
      ["DeleteItem", "GetItem", "PutItem", "UpdateItem"],
    ]);
  });

  test.each(REGIONS)("$region: the API's requests, 4XX, 5XX and latency p50/p99 of its own API and stage", (entry) => {
    const api = metricsIn(entry.region).filter((m) => m[0] === "AWS/ApiGateway");
    expect(api.map((m) => [m[1], (m.at(-1) as { stat: string }).stat])).toEqual([
      ["Count", "Sum"],
      ["4XXError", "Sum"],
      ["5XXError", "Sum"],
      ["Latency", "p50"],
      ["Latency", "p99"],
    ]);
    for (const metric of api) expect(metric.slice(2, 6)).toEqual(["ApiName", entry.apiName, "Stage", "prod"]);
  });

  test.each(REGIONS)("$region: every function's errors, throttles, duration and concurrency", (entry) => {
    const lambda = metricsIn(entry.region).filter((m) => m[0] === "AWS/Lambda");
    for (const handler of HANDLER_NAMES) {
      const name = entry.functionNames[handler];
      expect(lambda.filter((m) => m[3] === name).map((m) => m[1])).toEqual([
        "Errors",
        "Throttles",
        "Duration",
        "ConcurrentExecutions",
      ]);
    }
  });

  test.each(REGIONS)(
    "$region: each table's throttles, system errors per operation, and replication lag to the other region",
    (entry) => {
      const other = REGIONS.find((r) => r !== entry)!.region;
      const dynamo = metricsIn(entry.region).filter((m) => m[0] === "AWS/DynamoDB");
      for (const table of TABLES) {
        const ofTable = dynamo.filter((m) => m[3] === table.tableName);
        expect(ofTable.filter((m) => m[1] === "SystemErrors").map((m) => m[5])).toEqual(table.operations);
        expect(
          ofTable.filter((m) => m[1] === "ReplicationLatency").map((m) => dimensionsOf(m, "AWS/DynamoDB", "ReplicationLatency")),
        ).toEqual([{ TableName: table.tableName, ReceivingRegion: other }]);
        expect(ofTable.filter((m) => /ThrottleEvents$/.test(m[1] as string))).toHaveLength(2);
      }
    },
  );

  test("every region's endpoint and routing check, from Route 53's metrics region; every alarm's state", () => {
    const checks = metricsIn("us-east-1").map((m) => dimensionsOf(m, "AWS/Route53", "HealthCheckStatus")?.HealthCheckId);
    expect(checks).toEqual(["endpoint-ireland", "routing-ireland", "endpoint-singapore", "routing-singapore"]);
    expect(widgets.filter((w) => w.type === "alarm").map((w) => w.properties.alarms)).toEqual([["arn:alarm-1", "arn:alarm-2"]]);
  });

  test("named as given, in the given region, with its console URL", () => {
    expect([dashboard.dashboard_name, dashboard.provider]).toEqual(["tickets-operations", "aws.eu-west-1"]);
    expect(exposedValue(json, "url")).toMatch(
      /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#dashboards\/dashboard\/\$\{aws_cloudwatch_dashboard\..+\.dashboard_name\}$/,
    );
  });
});

test("alarms beyond 100 go to a second alarm-status widget (one takes at most 100)", () => {
  const arns = Array.from({ length: 130 }, (_, i) => `arn:alarm-${i}`);
  const { json: many } = synthDashboard(arns);
  const body = JSON.parse(expectOnlyResource(many, CloudwatchDashboard).dashboard_body);
  const alarmLists = body.widgets.filter((w: { type: string }) => w.type === "alarm").map((w: any) => w.properties.alarms);
  expect(alarmLists.map((list: string[]) => list.length)).toEqual([100, 30]);
  expect(alarmLists.flat()).toEqual(arns);
});
