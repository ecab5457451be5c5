/**
 * The recovery-time budget from config, to set next to what a drill measures.
 *
 * - Detection: a checker declares the endpoint unhealthy after `failureThreshold` failed
 *   checks in a row, one every `requestInterval` seconds.
 * - Checker spread and aggregation: checkers in different locations don't coordinate, and
 *   Route 53 then aggregates their reports and updates its name servers. AWS documents no
 *   figure; the budget allows one request interval and the drill measures the real value.
 * - Record TTL: `api.<domain>` is an alias record, which has no TTL of its own: resolvers get
 *   the TTL of the alias target, 60 s for API Gateway regional domain names (as for ELB).
 *   The drill asks Route 53's name servers directly, so the TTL is added, not measured.
 */
import type { DrillTargets } from "./targets";

export const ALIAS_TARGET_TTL_SECONDS = 60;

export interface RtoBudget {
  readonly detectionSeconds: number;
  readonly checkerSpreadSeconds: number;
  readonly recordTtlSeconds: number;
  /** Until Route 53's name servers answer a standby: detection + spread. */
  readonly failoverSeconds: number;
  /** Until every client resolver has the standby: failover + TTL. */
  readonly clientFailoverSeconds: number;
}

export function rtoBudget(targets: Pick<DrillTargets, "requestInterval" | "failureThreshold">): RtoBudget {
  const detectionSeconds = targets.requestInterval * targets.failureThreshold;
  const checkerSpreadSeconds = targets.requestInterval;
  const failoverSeconds = detectionSeconds + checkerSpreadSeconds;
  return {
    detectionSeconds,
    checkerSpreadSeconds,
    recordTtlSeconds: ALIAS_TARGET_TTL_SECONDS,
    failoverSeconds,
    clientFailoverSeconds: failoverSeconds + ALIAS_TARGET_TTL_SECONDS,
  };
}
