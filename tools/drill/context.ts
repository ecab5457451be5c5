/**
 * What every step of a drill works with: the targets and settings, the clients, the clock,
 * the operator's terminal, the journal the report is made from, and the two abort signals.
 * The state machine (drill.ts) owns it; faults and observers receive it.
 */
import type { Clock } from "./clock";
import { AddressLocator } from "./locate";
import type { DrillJournal } from "./journal";
import { Progress } from "./progress";
import { DrillRoute53, type HealthCheckInfo } from "./route53";
import type { DrillDeps, DrillSettings } from "./settings";
import type { DrillTargets, RegionTarget } from "./targets";

export type { DrillDeps, DrillSettings, DrillSignal, RegionalClients, SignalSource } from "./settings";

export class DrillContext {
  readonly targets: DrillTargets;
  readonly route53: DrillRoute53;
  readonly locator: AddressLocator;
  readonly progress: Progress;
  /** Aborted by the first signal: stops preflight, observe and verify. */
  readonly drillAbort = new AbortController();
  /** Aborted by a signal during restore: stops waiting for the drilled region to be back. */
  readonly restoreAbort = new AbortController();
  /** The drilled region's health check, once preflight found it. */
  drilledCheck: HealthCheckInfo | undefined;
  /** Every region's health check id, once found (the dry run names them). */
  readonly healthCheckIds = new Map<RegionTarget, string>();

  constructor(
    readonly settings: DrillSettings,
    readonly deps: DrillDeps,
    readonly journal: DrillJournal,
  ) {
    this.targets = settings.targets;
    this.route53 = new DrillRoute53(deps.route53);
    this.locator = new AddressLocator(deps.http, settings.targets.apiUrl);
    this.progress = new Progress(deps.output, deps.clock, journal.startedAt);
  }

  get drillId(): string {
    return this.journal.drillId;
  }

  get clock(): Clock {
    return this.deps.clock;
  }

  get drillSignal(): AbortSignal {
    return this.drillAbort.signal;
  }

  get restoreSignal(): AbortSignal {
    return this.restoreAbort.signal;
  }

  now(): number {
    return this.deps.clock.now();
  }

  /** Polls keep a fixed cadence from a change, however long each poll took. */
  async sleepUntil(at: number, signal: AbortSignal): Promise<void> {
    await this.deps.clock.sleep(Math.max(at - this.now(), 0), signal);
  }

  /** The drilled region's health check id; `<label health check id>` before preflight found it. */
  get drilledCheckId(): string {
    return this.drilledCheck?.id ?? `<${this.targets.drilled.label} health check id>`;
  }
}
