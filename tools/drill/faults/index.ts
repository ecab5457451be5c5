/** Every fault the drill can inject, by its `--fault` name: the one place that knows them all. */
import type { DrillDeps } from "../context";
import type { Fault, FaultKind } from "./fault";
import { FunctionsFault } from "./functions";
import { HealthCheckFault } from "./health-check";
import { ReplicationFault } from "./replication";

import type { DrillTargets } from "../targets";

export { DEFAULT_FAULT, FAULT_KINDS, type FaultKind } from "./fault";
export { FAULT_SUMMARIES, isFaultKind } from "./summaries";

/**
 * Combinations of fault and targets that make no sense, as a message (a usage error), else
 * undefined. The health-check and functions faults break whichever region is drilled; the
 * replication fault's template lives in the primary, so it drills only the first region.
 */
export function refusedCombination(kind: FaultKind, targets: Pick<DrillTargets, "drilled" | "primary">): string | undefined {
  if (kind !== "replication" || targets.drilled === targets.primary) return undefined;
  return (
    `--fault replication pauses replication into and out of the primary region ${targets.primary.name}, where the stack's FIS template is; ` +
    `it can't drill ${targets.drilled.name}: leave out --region, or give ${targets.primary.name}`
  );
}

export function createFault(kind: FaultKind, deps: Pick<DrillDeps, "regional">): Fault {
  const faults: Record<FaultKind, () => Fault> = {
    "health-check": () => new HealthCheckFault(),
    functions: () => new FunctionsFault(deps.regional),
    replication: () => new ReplicationFault(deps.regional),
  };
  return faults[kind]();
}
