import { Construct } from "constructs";
import { Fn, Op, Token, type ITerraformDependable } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { HEALTH_PATH } from "../contract/handlers";
import type { ClientErrorAlarm } from "./client-error-alarms";
import { FAILOVER_LEVER } from "./failover-lever";
import type { AliasTarget } from "./regional-domains";
import { markNewlyCounted } from "./terraform-address";
import { ValidationError } from "./validation-error";

const LEVER_IGNORED = [FAILOVER_LEVER.attribute, `tags["${FAILOVER_LEVER.markerTag}"]`];

/**
 * How `api.<domain>` routes clients (the stack's config key `routing`):
 * - `failover`: the primary serves while its routing check is healthy, the standbys otherwise.
 * - `active-active`: every region serves the clients with the lowest latency to it, and
 *   Route 53 skips a region whose routing check is unhealthy.
 */
export type RoutingMode = "failover" | "active-active";

/** The endpoint checks' tuning knobs by default: the fastest failover Route 53 offers. */
export const HEALTH_CHECK_DEFAULTS = { requestInterval: 10, failureThreshold: 1 } as const;

export interface DnsRegion {
  /** AWS region code of the region's API. */
  readonly region: string;
  /** DNS label of the region (`ireland`): names its checks and records. */
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

export interface ApiDnsProps {
  /** Provider for the Route 53 resources (a global service). */
  readonly provider: AwsProvider;
  /** The public hosted zone of the domain: every record goes here. */
  readonly hostedZoneId: string;
  /** `api.<domain>` */
  readonly apiDomainName: string;
  /** `api-standby.<domain>`: the latency-routed set of standbys, used with three or more regions. */
  readonly standbySetDomainName: string;
  /** Primary first (it only matters in `failover` mode). */
  readonly regions: readonly DnsRegion[];
  /**
   * How `api.<domain>` routes. A Terraform expression (the plain module's `var.routing`)
   * builds the records of both modes, each set counted on the expression.
   */
  readonly routing: RoutingMode | string;
  /**
   * Seconds between probes of each endpoint check: 10 (fast, billed extra) or 30.
   * @default 10
   */
  readonly requestInterval?: number;
  /**
   * Consecutive failed probes (1 to 10) before a checker counts the endpoint unhealthy.
   * @default 1
   */
  readonly failureThreshold?: number;
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

/** `count` of one mode's records: absent for a literal mode (only that mode is built), else 1 or 0. */
type ModeCount = number | undefined;

/**
 * Health checks, and the records of `api.<domain>`.
 *
 * - Every region gets an HTTPS check of `https://<label>.<domain>/health` (from
 *   `checkerRegions` only), a CLOUDWATCH_METRIC check per client-route alarm, and a CALCULATED
 *   routing check that is healthy only while all of those are. Routing uses the routing check:
 *   a region whose writes fail is unhealthy even while its `/health` read answers.
 * - Terraform ignores each check's inversion and the drill's marker ({@link FAILOVER_LEVER}).
 *
 * `failover` records:
 * - PRIMARY: the primary's endpoint, with its routing check and evaluate-target-health.
 * - SECONDARY, two regions: the second region's endpoint, with no health check, so it is
 *   always presumed healthy (the workshop's semantics).
 * - SECONDARY, three or more regions: an alias (no health check) to `api-standby.<domain>`,
 *   a latency-routed set of the standbys, each with its routing check. Clients go to the
 *   nearest healthy standby; if every standby fails, Route 53 treats them all as healthy
 *   and answers with one (the nearest by latency), so the SECONDARY still always answers.
 *
 * `active-active` records: one latency alias per region, each with its region's routing check
 * and evaluate-target-health. A client gets the healthy region nearest to it; when every
 * region is unhealthy, Route 53 treats them all as healthy and answers the nearest.
 *
 * Route 53 refuses a record whose routing policy differs from the existing records of the
 * same name and type. When the mode is an expression, the active-active records therefore
 * depend on the failover records: Terraform then deletes one mode's records before it creates
 * the other's, in either direction.
 */
export class ApiDns extends Construct {
  /** Health check ids per region. */
  readonly healthChecks: Readonly<Record<string, RegionHealthCheckIds>>;

