/**
 * The drill as a state machine. One value, `phase`, says how far it got; one transition per
 * step says where it goes next, by whether the step succeeded:
 *
 *   preflight -> mark -> baseline -> break -> observe -> restore -> unmark -> verify -> done
 *
 * What breaks is a fault (faults/): the default inverts the drilled region's health check
 * (the failover lever); others throttle its functions or pause replication. Preflight only
 * reads; any problem refuses the drill and nothing is written. From `mark` on, the transitions
 * lead every exit (a failed step, a timeout, SIGINT or SIGTERM) through restore (once `break`
 * was attempted) and unmark (once `mark` was, unless the undo failed: the marker then stays).
 * A first signal stops the drill and restores; a second one during restore stops waiting for
 * confirmation (the fault is undone before any waiting).
 */
import { DrillContext, type DrillDeps, type DrillSettings, type DrillSignal } from "./context";
import { createFault } from "./faults";
import { UndoFailed, type Fault } from "./faults/fault";
import { DrillJournal } from "./journal";
import { baseline, DrillFailure } from "./observe";
import { preflight } from "./preflight";
import type { DrillRecord, StepName } from "./record";
import { describeClientSubnet } from "./client-subnets";
import { describeQuery, describeRegion, theDrilled } from "./targets";
import { verifyProbes } from "./verify";

export type { DrillDeps, DrillSettings, DrillSignal, SignalSource } from "./context";

export const DEFAULT_POLL_SECONDS = 5;
export const DEFAULT_READ_BACK_GRACE_SECONDS = 60;

/**
 * How far the drill got. A step's name while it runs; `restored` once the restore step undid
 * the fault (it then waits for the region to be back); `done` at the end.
 */
export type DrillPhase = StepName | "restored" | "done";

class DrillInterrupted extends Error {
  constructor(readonly signal: DrillSignal) {
    super(`interrupted by ${signal}`);
  }
}

class DrillRefused extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`refused: ${problems.length} problem${problems.length === 1 ? "" : "s"} found`);
  }
}

