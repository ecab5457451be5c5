/** The dry run's wording of the steps the failover-observing faults share (observe, the wait in restore). */
import { TICKETS_PATH } from "../../contract/handlers";
import type { DrillContext } from "./context";
import { idempotencyKey } from "./probes";

/** ` ResolverIP and EDNS0ClientSubnetIP …` in active-active, else empty. */
export function subnetClause(context: DrillContext): string {
  const { clientSubnet } = context.targets;
  return clientSubnet === undefined
    ? ""
    : ` ResolverIP and EDNS0ClientSubnetIP ${clientSubnet.ip} EDNS0ClientSubnetMask ${clientSubnet.mask}`;
}

/** `POST https://api.<domain>/ticket (Idempotency-Key … … …)` for `count` probes. */
export function probePosts(context: DrillContext, count: number): string {
  const keys =
    count === 0 ? "" : ` (Idempotency-Key ${idempotencyKey(context.drillId, 1)} … ${idempotencyKey(context.drillId, count)})`;
  return `${count} × POST ${context.targets.apiUrl}${TICKETS_PATH.slice(1)}${keys}`;
}

/** The observe step of a fault that takes the drilled region out of DNS. */
export function planFailover(context: DrillContext, servesWhileBroken: boolean): string[] {
  const { targets, settings } = context;
  const answered = targets.routing === "failover" ? "a standby" : "another region";
  const early = servesWhileBroken ? Math.ceil(settings.probes / 2) : 0;
  return [
    `every ${settings.pollSeconds} s for up to ${settings.timeoutSeconds} s, GetHealthCheckStatus ${context.drilledCheckId} and TestDNSAnswer ${targets.apiName} A${subnetClause(context)}, until ${answered} (${targets.others.map((s) => s.name).join(", ")}) answers`,
    `   probes: ${probePosts(context, settings.probes)}: ${early} while waiting, ${settings.probes - early} once ${answered} answers`,
  ];
}

/** The wait that ends the restore step of such a fault. */
export function planFailBack(context: DrillContext): string {
  const { targets, settings } = context;
  return `wait up to ${settings.timeoutSeconds} s until it is healthy and ${targets.apiName} answers ${targets.drilled.name}${targets.routing === "failover" ? "" : " again in its area"}`;
}