  constructor(scope: Construct, id: string, props: ApiDnsProps) {
    super(scope, id);
    if (props.regions.length < 2) {
      throw new ValidationError("regions needs at least two regions (a primary and a standby, or two active regions)", this);
    }
    this.healthChecks = Object.fromEntries(props.regions.map((entry) => [entry.region, this.regionChecks(entry, props)]));

    const { routing } = props;
    const countFor = (mode: RoutingMode): ModeCount =>
      Token.isUnresolved(routing) ? Token.asNumber(Fn.conditional(Op.eq(routing, mode), 1, 0)) : undefined;
    const builds = (mode: RoutingMode) => Token.isUnresolved(routing) || routing === mode;
    const failoverRecords = builds("failover") ? this.failoverRecords(props, countFor("failover")) : [];
    // Counted only since both modes share the module: a deployment from before holds these
    // records without an instance key.
    if (Token.isUnresolved(routing)) failoverRecords.forEach(markNewlyCounted);
    if (builds("active-active")) this.activeActiveRecords(props, countFor("active-active"), failoverRecords);
  }

  /** PRIMARY and SECONDARY (with the standby set behind it, three or more regions). */
  private failoverRecords(props: ApiDnsProps, count: ModeCount): Route53Record[] {
    const { provider, hostedZoneId } = props;
    const [primary, ...standbys] = props.regions as [DnsRegion, ...DnsRegion[]];
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
        count,
      });

    const primaryRecord = failoverRecord("PRIMARY", `${primary.label}-primary`, primary.apiTarget, {
      healthCheckId: this.healthChecks[primary.region]!.routing,
    });

    if (standbys.length === 1) {
      const [secondary] = standbys as [DnsRegion];
      return [primaryRecord, failoverRecord("SECONDARY", `${secondary.label}-secondary`, secondary.apiTarget)];
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
          healthCheckId: this.healthChecks[standby.region]!.routing,
          count,
        }),
    );
    // An alias target must exist before the alias: hence the explicit dependency.
    const secondaryRecord = failoverRecord(
      "SECONDARY",
      "standbys-secondary",
      { name: standbySetName, zoneId: hostedZoneId },
      { dependsOn: standbySet },
    );
    return [primaryRecord, secondaryRecord, ...standbySet];
  }

  /** One latency alias of `api.<domain>` per region, each healthy while its routing check is. */
  private activeActiveRecords(props: ApiDnsProps, count: ModeCount, failoverRecords: readonly Route53Record[]): void {
    for (const entry of props.regions) {
      new Route53Record(this, `api-latency-${entry.region}`, {
        provider: props.provider,
        zoneId: props.hostedZoneId,
        name: props.apiDomainName,
        type: "A",
        setIdentifier: entry.label,
        latencyRoutingPolicy: { region: entry.region },
        alias: { ...entry.apiTarget, evaluateTargetHealth: true },
        healthCheckId: this.healthChecks[entry.region]!.routing,
        // Switching modes: the failover records go first (see the class comment).
        dependsOn: failoverRecords.length > 0 ? [...failoverRecords] : undefined,
        count,
      });
    }
  }

  /** The endpoint check, one metric check per client-route alarm, and the routing check over them. */
  private regionChecks(entry: DnsRegion, props: ApiDnsProps): RegionHealthCheckIds {
    const { provider } = props;
    const lifecycle = { ignoreChanges: LEVER_IGNORED };
    const endpoint = new Route53HealthCheck(this, `health-check-${entry.region}`, {
      provider,
      type: "HTTPS",
      fqdn: entry.regionalDomainName,
      port: 443,
      resourcePath: HEALTH_PATH,
      enableSni: true,
      requestInterval: props.requestInterval ?? HEALTH_CHECK_DEFAULTS.requestInterval,
      failureThreshold: props.failureThreshold ?? HEALTH_CHECK_DEFAULTS.failureThreshold,
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
