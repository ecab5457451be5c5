/** What a drill run records: the input of the JSON and Markdown reports and the timeline. */
import type { RtoBudget } from "./budget";
import type { FaultKind, FaultRecord } from "./faults/kinds";
import type { DrillTargets } from "./targets";

export type DrillOutcome = "passed" | "failed" | "refused" | "interrupted";

export const EXIT_CODES = {
  passed: 0,
  /** The drill ran and something failed, timed out or was lost. */
  failed: 1,
  /** Bad arguments or configuration: nothing was called. */
  usage: 2,
  /** Preflight found a problem: nothing was changed. */
  refused: 3,
  SIGINT: 130,
  SIGTERM: 143,
} as const;

export type StepName = "preflight" | "mark" | "baseline" | "break" | "observe" | "restore" | "unmark" | "verify";

export interface StepRecord {
  readonly name: StepName;
  /** Milliseconds since the drill started. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly outcome: "ok" | "failed" | "interrupted";
  readonly detail: string;
}

/**
 * One poll of the drilled region's health check and of Route 53's answer for `api.<domain>`
 * (active-active: the answer for a client in the drilled region's area).
 */
export interface Sample {
  readonly at: number;
  readonly phase: "baseline" | "observe" | "restore";
  readonly health: "healthy" | "unhealthy";
  readonly healthyCheckers: number;
  readonly checkers: number;
  /** Region serving Route 53's answer; undefined when it could not be placed. */
  readonly answer: string | undefined;
  readonly addresses: readonly string[];
  readonly note: string | undefined;
}

export interface ProbeRecord {
  /** 1-based. */
  readonly index: number;
  readonly idempotencyKey: string;
  readonly at: number;
  /** The address of Route 53's answer the ticket was posted to. */
  readonly address: string | undefined;
  /** Region at that address. */
  readonly servedBy: string | undefined;
  /** POSTs sent for this probe, retries (same Idempotency-Key and body) included. */
  readonly attempts: number;
  readonly outcome: "written" | "failed";
  readonly httpStatus: number | undefined;
  readonly ticketId: string | undefined;
  readonly error: string | undefined;
  /** Per region: found when reading every region back; undefined until verified. */
  readBack: Record<string, "found" | "missing"> | undefined;
}

export const MILESTONES = {
  broken: "primary health check inverted",
  detected: "Route 53 counts the primary unhealthy",
  failedOver: "api answers a standby",
  restored: "health check un-inverted",
  healthy: "primary healthy again",
  failedBack: "api answers the primary again",
  caughtUp: "every probe in every standby",
} as const;
export type MilestoneName = keyof typeof MILESTONES;

/** The milestones' names in a drill's report: the failover wording, or active-active's naming the drilled region. */
export function milestoneLabels(targets: Pick<DrillTargets, "routing" | "drilled">): Record<MilestoneName, string> {
  if (targets.routing === "failover") return MILESTONES;
  const region = targets.drilled.name;
  return {
    broken: `${region} health check inverted`,
    detected: `Route 53 counts ${region} unhealthy`,
    failedOver: `api answers another region in ${region}'s area`,
    restored: "health check un-inverted",
    healthy: `${region} healthy again`,
    failedBack: `api answers ${region} again in its area`,
    caughtUp: MILESTONES.caughtUp,
  };
}

/** What `broken`, `detected` and `restored` mean for each fault; the rest are the same for all. */
const FAULT_MILESTONES: Record<FaultKind, (role: string) => Partial<Record<MilestoneName, string>>> = {
  "health-check": () => ({}),
  functions: (role) => ({ broken: `${role}'s functions throttled`, restored: "functions' concurrency put back" }),
  replication: () => ({
    broken: "replication paused (experiment running)",
    detected: "probes missing in every standby",
    restored: "replication resumed (experiment ended)",
  }),
};

/** The milestones' names in a report of this fault and routing mode. */
export function faultMilestoneLabels(
  targets: Pick<DrillTargets, "routing" | "drilled">,
  fault: FaultKind,
): Record<MilestoneName, string> {
  const role = targets.routing === "failover" ? "primary" : targets.drilled.name;
  return { ...milestoneLabels(targets), ...FAULT_MILESTONES[fault](role) };
}

export interface DrillRecord {
  readonly drillId: string;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome: DrillOutcome;
  readonly exitCode: number;
  /** The settings file, or "built-in defaults". */
  readonly configSource: string;
  readonly targets: DrillTargets;
  readonly settings: { readonly probes: number; readonly timeoutSeconds: number; readonly pollSeconds: number };
  readonly healthChecks: readonly { readonly region: string; readonly label: string; readonly id: string }[];
  readonly steps: readonly StepRecord[];
  readonly samples: readonly Sample[];
  readonly probes: readonly ProbeRecord[];
  /** Milliseconds since the drill started. */
  readonly milestones: Readonly<Partial<Record<MilestoneName, number>>>;
  /** Region `api.<domain>` failed over to (active-active: for clients in the drilled region's area). */
  readonly failoverRegion: string | undefined;
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
  readonly budget: RtoBudget;
  /** What broke (`--fault`), the Terraform drift it caused, and its own measures. */
  readonly fault: FaultRecord;
}

/** `drill-20261130T090000Z`: the drill's id, from its start time (unique while the marker holds). */
export function drillIdAt(epochMs: number): string {
  return `drill-${new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "")}`;
}

export function probeOutcome(probe: ProbeRecord): "verified" | "lost" | "failed" | "unverified" {
  if (probe.outcome === "failed") return "failed";
  if (probe.readBack === undefined) return "unverified";
  return Object.values(probe.readBack).every((state) => state === "found") ? "verified" : "lost";
}
