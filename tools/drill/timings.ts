/** The measured times of a drill, from its milestones. */
import type { DrillRecord, MilestoneName } from "./record";

export interface DrillTimings {
  /** From the break to Route 53 counting the drilled region (failover mode: the primary) unhealthy. */
  readonly timeToDetect: number | undefined;
  /** From the break to Route 53 answering a standby (active-active: another region in the drilled region's area). */
  readonly timeToFailOver: number | undefined;
  /** From the restore to the drilled region counting healthy again. */
  readonly timeToHealthy: number | undefined;
  /** From the restore to Route 53 answering the drilled region again (active-active: in its area). */
  readonly timeToFailBack: number | undefined;
  /** Replication fault: from the pause to its end, the writes a failover then would strand. */
  readonly strandedWindow: number | undefined;
  /** Replication fault: from the end of the pause until every probe was in every standby. */
  readonly catchUp: number | undefined;
}

export function drillTimings(record: Pick<DrillRecord, "milestones">): DrillTimings {
  const between = (from: MilestoneName, to: MilestoneName): number | undefined => {
    const start = record.milestones[from];
    const end = record.milestones[to];
    return start === undefined || end === undefined ? undefined : end - start;
  };
  return {
    timeToDetect: between("broken", "detected"),
    timeToFailOver: between("broken", "failedOver"),
    timeToHealthy: between("restored", "healthy"),
    timeToFailBack: between("restored", "failedBack"),
    strandedWindow: record.milestones.caughtUp === undefined ? undefined : between("broken", "restored"),
    catchUp: between("restored", "caughtUp"),
  };
}

/** When the fault was in place (ms since the start): from the break to its undoing, or to the end if never undone. */
export function faultWindow(
  record: Pick<DrillRecord, "milestones" | "startedAt" | "finishedAt">,
): { from: number; to: number; open: boolean } | undefined {
  const { broken, restored } = record.milestones;
  if (broken === undefined) return undefined;
  return restored === undefined
    ? { from: broken, to: record.finishedAt - record.startedAt, open: true }
    : { from: broken, to: restored, open: false };
}
