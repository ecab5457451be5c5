/**
 * A fault: one way the drill breaks the drilled region, behind one interface, so the state
 * machine (drill.ts) runs every kind through the same steps without knowing which it is:
 *
 *   preflight (read only) -> mark -> break -> observe -> undo + awaitRecovery -> unmark + checkRestored
 *
 * The restore step is `undo` and `awaitRecovery`; the state machine runs it on every exit path
 * once `break` was attempted, and `unmark` once `mark` was (unless the undo failed: the marker
 * then stays, telling the next drill and people to look).
 */
import type { DrillContext } from "../context";

import type { FaultKind, FaultRecord } from "./kinds";

export { DEFAULT_FAULT, FAULT_KINDS, type FaultKind, type FaultRecord } from "./kinds";

/** What the dry run prints for the fault's own steps; ids not known yet read `<... looked up at run time>`. */
export interface FaultPlan {
  /** Extra header lines (`  fault      ...`); none for the default fault, whose plan predates faults. */
  readonly header: readonly string[];
  /** Read-only checks of the fault, one line each, under "1. preflight". */
  readonly preflight: readonly string[];
  readonly mark: string;
  readonly break: string;
  /** The observe step's lines (the first is the step, the rest its indented details). */
  readonly observe: readonly string[];
  readonly restore: string;
  readonly unmark: string;
}

/** What `undo` did, as done (`health check … un-inverted`) and as a state (`… is un-inverted`). */
export interface Undone {
  readonly done: string;
  readonly state: string;
}

/** The undo failed: the drilled region stays broken, and the marker stays to say so. */
export class UndoFailed extends Error {}

export interface Fault {
  readonly kind: FaultKind;
  /**
   * Whether the drilled region still serves while broken: then half the probes are written to
   * it while waiting for failover. A region that really is down gets its probes after failover.
   */
  readonly servesWhileBroken: boolean;
  /** What happens first when a signal comes during restore, e.g. "the health check is un-inverted first". */
  readonly undoneFirst: string;
  /**
   * The dry run's lines. Called after `preflight` when it could read AWS (ids filled in),
   * or without (ids looked up at run time).
   */
  plan(context: DrillContext): FaultPlan;
  /** Read-only checks; each problem refuses the drill. Throws when AWS can't be read. */
  preflight(context: DrillContext, signal: AbortSignal): Promise<string[]>;
  /** Tags what the fault will change with the drill's marker; throws if another drill holds it. */
  mark(context: DrillContext): Promise<string>;
  break(context: DrillContext): Promise<string>;
  /** Waits for the break's effect (failover, replication gap), writing probes; returns the step's detail. */
  observe(context: DrillContext): Promise<string>;
  /**
   * Undoes the break, retrying, never aborted (giving up would leave the region broken); throws
   * {@link UndoFailed} with the commands to undo it by hand when it can't.
   */
  undo(context: DrillContext): Promise<Undone>;
  /** Then waits until the region is back (aborted by the context's restoreSignal). */
  awaitRecovery(context: DrillContext, undone: Undone): Promise<string>;
  unmark(context: DrillContext): Promise<string>;
  /** After unmark: problems where what the fault touched is not as it was before the drill. */
  checkRestored(context: DrillContext): Promise<string[]>;
  /** Whether a health checker's result at `checkedAt` counts inverted (only the health-check fault inverts). */
  invertedAt(checkedAt: number | undefined): boolean;
  record(): FaultRecord;
}