function describeError(error: unknown): string {
  if (error instanceof DrillFailure || error instanceof DrillInterrupted || error instanceof DrillRefused) return error.message;
  if (error instanceof UndoFailed) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function runDrill(settings: DrillSettings, deps: DrillDeps): Promise<DrillRecord> {
  return new DrillRun(settings, deps).run();
}

interface Transition {
  /** The step's work; its result is the step's detail. */
  readonly body: () => Promise<string>;
  /** The next step, by whether this one succeeded. */
  readonly next: (ok: boolean) => StepName | "done";
}

/** Phases during which a signal only stops the waiting: the fault is being undone. */
const RESTORING: readonly DrillPhase[] = ["restore", "restored", "unmark"];
/** Phases after which the drilled region is back. */
const RESTORED: readonly DrillPhase[] = ["verify", "done"];

class DrillRun {
  private readonly context: DrillContext;
  private readonly journal: DrillJournal;
  private readonly fault: Fault;
  private phase: DrillPhase = "preflight";
  private interruptedBy: DrillSignal | undefined;
  private refused = false;
  private readonly transitions: Record<StepName, Transition>;

  constructor(
    private readonly settings: DrillSettings,
    private readonly deps: DrillDeps,
  ) {
    this.journal = new DrillJournal(deps.clock.now());
    this.context = new DrillContext(settings, deps, this.journal);
    this.fault = createFault(settings.fault, deps);
    const { context, fault } = this;
    const unlessStopped = (body: () => Promise<string>) => () => {
      context.drillSignal.throwIfAborted();
      return body();
    };
    this.transitions = {
      preflight: { body: () => this.preflight(), next: (ok) => (ok ? "mark" : "done") },
      mark: { body: unlessStopped(() => fault.mark(context)), next: (ok) => (ok ? "baseline" : "unmark") },
      baseline: { body: unlessStopped(() => baseline(context, fault)), next: (ok) => (ok ? "break" : "unmark") },
      break: { body: unlessStopped(() => fault.break(context)), next: (ok) => (ok ? "observe" : "restore") },
      observe: { body: unlessStopped(() => fault.observe(context)), next: () => "restore" },
      restore: { body: () => this.restore(), next: () => (this.phase === "restored" ? "unmark" : this.afterRestore()) },
      unmark: { body: () => this.unmark(), next: () => this.afterRestore() },
      verify: { body: () => verifyProbes(context), next: () => "done" },
    };
  }

  async run(): Promise<DrillRecord> {
    const listeners: Record<DrillSignal, () => void> = {
      SIGINT: () => this.interrupt("SIGINT"),
      SIGTERM: () => this.interrupt("SIGTERM"),
    };
    for (const [signal, listener] of Object.entries(listeners)) this.deps.signals.on(signal as DrillSignal, listener);
    try {
      this.context.progress.line(this.announcement());
      let step: StepName | "done" = "preflight";
      while (step !== "done") {
        this.phase = step;
        const ok = await this.step(step, this.transitions[step].body);
        step = this.transitions[step].next(ok);
      }
      this.phase = "done";
    } finally {
      for (const [signal, listener] of Object.entries(listeners)) this.deps.signals.off(signal as DrillSignal, listener);
    }
    return this.journal.toRecord({
      settings: this.settings,
      finishedAt: this.deps.clock.now(),
      refused: this.refused,
      interruptedBy: this.interruptedBy,
      fault: this.fault.record(),
    });
  }

  /** After restore (and unmark): read the probes back, unless stopped or nothing was written. */
  private afterRestore(): StepName | "done" {
    const written = this.journal.probes.some((probe) => probe.outcome === "written");
    return this.interruptedBy === undefined && written ? "verify" : "done";
  }

  private interrupt(signal: DrillSignal): void {
    this.interruptedBy ??= signal;
    const { progress } = this.context;
    const theRole = theDrilled(this.settings.targets);
    if (RESTORING.includes(this.phase)) {
      progress.line(`${signal}: no longer waiting for ${theRole} to be back (${this.fault.undoneFirst})`);
      this.context.restoreAbort.abort(new DrillInterrupted(signal));
    } else if (RESTORED.includes(this.phase)) {
      progress.line(`${signal}: stopping (${theRole} is restored already)`);
      this.context.drillAbort.abort(new DrillInterrupted(signal));
    } else {
      progress.line(`${signal}: stopping the drill; restoring first (${signal} again stops waiting for confirmation)`);
      this.context.drillAbort.abort(new DrillInterrupted(signal));
    }
  }

  /** Runs one step, records it, and turns any error into a problem; true when it succeeded. */
  private async step(name: StepName, body: () => Promise<string>): Promise<boolean> {
    const { journal, progress } = this.context;
    const startedAt = journal.offset(this.deps.clock.now());
    const record = (outcome: "ok" | "failed" | "interrupted", detail: string) => {
      progress.settle();
      journal.steps.push({ name, startedAt, endedAt: journal.offset(this.deps.clock.now()), outcome, detail });
    };
    try {
      const detail = await body();
      record("ok", detail);
      progress.line(`${name}: ${detail}`);
      return true;
    } catch (error) {
      const message = describeError(error);
      const interrupted = error instanceof DrillInterrupted;
      record(interrupted ? "interrupted" : "failed", message);
      if (error instanceof DrillRefused) {
        this.refused = true;
        journal.problems.push(...error.problems);
        progress.line(`${name}: ${message}:${error.problems.map((problem) => `\n  - ${problem}`).join("")}`);
      } else {
        journal.problems.push(`${name}: ${message}`);
        progress.line(`${name} ${interrupted ? "interrupted" : "FAILED"}: ${message}`);
      }
      return false;
    }
  }

  private announcement(): string {
    const { primary, standbys, apiName, drilled, others, clientSubnet } = this.settings.targets;
    const fault = this.settings.fault === "health-check" ? "" : ` (fault ${this.settings.fault})`;
    return clientSubnet === undefined
      ? `failover drill ${this.journal.drillId}${fault}: ${apiName}, primary ${describeRegion(primary)}, standby${standbys.length > 1 ? "s" : ""} ` +
          `${standbys.map(describeRegion).join(", ")}`
      : `active-active drill ${this.journal.drillId}${fault}: ${apiName}, breaking ${describeRegion(drilled)}, asking Route 53 from its area ` +
          `(EDNS0 client subnet ${describeClientSubnet(clientSubnet)}, ${clientSubnet.source}); other region${others.length > 1 ? "s" : ""} ` +
          `${others.map(describeRegion).join(", ")}`;
  }

  private async preflight(): Promise<string> {
    const { context, journal } = this;
    const { targets } = this.settings;
    const result = await preflight({
      route53: context.route53,
      http: this.deps.http,
      locator: context.locator,
      targets,
      signal: context.drillSignal,
    });
    journal.healthChecks = result.healthChecks.map(({ region, healthCheck }) => ({
      region: region.name,
      label: region.label,
      id: healthCheck.id,
    }));
    context.drilledCheck = result.healthChecks.find((entry) => entry.region === targets.drilled)?.healthCheck;
    for (const warning of result.warnings) {
      journal.warn(warning);
      context.progress.line(`warning: ${warning}`);
    }
    const problems = [...result.problems, ...(await this.fault.preflight(context, context.drillSignal))];
    if (problems.length > 0) throw new DrillRefused(problems);
    return (
      `${result.healthChecks.length} health checks healthy, every region answers from itself, ` +
      `${describeQuery(targets)} answers ${targets.drilled.name}`
    );
  }

  /** Undoes the fault (then the phase is `restored`), then waits for the drilled region to be back. */
  private async restore(): Promise<string> {
    const undone = await this.fault.undo(this.context);
    this.phase = "restored";
    return this.fault.awaitRecovery(this.context, undone);
  }

  private async unmark(): Promise<string> {
    const detail = await this.fault.unmark(this.context);
    const problems = await this.fault.checkRestored(this.context);
    if (problems.length > 0) throw new DrillFailure(`${detail}; not as before the drill: ${problems.join("; ")}`);
    return detail;
  }
}
