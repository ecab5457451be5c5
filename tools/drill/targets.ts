/**
 * What a drill touches, named from config alone: the routing mode, the region under drill
 * (in failover mode always the primary; in active-active `--region`, default the first), the
 * other regions, their endpoints and health-check targets, `api.<domain>`, and in
 * active-active the client subnet Route 53 is asked from. Ids (health checks) are looked up
 * at run time; these names are what the lookup matches.
 */
import type { RoutingMode, TicketsConfig } from "../../config/schema";
import { STANDBY_SET_LABEL } from "../../config/schema";
import { apiUrl, regionUrl } from "../../config/urls";
import { FAILOVER_LEVER } from "../../constructs/failover-lever";
import { describeClientSubnet, regionClientSubnet, type ClientSubnet } from "./client-subnets";
import { UsageError } from "./options";

/**
 * Tag on the drilled region's health check while a drill runs; its value is the drill id. The stack's
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
  /** How `api.<domain>` routes: failover (primary, then standbys) or active-active (latency). */
  readonly routing: RoutingMode;
  /** `api.<domain>`: the name clients use. */
  readonly apiName: string;
  /** `https://api.<domain>/` */
  readonly apiUrl: string;
  /** `api-standby.<domain>` with three or more regions (the SECONDARY's latency set). */
  readonly standbySetName: string | undefined;
  readonly primary: RegionTarget;
  readonly standbys: readonly RegionTarget[];
  /** Primary first. */
  readonly regions: readonly RegionTarget[];
  /** The region whose health check the drill inverts: the primary in failover mode. */
  readonly drilled: RegionTarget;
  /** Every region but the drilled one, in config order. */
  readonly others: readonly RegionTarget[];
  /**
   * Active-active only: where TestDNSAnswer asks from (EDNS0ClientSubnetIP), an address in the
   * drilled region's area. Undefined in failover mode: one answer for every client.
   */
  readonly clientSubnet: ClientSubnet | undefined;
  readonly requestInterval: number;
  readonly failureThreshold: number;
  /** `namePrefix` of the settings: names the functions and the replication fault's template. */
  readonly namePrefix: string;
  /** The functions of every region, the same names in each: what the functions fault throttles. */
  readonly functionNames: readonly string[];
  /** The two global tables: the tickets and the idempotency records. */
  readonly tableNames: readonly string[];
  /** `drill.replicationFault` of the settings: whether the stack created the replication fault's template. */
  readonly replicationFaultTemplate: boolean;
}

/** Suffixes of the functions constructs/regional-api.ts creates per region (`<namePrefix>-get`, ...). */
export const FUNCTION_SUFFIXES = ["get", "post", "health"] as const;

export interface DrillTargetOptions {
  /** `--region`: the region to drill (a region code or label of the config). */
  readonly region?: string | undefined;
  /** `--client-subnet`, active-active only: replaces the drilled region's vendored subnet. */
  readonly clientSubnet?: ClientSubnet | undefined;
}

export function drillTargets(config: TicketsConfig, options: DrillTargetOptions = {}): DrillTargets {
  const regions = config.regions.map(({ name, label }): RegionTarget => ({
    name,
    label,
    endpoint: `${label}.${config.domainName}`,
    url: regionUrl(config, label),
  }));
  const [primary, ...standbys] = regions;
  // The schema guarantees two or more regions; this only narrows the type.
  if (primary === undefined) throw new Error("config.regions: no primary region");
  const drilled = drilledRegion(config, regions, primary, options.region);
  const clientSubnet = drillClientSubnet(config, drilled, options.clientSubnet);
  return {
    domainName: config.domainName,
    hostedZoneId: config.hostedZoneId,
    routing: config.routing,
    apiName: new URL(apiUrl(config)).hostname,
    apiUrl: apiUrl(config),
    standbySetName:
      config.routing === "failover" && standbys.length > 1 ? `${STANDBY_SET_LABEL}.${config.domainName}` : undefined,
    primary,
    standbys,
    regions,
    drilled,
    others: regions.filter((region) => region !== drilled),
    clientSubnet,
    requestInterval: config.healthCheck.requestInterval,
    failureThreshold: config.healthCheck.failureThreshold,
    namePrefix: config.namePrefix,
    functionNames: FUNCTION_SUFFIXES.map((suffix) => `${config.namePrefix}-${suffix}`),
    tableNames: [config.tableName, `${config.tableName}-idempotency`],
    replicationFaultTemplate: config.drill.replicationFault,
  };
}

/**
 * The region `--region` names (a code or a label), the primary without it. In failover mode only
 * the primary can be drilled: api.<domain> fails over from it to the standbys.
 */
function drilledRegion(
  config: TicketsConfig,
  regions: readonly RegionTarget[],
  primary: RegionTarget,
  wanted: string | undefined,
): RegionTarget {
  const drilled = wanted === undefined ? primary : regions.find((region) => region.name === wanted || region.label === wanted);
  if (drilled === undefined) {
    const listed = regions.map(describeRegion).join(", ");
    throw new UsageError(`--region: "${wanted}" is not a region of this deployment; its regions: ${listed}`);
  }
  if (config.routing === "failover" && drilled !== primary) {
    throw new UsageError(
      `--region: ${describeRegion(drilled)} is a standby; in failover mode (config routing "failover") the drill ` +
        `always breaks the primary, ${describeRegion(primary)}, and api.${config.domainName} fails over to the standbys`,
    );
  }
  return drilled;
}

/**
 * The client subnet an active-active drill asks Route 53 from: `--client-subnet`, else the drilled
 * region's vendored one. A failover drill asks from nowhere in particular and takes no subnet.
 */
function drillClientSubnet(
  config: TicketsConfig,
  drilled: RegionTarget,
  given: ClientSubnet | undefined,
): ClientSubnet | undefined {
  if (config.routing === "failover") {
    if (given !== undefined) {
      throw new UsageError(
        `--client-subnet: only for active-active drills; in failover mode Route 53 answers every client the same`,
      );
    }
    return undefined;
  }
  const clientSubnet = given ?? regionClientSubnet(drilled.name);
  // The schema limits regions to AWS_REGIONS, every one of which has a vendored subnet.
  if (clientSubnet === undefined)
    throw new UsageError(`--client-subnet: no vendored client subnet for ${drilled.name}; give one`);
  return clientSubnet;
}

/** `eu-west-1 (ireland)` */
export function describeRegion(region: RegionTarget): string {
  return `${region.name} (${region.label})`;
}

/** What the drilled region is called in messages: "primary" in failover mode (as before), else its code. */
export function drilledRole(targets: Pick<DrillTargets, "routing" | "drilled">): string {
  return targets.routing === "failover" ? "primary" : targets.drilled.name;
}

/** The same inside a sentence: "the primary", or the region's code (no article). */
export function theDrilled(targets: Pick<DrillTargets, "routing" | "drilled">): string {
  return targets.routing === "failover" ? "the primary" : targets.drilled.name;
}

/** `api.example.com` or, active-active, `api.example.com (from eu-west-1's area, 3.248.0.0/24)`. */
export function describeQuery(targets: Pick<DrillTargets, "apiName" | "drilled" | "clientSubnet">): string {
  return targets.clientSubnet === undefined
    ? targets.apiName
    : `${targets.apiName} (asked from ${targets.drilled.name}'s area, EDNS0 client subnet ${describeClientSubnet(targets.clientSubnet)})`;
}
