/**
 * What a drill touches, named from config alone: the primary and its standbys, their
 * endpoints and health-check targets, `api.<domain>`. Ids (health checks) are looked up at
 * run time; these names are what the lookup matches.
 */
import type { TicketsConfig } from "../../config/schema";
import { STANDBY_SET_LABEL } from "../../config/schema";
import { apiUrl, regionUrl } from "../../config/urls";
import { FAILOVER_LEVER } from "../../constructs/failover-lever";

/**
 * Tag on the primary health check while a drill runs; its value is the drill id. The stack's
 * Terraform ignores it on its health checks, as it ignores their inversion.
 */
export const DRILL_MARKER_TAG = FAILOVER_LEVER.markerTag;

export interface RegionTarget {
  /** AWS region code, e.g. `eu-west-1`. */
  readonly name: string;
  readonly label: string;
  /** `<label>.<domain>`: the region's own endpoint and its health check's FQDN. */
  readonly endpoint: string;
  /** `https://<label>.<domain>/` */
  readonly url: string;
}

export interface DrillTargets {
  readonly domainName: string;
  readonly hostedZoneId: string;
  /** `api.<domain>`: the failover name clients use. */
  readonly apiName: string;
  /** `https://api.<domain>/` */
  readonly apiUrl: string;
  /** `api-standby.<domain>` with three or more regions (the SECONDARY's latency set). */
  readonly standbySetName: string | undefined;
  readonly primary: RegionTarget;
  readonly standbys: readonly RegionTarget[];
  /** Primary first. */
  readonly regions: readonly RegionTarget[];
  readonly requestInterval: number;
  readonly failureThreshold: number;
}

export function drillTargets(config: TicketsConfig): DrillTargets {
  const regions = config.regions.map(({ name, label }): RegionTarget => ({
    name,
    label,
    endpoint: `${label}.${config.domainName}`,
    url: regionUrl(config, label),
  }));
  const [primary, ...standbys] = regions;
  // The schema guarantees two or more regions; this only narrows the type.
  if (primary === undefined) throw new Error("config.regions: no primary region");
  return {
    domainName: config.domainName,
    hostedZoneId: config.hostedZoneId,
    apiName: new URL(apiUrl(config)).hostname,
    apiUrl: apiUrl(config),
    standbySetName: standbys.length > 1 ? `${STANDBY_SET_LABEL}.${config.domainName}` : undefined,
    primary,
    standbys,
    regions,
    requestInterval: config.healthCheck.requestInterval,
    failureThreshold: config.healthCheck.failureThreshold,
  };
}

/** `eu-west-1 (ireland)` */
export function describeRegion(region: RegionTarget): string {
  return `${region.name} (${region.label})`;
}
