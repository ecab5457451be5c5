import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { HEALTH_PATH } from "../contract/handlers";
import type { ClientErrorAlarm } from "./client-error-alarms";
import { FAILOVER_LEVER } from "./failover-lever";
import type { AliasTarget } from "./regional-domains";

const LEVER_IGNORED = [FAILOVER_LEVER.attribute, `tags["${FAILOVER_LEVER.markerTag}"]`];

export interface FailoverRegion {
  readonly region: string;
  readonly label: string;
  /** `<label>.<domain>`: what the region's endpoint check probes. */
  readonly regionalDomainName: string;
  /** The record that makes `regionalDomainName` resolve: the health check starts after it. */
  readonly regionalRecord: ITerraformDependable;
  /** The region's `api.<domain>` endpoint. */
  readonly apiTarget: AliasTarget;
  /** Alarms on the region's client routes (see ClientErrorAlarms): each gets a metric check. */
  readonly clientErrorAlarms: readonly ClientErrorAlarm[];
}

export interface FailoverDnsProps {
  /** Provider for the Route 53 resources (a global service). */
  readonly provider: AwsProvider;
  readonly hostedZoneId: string;
  /** `api.<domain>` */
  readonly apiDomainName: string;
  /** `api-standby.<domain>`: the latency-routed set of standbys, used with three or more regions. */
  readonly standbySetDomainName: string;
  /** Primary first. */
  readonly regions: readonly FailoverRegion[];
  /** Seconds between checks: 10 (fast) or 30. */
  readonly requestInterval: number;
  readonly failureThreshold: number;
  /** Regions Route 53 probes the endpoints from (at least three); `/health` admits only their ranges. */
  readonly checkerRegions: readonly string[];
}

/** A region's health checks: what probes `/health`, and what routing decides on. */
export interface RegionHealthCheckIds {
  /** HTTPS check of `https://<label>.<domain>/health`: the drill's and the operator's lever. */
  readonly endpoint: string;
  /** CALCULATED check, healthy while the endpoint check and every client-route check are. */
  readonly routing: string;
}

/**
 * Health checks and the `api.<domain>` failover records.
 *
 * - Every region gets an HTTPS check of `https://<label>.<domain>/health` (from
 *   `checkerRegions` only), a CLOUDWATCH_METRIC check per client-route alarm, and a CALCULATED
 *   routing check that is healthy only while all of those are. Routing uses the routing check:
 *   a region whose writes fail is unhealthy even while its `/health` read answers.
 * - PRIMARY: the primary's endpoint, with its routing check and evaluate-target-health.
 * - SECONDARY, two regions: the second region's endpoint, with no health check, so it is
 *   always presumed healthy (the workshop's semantics).
 * - SECONDARY, three or more regions: an alias (no health check) to `api-standby.<domain>`,
 *   a latency-routed set of the standbys, each with its routing check. Clients go to the
 *   nearest healthy standby; if every standby fails, Route 53 treats them all as healthy
 *   and answers with one (the nearest by latency), so the SECONDARY still always answers.
 * - Terraform ignores each check's inversion and the drill's marker ({@link FAILOVER_LEVER}).
 */
export class FailoverDns extends Construct {
  /** Health check ids per region. */
  readonly healthChecks: Readonly<Record<string, RegionHealthCheckIds>>;

  constructor(scope: Construct, id: string, props: FailoverDnsProps) {
    super(scope, id);
    const { provider, hostedZoneId } = props;
    const [primary, ...standbys] = props.regions;
    if (primary === undefined || standbys.length === 0) {
      throw new Error("FailoverDns: regions needs a primary and at least one standby");
    }

    this.healthChecks = Object.fromEntries(props.regions.map((entry) => [entry.region, this.regionChecks(entry, props)]));
    const routingCheckOf = (entry: FailoverRegion) => this.healthChecks[entry.region]!.routing;

    const failoverRecord = (
      role: "PRIMARY" | "SECONDARY",
      setIdentifier: string,
      target: AliasTarget,
      options: { healthCheckId?: string; dependsOn?: Route53Record[] } = {},
    ) =>
      new Route53Record(this, `api-${role.toLowerCase()}`, {
        provider,
        zoneId: hostedZoneId,
        name: props.apiDomainName,
        type: "A",
        setIdentifier,
        failoverRoutingPolicy: { type: role },
        alias: { ...target, evaluateTargetHealth: options.healthCheckId !== undefined },
        healthCheckId: options.healthCheckId,
        dependsOn: options.dependsOn,
      });

    failoverRecord("PRIMARY", `${primary.label}-primary`, primary.apiTarget, {
      healthCheckId: routingCheckOf(primary),
    });

    if (standbys.length === 1) {
      const [secondary] = standbys as [FailoverRegion];
      failoverRecord("SECONDARY", `${secondary.label}-secondary`, secondary.apiTarget);
      return;
    }

    const standbySetName = props.standbySetDomainName;
    const standbySet = standbys.map(
      (standby) =>
        new Route53Record(this, `standby-${standby.region}`, {
          provider,
          zoneId: hostedZoneId,
          name: standbySetName,
          type: "A",
          setIdentifier: standby.label,
          latencyRoutingPolicy: { region: standby.region },
          alias: { ...standby.apiTarget, evaluateTargetHealth: false },
          healthCheckId: routingCheckOf(standby),
        }),
    );
    // An alias target must exist before the alias: hence the explicit dependency.
    failoverRecord("SECONDARY", "standbys-secondary", { name: standbySetName, zoneId: hostedZoneId }, { dependsOn: standbySet });
  }

  /** The endpoint check, one metric check per client-route alarm, and the routing check over them. */
  private regionChecks(entry: FailoverRegion, props: FailoverDnsProps): RegionHealthCheckIds {
    const { provider } = props;
    const lifecycle = { ignoreChanges: LEVER_IGNORED };
    const endpoint = new Route53HealthCheck(this, `health-check-${entry.region}`, {
      provider,
      type: "HTTPS",
      fqdn: entry.regionalDomainName,
      port: 443,
      resourcePath: HEALTH_PATH,
      enableSni: true,
      requestInterval: props.requestInterval,
      failureThreshold: props.failureThreshold,
      regions: [...props.checkerRegions],
      measureLatency: false,
      tags: { Name: `${entry.label}-api` },
      // Probing a name before its record exists only fails the check and fires its alarm.
      dependsOn: [entry.regionalRecord],
      lifecycle,
    });
    const clientRoutes = entry.clientErrorAlarms.map(
      (alarm) =>
        new Route53HealthCheck(this, `client-check-${entry.region}-${alarm.handler}`, {
          provider,
          type: "CLOUDWATCH_METRIC",
          cloudwatchAlarmName: alarm.alarmName,
          cloudwatchAlarmRegion: alarm.region,
          // A new check, or CloudWatch without data for a while: keep the last known verdict
          // (healthy for a new check), never fail a region over for lack of metrics.
          insufficientDataHealthStatus: "LastKnownStatus",
          tags: { Name: `${entry.label}-${alarm.handler}-5xx` },
          lifecycle,
        }),
    );
    const children = [endpoint, ...clientRoutes];
    const routing = new Route53HealthCheck(this, `routing-check-${entry.region}`, {
      provider,
      type: "CALCULATED",
      childHealthchecks: children.map((check) => check.id),
      // Healthy only while every child is.
      childHealthThreshold: children.length,
      tags: { Name: `${entry.label}-routing` },
      lifecycle,
    });
    return { endpoint: endpoint.id, routing: routing.id };
  }
}
