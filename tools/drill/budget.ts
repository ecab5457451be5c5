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
 *
 * Both routing modes use the same arithmetic; what differs is who moves, and where to:
 *
 * - `failover`: the primary's record carries its routing check; when the check fails, Route 53
 *   answers the SECONDARY (a standby, or with three or more regions the latency set
 *   `api-standby.<domain>`) to every client. Everyone moves.
 * - `active-active`: each region's latency record carries that region's routing check; when
 *   the drilled region's check fails, Route 53 stops answering it and answers clients nearest
 *   to it with the next-lowest-latency healthy region. Only those clients move (everyone else
 *   kept their nearer region all along), and the drill measures them by asking as one of them
 *   (EDNS0ClientSubnetIP). Detection, spread and alias-target TTL are the same: the routing
 *   check is the same kind of calculated check over the same endpoint check, and the latency
 *   records are aliases to the same API Gateway domain names. (If every region were unhealthy,
 *   Route 53 would answer as if all were healthy; a drill breaks only one.)
 */
import type { RoutingMode } from "../../config/schema";
import type { DrillTargets } from "./targets";

export const ALIAS_TARGET_TTL_SECONDS = 60;

export interface RtoBudget {
  /** The mode the budget is for: the same numbers, different clients moving (see above). */
  readonly routing: RoutingMode;
  /** Who moves when the drilled region fails, in words. */
  readonly whoMoves: string;
  readonly detectionSeconds: number;
  readonly checkerSpreadSeconds: number;
  readonly recordTtlSeconds: number;
  /** Until Route 53's name servers answer a standby (active-active: another region): detection + spread. */
  readonly failoverSeconds: number;
  /** Until every client resolver has the standby: failover + TTL. */
  readonly clientFailoverSeconds: number;
}

export function rtoBudget(
  targets: Pick<DrillTargets, "requestInterval" | "failureThreshold"> & Partial<Pick<DrillTargets, "routing">>,
): RtoBudget {
  const routing = targets.routing ?? "failover";
  const detectionSeconds = targets.requestInterval * targets.failureThreshold;
  const checkerSpreadSeconds = targets.requestInterval;
  const failoverSeconds = detectionSeconds + checkerSpreadSeconds;
  return {
    routing,
    whoMoves:
      routing === "failover"
        ? "every client, from the primary to the SECONDARY"
        : "the clients nearest the drilled region, to their next-lowest-latency healthy region",
    detectionSeconds,
    checkerSpreadSeconds,
    recordTtlSeconds: ALIAS_TARGET_TTL_SECONDS,
    failoverSeconds,
    clientFailoverSeconds: failoverSeconds + ALIAS_TARGET_TTL_SECONDS,
  };
}
