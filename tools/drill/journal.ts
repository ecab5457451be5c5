/**
 * What a drill has seen so far: steps, polls, probes, milestones, problems and warnings. The
 * state machine and the faults write to it; `toRecord` turns it into the record the reports
 * are made from.
 */
import { rtoBudget } from "./budget";
import type { DrillSettings, DrillSignal } from "./settings";
import type { FaultRecord } from "./faults/kinds";
import {
  drillIdAt,
  EXIT_CODES,
  type DrillOutcome,
  type DrillRecord,
  type MilestoneName,
  type ProbeRecord,
  type Sample,
  type StepRecord,
} from "./record";

export class DrillJournal {
  readonly drillId: string;
  readonly steps: StepRecord[] = [];
  readonly samples: Sample[] = [];
  readonly probes: ProbeRecord[] = [];
  readonly milestones: Partial<Record<MilestoneName, number>> = {};
  readonly problems: string[] = [];
  readonly warnings: string[] = [];
  healthChecks: DrillRecord["healthChecks"] = [];
  /** Region `api.<domain>` failed over to. */
  failoverRegion: string | undefined;

  constructor(readonly startedAt: number) {
    this.drillId = drillIdAt(startedAt);
  }

  /** Milliseconds since the drill started. */
  offset(at: number): number {
    return at - this.startedAt;
  }

  /** Records the first time a milestone is reached (epoch ms). */
  milestone(name: MilestoneName, at: number): void {
    this.milestones[name] ??= this.offset(at);
  }

  /** Epoch ms of a milestone, if reached. */
  milestoneAt(name: MilestoneName): number | undefined {
    const offset = this.milestones[name];
    return offset === undefined ? undefined : this.startedAt + offset;
  }

  warn(warning: string): void {
    this.warnings.push(warning);
  }

  private outcome(refused: boolean, interruptedBy: DrillSignal | undefined): DrillOutcome {
    if (refused) return "refused";
    if (interruptedBy !== undefined) return "interrupted";
    return this.problems.length > 0 ? "failed" : "passed";
  }

  toRecord(args: {
    settings: DrillSettings;
    finishedAt: number;
    refused: boolean;
    interruptedBy: DrillSignal | undefined;
    fault: FaultRecord;
  }): DrillRecord {
    const { settings, interruptedBy } = args;
    for (const probe of this.probes) {
      if (probe.outcome === "failed") this.problems.push(`probe ${probe.index} was not written: ${probe.error ?? "?"}`);
    }
    const outcome = this.outcome(args.refused, interruptedBy);
    return {
      drillId: this.drillId,
      startedAt: this.startedAt,
      finishedAt: args.finishedAt,
      outcome,
      exitCode: outcome === "interrupted" ? EXIT_CODES[interruptedBy!] : EXIT_CODES[outcome],
      configSource: settings.configSource,
      targets: settings.targets,
      settings: { probes: settings.probes, timeoutSeconds: settings.timeoutSeconds, pollSeconds: settings.pollSeconds },
      healthChecks: this.healthChecks,
      steps: this.steps,
      samples: this.samples,
      probes: this.probes,
      milestones: this.milestones,
      failoverRegion: this.failoverRegion,
      problems: this.problems,
      warnings: this.warnings,
      budget: rtoBudget(settings.targets),
      fault: args.fault,
    };
  }
}
