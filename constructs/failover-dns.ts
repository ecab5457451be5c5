import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { HEALTH_PATH } from "../contract/handlers";
import type { AliasTarget } from "./regional-domains";

export interface FailoverRegion {
  readonly region: string;
  readonly label: string;
  /** `<label>.<domain>`: what the region's health check probes. */
  readonly regionalDomainName: string;
  /** The record that makes `regionalDomainName` resolve: the health check starts after it. */
  readonly regionalRecord: ITerraformDependable;
  /** The region's `api.<domain>` endpoint. */
  readonly apiTarget: AliasTarget;
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
}

/**
 * Health checks and the `api.<domain>` failover records.
 *
 * - Every region's `https://<label>.<domain>/health` gets a health check. Only the
 *   primary's decides routing; the standbys' are for monitoring and alarms.
 * - PRIMARY: the primary's endpoint, with its health check and evaluate-target-health.
 * - SECONDARY, two regions: the second region's endpoint, with no health check, so it is
 *   always presumed healthy (the workshop's semantics).
 * - SECONDARY, three or more regions: an alias (no health check) to `api-standby.<domain>`,
 *   a latency-routed set of the standbys, each with its own health check. Clients go to the
 *   nearest healthy standby; if every standby fails, Route 53 treats them all as healthy
 *   and answers with one (the nearest by latency), so the SECONDARY still always answers.
 */
export class FailoverDns extends Construct {
  /** Health check id per region. */
  readonly healthCheckIds: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: FailoverDnsProps) {
    super(scope, id);
    const { provider, hostedZoneId } = props;
    const [primary, ...standbys] = props.regions;
    if (primary === undefined || standbys.length === 0) {
      throw new Error("FailoverDns: regions needs a primary and at least one standby");
    }

    const healthChecks = new Map(
      props.regions.map((entry) => [
        entry.region,
        new Route53HealthCheck(this, `health-check-${entry.region}`, {
          provider,
          type: "HTTPS",
          fqdn: entry.regionalDomainName,
          port: 443,
          resourcePath: HEALTH_PATH,
          enableSni: true,
          requestInterval: props.requestInterval,
          failureThreshold: props.failureThreshold,
          measureLatency: false,
          tags: { Name: `${entry.label}-api` },
          // Probing a name before its record exists only fails the check and fires its alarm.
          dependsOn: [entry.regionalRecord],
        }),
      ]),
    );
    this.healthCheckIds = Object.fromEntries([...healthChecks].map(([region, check]) => [region, check.id]));

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
      healthCheckId: healthChecks.get(primary.region)!.id,
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
          healthCheckId: healthChecks.get(standby.region)!.id,
        }),
    );
    // An alias target must exist before the alias: hence the explicit dependency.
    failoverRecord("SECONDARY", "standbys-secondary", { name: standbySetName, zoneId: hostedZoneId }, { dependsOn: standbySet });
  }
}
