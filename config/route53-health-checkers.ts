/**
 * Route 53's health checkers: the regions a health check can be probed from, and the address
 * ranges AWS publishes for them (`ip-ranges.json`, service `ROUTE53_HEALTHCHECKS`), vendored in
 * `route53-health-checker-ranges.json` and refreshed by `npm run refresh:health-checkers`.
 */
import ranges from "./route53-health-checker-ranges.json";

/** The regions Route 53 accepts in a health check's `regions` (the API's HealthCheckRegion). */
export const HEALTH_CHECKER_REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
] as const;
export type HealthCheckerRegion = (typeof HEALTH_CHECKER_REGIONS)[number];

/** The vendored extract of `ip-ranges.json`, as the refresh tool writes it. */
export interface HealthCheckerRanges {
  readonly source: string;
  readonly service: string;
  readonly syncToken: string;
  /** `YYYY-MM-DD-hh-mm-ss`, UTC: when AWS published the file. */
  readonly createDate: string;
  readonly prefixes: readonly { readonly ip_prefix: string; readonly region: string }[];
  readonly ipv6_prefixes: readonly { readonly ipv6_prefix: string; readonly region: string }[];
}

export const HEALTH_CHECKER_RANGES: HealthCheckerRanges = ranges;

/** Regions of other partitions (China, GovCloud, the European Sovereign Cloud): never ours. */
const OTHER_PARTITION = /^(cn-|us-gov-|eusc-)/;

/**
 * The address ranges that Route 53's checkers in `checkerRegions` may probe from: each chosen
 * region's ranges, plus every range AWS files under no selectable checker region (`GLOBAL`,
 * and regions such as eu-central-1 that carry checker infrastructure without being a choice).
 * The ranges of checker regions not chosen, and of other partitions, are left out.
 */
export function healthCheckerCidrs(
  checkerRegions: readonly string[],
  source: HealthCheckerRanges = HEALTH_CHECKER_RANGES,
): string[] {
  const wanted = (region: string) =>
    !OTHER_PARTITION.test(region) &&
    (checkerRegions.includes(region) || !(HEALTH_CHECKER_REGIONS as readonly string[]).includes(region));
  return [
    ...source.prefixes.filter((entry) => wanted(entry.region)).map((entry) => entry.ip_prefix),
    ...source.ipv6_prefixes.filter((entry) => wanted(entry.region)).map((entry) => entry.ipv6_prefix),
  ];
}

/** The date AWS published the vendored ranges, `YYYY-MM-DD`. */
export function healthCheckerRangesDate(source: HealthCheckerRanges = HEALTH_CHECKER_RANGES): string {
  return source.createDate.slice(0, 10);
}
