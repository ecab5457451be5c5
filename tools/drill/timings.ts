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
  };
}
