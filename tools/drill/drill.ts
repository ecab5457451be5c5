/**
 * The drill as a state machine:
 *
 * In failover mode it breaks the primary and waits for `api.<domain>` to answer a standby; in
 * active-active it breaks one region (the drilled region) and waits for the answer Route 53
 * gives clients in that region's area (TestDNSAnswer with EDNS0ClientSubnetIP) to be another
 * region. Either way the lever is the drilled region's endpoint health check, inverted.
 *
 *   preflight -> mark -> baseline -> break -> observe -> restore -> unmark -> verify
 *
 * Preflight only reads; any problem refuses the drill and nothing is written. From `mark`
 * on, restore and unmark run on every exit path: a failed step, a timeout, SIGINT or
 * SIGTERM. A first signal stops the drill and restores; a second one during restore stops
 * waiting for confirmation (the health check is un-inverted before any waiting).
 */
import type { Route53Client } from "@aws-sdk/client-route-53";
import { rtoBudget } from "./budget";
import type { Clock } from "./clock";
import type { HttpClient } from "./http";
import { AddressLocator } from "./locate";
import { preflight } from "./preflight";
import { readBack, writeProbe, type ProbeTarget } from "./probes";
import { formatSeconds, Progress, type Output } from "./progress";
import {
  drillIdAt,
  EXIT_CODES,
  type DrillOutcome,
  type DrillRecord,
  type MilestoneName,
  type ProbeRecord,
  type Sample,
  type StepName,
  type StepRecord,
} from "./record";
import { DrillRoute53, routingHealth, type HealthCheckInfo } from "./route53";
import { describeClientSubnet } from "./client-subnets";
import { DRILL_MARKER_TAG, describeQuery, describeRegion, drilledRole, theDrilled, type DrillTargets } from "./targets";

export type DrillSignal = "SIGINT" | "SIGTERM";

export interface SignalSource {
  on(signal: DrillSignal, listener: () => void): unknown;
  off(signal: DrillSignal, listener: () => void): unknown;
}

export interface DrillDeps {
  readonly route53: Route53Client;
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly output: Output;
  readonly signals: SignalSource;
}

export interface DrillSettings {
  readonly targets: DrillTargets;
  readonly configSource: string;
  readonly probes: number;
  /** Longest wait for failover, and again for fail back. */
  readonly timeoutSeconds: number;
  /** Seconds between polls of health and DNS: the resolution of every measured time. */
  readonly pollSeconds: number;
  /** How long reading back waits for replication before a missing probe counts as lost. */
  readonly readBackGraceSeconds: number;
}

export const DEFAULT_POLL_SECONDS = 5;
export const DEFAULT_READ_BACK_GRACE_SECONDS = 60;
const UNINVERT_ATTEMPTS = 3;
const UNINVERT_RETRY_MS = 2_000;

class DrillInterrupted extends Error {
  constructor(readonly signal: DrillSignal) {
    super(`interrupted by ${signal}`);
  }
}

/** An expected failure, worded for the operator (no stack, no error class). */
class DrillFailure extends Error {}

class DrillRefused extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`refused: ${problems.length} problem${problems.length === 1 ? "" : "s"} found`);
  }
}

function describeError(error: unknown): string {
  if (error instanceof DrillFailure || error instanceof DrillInterrupted || error instanceof DrillRefused) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function runDrill(settings: DrillSettings, deps: DrillDeps): Promise<DrillRecord> {
  return new DrillRun(settings, deps).run();
}

class DrillRun {
  private readonly route53: DrillRoute53;
  private readonly locator: AddressLocator;
  private readonly progress: Progress;
  private readonly targets: DrillTargets;
  private readonly startedAt: number;
  private readonly drillId: string;
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  /** Aborted by the first signal: stops preflight, observe and verify. */
  private readonly drillAbort = new AbortController();
  /** Aborted by a signal during restore: stops waiting for the drilled region to be back. */
  private readonly restoreAbort = new AbortController();

  private interruptedBy: DrillSignal | undefined;
  /** Restore and unmark are running: a signal stops only their waiting. */
  private restoring = false;
  private restored = false;
  private refused = false;
  private drilledCheck: HealthCheckInfo | undefined;
  /** "primary" in failover mode, else the drilled region's code: how messages name it. */
  private readonly role: string;
  /** "the primary", or the drilled region's code. */
  private readonly theRole: string;
  private healthChecks: DrillRecord["healthChecks"] = [];
  private markAttempted = false;
  private breakAttempted = false;
  private uninverted = false;
  /** Epoch ms when the inversion, and its undoing, were in place. */
  private brokenAt: number | undefined;
  private restoredAt: number | undefined;
  private failoverRegion: string | undefined;
  private readonly steps: StepRecord[] = [];
  private readonly samples: Sample[] = [];
  private readonly probes: ProbeRecord[] = [];
  private readonly milestones: Partial<Record<MilestoneName, number>> = {};
  private readonly problems: string[] = [];
  private readonly warnings: string[] = [];

  constructor(
    private readonly settings: DrillSettings,
    private readonly deps: DrillDeps,
  ) {
    this.targets = settings.targets;
    this.role = drilledRole(settings.targets);
    this.theRole = theDrilled(settings.targets);
    this.route53 = new DrillRoute53(deps.route53);
    this.locator = new AddressLocator(deps.http, settings.targets.apiUrl);
    this.startedAt = deps.clock.now();
    this.drillId = drillIdAt(this.startedAt);
    this.progress = new Progress(deps.output, deps.clock, this.startedAt);
    this.pollMs = settings.pollSeconds * 1000;
    this.timeoutMs = settings.timeoutSeconds * 1000;
  }

  async run(): Promise<DrillRecord> {
    const listeners: Record<DrillSignal, () => void> = {
      SIGINT: () => this.interrupt("SIGINT"),
      SIGTERM: () => this.interrupt("SIGTERM"),
    };
    for (const [signal, listener] of Object.entries(listeners)) this.deps.signals.on(signal as DrillSignal, listener);
    try {
      await this.drill();
    } finally {
      for (const [signal, listener] of Object.entries(listeners)) this.deps.signals.off(signal as DrillSignal, listener);
    }
    return this.toRecord();
  }

  private interrupt(signal: DrillSignal): void {
    this.interruptedBy ??= signal;
    if (this.restoring) {
      this.progress.line(`${signal}: no longer waiting for ${this.theRole} to be back (the health check is un-inverted first)`);
      this.restoreAbort.abort(new DrillInterrupted(signal));
    } else if (this.restored) {
      this.progress.line(`${signal}: stopping (${this.theRole} is restored already)`);
      this.drillAbort.abort(new DrillInterrupted(signal));
    } else {
      this.progress.line(`${signal}: stopping the drill; restoring first (${signal} again stops waiting for confirmation)`);
      this.drillAbort.abort(new DrillInterrupted(signal));
    }
  }

  private now(): number {
    return this.deps.clock.now();
  }

  private offset(at: number = this.now()): number {
    return at - this.startedAt;
  }

  private milestone(name: MilestoneName, at: number): void {
    this.milestones[name] ??= this.offset(at);
  }

  /** Runs one step, records it, and turns any error into a problem; true when it succeeded. */
  private async step(name: StepName, body: () => Promise<string>): Promise<boolean> {
    const startedAt = this.offset();
    try {
      const detail = await body();
      this.progress.settle();
      this.steps.push({ name, startedAt, endedAt: this.offset(), outcome: "ok", detail });
      this.progress.line(`${name}: ${detail}`);
      return true;
    } catch (error) {
      this.progress.settle();
      const message = describeError(error);
      const interrupted = error instanceof DrillInterrupted;
      this.steps.push({
        name,
        startedAt,
        endedAt: this.offset(),
        outcome: interrupted ? "interrupted" : "failed",
        detail: message,
      });
      if (error instanceof DrillRefused) {
        this.refused = true;
        this.problems.push(...error.problems);
        this.progress.line(`${name}: ${message}:${error.problems.map((problem) => `\n  - ${problem}`).join("")}`);
      } else {
        this.problems.push(`${name}: ${message}`);
        this.progress.line(`${name} ${interrupted ? "interrupted" : "FAILED"}: ${message}`);
      }
      return false;
    }
  }

  private async drill(): Promise<void> {
    const { primary, standbys, apiName, drilled, others, clientSubnet } = this.targets;
    this.progress.line(
      clientSubnet === undefined
        ? `failover drill ${this.drillId}: ${apiName}, primary ${describeRegion(primary)}, standby${standbys.length > 1 ? "s" : ""} ` +
            `${standbys.map(describeRegion).join(", ")}`
        : `active-active drill ${this.drillId}: ${apiName}, breaking ${describeRegion(drilled)}, asking Route 53 from its area ` +
            `(EDNS0 client subnet ${describeClientSubnet(clientSubnet)}, ${clientSubnet.source}); other region${others.length > 1 ? "s" : ""} ` +
            `${others.map(describeRegion).join(", ")}`,
    );
    if (!(await this.step("preflight", () => this.preflight()))) return;

    const drillSteps: [StepName, () => Promise<string>][] = [
      ["mark", () => this.mark()],
      ["baseline", () => this.baseline()],
      ["break", () => this.break()],
      ["observe", () => this.observe()],
    ];
    for (const [name, body] of drillSteps) {
      if (!(await this.step(name, body))) break;
    }

    this.restoring = true;
    if (this.breakAttempted) await this.step("restore", () => this.restore());
    // Without a confirmed un-invert the marker stays: it tells the next drill (and people) to look.
    if (this.markAttempted && (this.uninverted || !this.breakAttempted)) await this.step("unmark", () => this.unmark());
    this.restoring = false;
    this.restored = true;
    if (this.interruptedBy === undefined && this.probes.some((probe) => probe.outcome === "written")) {
      await this.step("verify", () => this.verify());
    }
  }

  private async preflight(): Promise<string> {
    const result = await preflight({
      route53: this.route53,
      http: this.deps.http,
      locator: this.locator,
      targets: this.targets,
      signal: this.drillAbort.signal,
    });
    this.healthChecks = result.healthChecks.map(({ region, healthCheck }) => ({
      region: region.name,
      label: region.label,
      id: healthCheck.id,
    }));
    this.warnings.push(...result.warnings);
    for (const warning of result.warnings) this.progress.line(`warning: ${warning}`);
    if (result.problems.length > 0) throw new DrillRefused(result.problems);
    this.drilledCheck = result.healthChecks.find((entry) => entry.region === this.targets.drilled)!.healthCheck;
    return (
      `${result.healthChecks.length} health checks healthy, every region answers from itself, ` +
      `${describeQuery(this.targets)} answers ${this.targets.drilled.name}`
    );
  }

  /** Active-active: whose answers the drill watches; empty in failover mode (everyone's). */
  private get area(): string {
    return this.targets.clientSubnet === undefined ? "" : ` in ${this.targets.drilled.name}'s area`;
  }

  private get drilledCheckId(): string {
    return this.drilledCheck!.id;
  }

  private async mark(): Promise<string> {
    this.drillAbort.signal.throwIfAborted();
    this.markAttempted = true;
    await this.route53.setMarker(this.drilledCheckId, this.drillId);
    const marker = await this.route53.markerOf(this.drilledCheckId);
    if (marker !== this.drillId) {
      throw new DrillFailure(
        `another drill (${marker ?? "unknown"}) marked health check ${this.drilledCheckId} at the same time; nothing was changed`,
      );
    }
    return `tag ${DRILL_MARKER_TAG}=${this.drillId} on health check ${this.drilledCheckId}`;
  }

  private async baseline(): Promise<string> {
    const sample = await this.sample("baseline", this.drillAbort.signal);
    return `${this.role} ${this.describeSample(sample)}`;
  }

  private async break(): Promise<string> {
    this.drillAbort.signal.throwIfAborted();
    this.breakAttempted = true;
    // The version read in preflight: Route 53 refuses the change if someone changed the check since.
    await this.route53.setInverted(this.drilledCheckId, true, this.drilledCheck!.version);
    this.brokenAt = this.now();
    this.milestone("broken", this.brokenAt);
    return `health check ${this.drilledCheckId} inverted (UpdateHealthCheck Inverted=true)`;
  }

  /** Polls keep a fixed cadence from the change, however long each poll took. */
  private async sleepUntil(at: number, signal: AbortSignal): Promise<void> {
    await this.deps.clock.sleep(Math.max(at - this.now(), 0), signal);
  }

  /** A check counts inverted when it ran while the inversion was in place. */
  private invertedAt(checkedAt: number | undefined): boolean {
    if (this.brokenAt === undefined || checkedAt === undefined || checkedAt < this.brokenAt) return false;
    return this.restoredAt === undefined || checkedAt < this.restoredAt;
  }

  private async sample(phase: Sample["phase"], signal: AbortSignal): Promise<Sample> {
    const reports = await this.route53.checkerReports(this.drilledCheckId, signal);
    const health = routingHealth(reports, (checkedAt) => this.invertedAt(checkedAt));
    const dns = await this.route53.answer(this.targets.hostedZoneId, this.targets.apiName, signal, this.targets.clientSubnet);
    const located =
      dns.addresses.length > 0
        ? await this.locator.locate(dns.addresses, signal)
        : { error: `Route 53 answered ${dns.responseCode || "nothing"} without an address` };
    const sample: Sample = {
      at: this.offset(),
      phase,
      health: health.status,
      healthyCheckers: health.healthyCheckers,
      checkers: health.checkers,
      answer: "region" in located ? located.region : undefined,
      addresses: dns.addresses,
      note: "error" in located ? located.error : undefined,
    };
    this.samples.push(sample);
    return sample;
  }

  private describeSample(sample: Sample): string {
    return (
      `${sample.health} (${sample.healthyCheckers} of ${sample.checkers} checkers), ` +
      `${this.targets.apiName} answers ${sample.answer ?? `an unknown region (${sample.note ?? "?"})`}`
    );
  }

  private async writeProbe(sample: Sample): Promise<void> {
    const target: ProbeTarget = { address: sample.addresses[0], servedBy: sample.answer };
    const probe = await writeProbe({
      http: this.deps.http,
      clock: this.deps.clock,
      targets: this.targets,
      drillId: this.drillId,
      index: this.probes.length + 1,
      total: this.settings.probes,
      target,
      at: this.offset(),
      signal: this.drillAbort.signal,
    });
    this.probes.push(probe);
    if (probe.outcome === "failed") this.progress.line(`probe ${probe.index} not written: ${probe.error ?? "?"}`);
  }

  /**
   * Polls until `api.<domain>` answers a standby (active-active: another region, for clients in
   * the drilled region's area). Half the probes are written one per poll
   * while waiting, the rest back to back once a standby answers, so both sides get writes.
   */
  private async observe(): Promise<string> {
    const brokenAt = this.brokenAt!;
    const deadline = brokenAt + this.timeoutMs;
    const probesBeforeFailover = Math.ceil(this.settings.probes / 2);
    const signal = this.drillAbort.signal;
    for (let poll = 1; ; poll += 1) {
      const sample = await this.sample("observe", signal);
      const at = this.startedAt + sample.at;
      if (sample.health === "unhealthy") this.milestone("detected", at);
      if (sample.answer !== undefined && sample.answer !== this.targets.drilled.name) {
        this.failoverRegion = sample.answer;
        this.milestone("failedOver", at);
        this.progress.settle();
        while (this.probes.length < this.settings.probes) await this.writeProbe(sample);
        const detected = this.milestones.detected;
        return (
          `${this.targets.apiName} answers ${sample.answer}${this.area} ${formatSeconds(at - brokenAt)} after the break` +
          (detected === undefined ? "" : ` (unhealthy after ${formatSeconds(this.startedAt + detected - brokenAt)})`) +
          `; ${this.probes.length} probes written`
        );
      }
      if (this.probes.length < probesBeforeFailover) await this.writeProbe(sample);
      const remaining = deadline - this.now();
      if (remaining <= 0) {
        throw new DrillFailure(
          `${this.targets.apiName} still answered ${sample.answer ?? "an unknown region"}${this.area} ${this.settings.timeoutSeconds} s after the break (--timeout)`,
        );
      }
      this.progress.status(
        "failover",
        brokenAt,
        `${this.role} ${this.describeSample(sample)}, ${this.probes.length} of ${this.settings.probes} probes written`,
        `${sample.health} ${sample.answer ?? "?"}`,
      );
      await this.sleepUntil(Math.min(brokenAt + poll * this.pollMs, deadline), signal);
    }
  }

  private async uninvert(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.route53.setInverted(this.drilledCheckId, false);
        this.uninverted = true;
        return;
      } catch (error) {
        if (attempt >= UNINVERT_ATTEMPTS) {
          throw new DrillFailure(
            `could not un-invert health check ${this.drilledCheckId} (${describeError(error)}); ${this.theRole} stays failed over ` +
              `until you run: aws route53 update-health-check --health-check-id ${this.drilledCheckId} --no-inverted ` +
              `&& aws route53 change-tags-for-resource --resource-type healthcheck --resource-id ${this.drilledCheckId} --remove-tag-keys ${DRILL_MARKER_TAG}`,
          );
        }
        this.progress.line(`un-invert attempt ${attempt} failed (${describeError(error)}); retrying`);
        // Not abortable: giving up here would leave the drilled region failed over.
        await this.deps.clock.sleep(UNINVERT_RETRY_MS);
      }
    }
  }

  /** Un-inverts, then waits until the drilled region is healthy and `api.<domain>` answers it again. */
  private async restore(): Promise<string> {
    await this.uninvert();
    const restoredAt = this.now();
    this.restoredAt = restoredAt;
    this.milestone("restored", restoredAt);
    const deadline = restoredAt + this.timeoutMs;
    const signal = this.restoreAbort.signal;
    if (signal.aborted) throw signal.reason;
    for (let poll = 1; ; poll += 1) {
      const sample = await this.sample("restore", signal);
      const at = this.startedAt + sample.at;
      const answersDrilled = sample.answer === this.targets.drilled.name;
      if (sample.health === "healthy") this.milestone("healthy", at);
      // Failing back is only a thing after failing over; otherwise the answer just never moved.
      if (answersDrilled && this.failoverRegion !== undefined) this.milestone("failedBack", at);
      if (this.milestones.healthy !== undefined && answersDrilled) {
        const since = (milestone: number) => formatSeconds(this.startedAt + milestone - restoredAt);
        return (
          `health check ${this.drilledCheckId} un-inverted; healthy after ${since(this.milestones.healthy)}, ` +
          `${this.targets.apiName} answers ${this.targets.drilled.name}${this.area}` +
          (this.milestones.failedBack === undefined ? "" : ` after ${since(this.milestones.failedBack)}`)
        );
      }
      const remaining = deadline - this.now();
      if (remaining <= 0) {
        throw new DrillFailure(
          `health check ${this.drilledCheckId} is un-inverted, but ${this.settings.timeoutSeconds} s later ${this.theRole} was ` +
            `${this.describeSample(sample)}`,
        );
      }
      this.progress.status(
        "fail back",
        restoredAt,
        `${this.role} ${this.describeSample(sample)}`,
        `${sample.health} ${sample.answer ?? "?"}`,
      );
      await this.sleepUntil(Math.min(restoredAt + poll * this.pollMs, deadline), signal);
    }
  }

  private async unmark(): Promise<string> {
    const marker = await this.route53.markerOf(this.drilledCheckId);
    if (marker === this.drillId) {
      await this.route53.removeMarker(this.drilledCheckId);
      return `tag ${DRILL_MARKER_TAG} removed from health check ${this.drilledCheckId}`;
    }
    return marker === undefined
      ? `no ${DRILL_MARKER_TAG} tag to remove`
      : `tag ${DRILL_MARKER_TAG}=${marker} left in place: it belongs to another drill`;
  }

  private async verify(): Promise<string> {
    const written = this.probes.filter((probe) => probe.ticketId !== undefined);
    const { regions } = this.targets;
    const result = await readBack({
      http: this.deps.http,
      clock: this.deps.clock,
      regions,
      ticketIds: written.map((probe) => probe.ticketId!),
      retryMs: this.pollMs,
      graceMs: this.settings.readBackGraceSeconds * 1000,
      signal: this.drillAbort.signal,
    });
    for (const probe of written) {
      probe.readBack = Object.fromEntries(
        regions.map((region) => [region.name, result.missing.get(region.name)!.has(probe.ticketId!) ? "missing" : "found"]),
      );
    }
    const lost = written.filter((probe) => Object.values(probe.readBack!).includes("missing"));
    for (const probe of lost) {
      const where = Object.entries(probe.readBack!)
        .filter(([, state]) => state === "missing")
        .map(([region]) => region);
      this.problems.push(`probe ${probe.index} (ticket ${probe.ticketId}) is lost: missing in ${where.join(", ")}`);
    }
    for (const [region, error] of result.errors) this.problems.push(`verify: could not read the tickets in ${region}: ${error}`);
    return `${written.length - lost.length} of ${written.length} written probes found in every region (${regions.map((r) => r.name).join(", ")})`;
  }

  private outcome(): DrillOutcome {
    if (this.refused) return "refused";
    if (this.interruptedBy !== undefined) return "interrupted";
    return this.problems.length > 0 ? "failed" : "passed";
  }

  private toRecord(): DrillRecord {
    for (const probe of this.probes) {
      if (probe.outcome === "failed") this.problems.push(`probe ${probe.index} was not written: ${probe.error ?? "?"}`);
    }
    const outcome = this.outcome();
    return {
      drillId: this.drillId,
      startedAt: this.startedAt,
      finishedAt: this.now(),
      outcome,
      exitCode: outcome === "interrupted" ? EXIT_CODES[this.interruptedBy!] : EXIT_CODES[outcome],
      configSource: this.settings.configSource,
      targets: this.targets,
      settings: {
        probes: this.settings.probes,
        timeoutSeconds: this.settings.timeoutSeconds,
        pollSeconds: this.settings.pollSeconds,
      },
      healthChecks: this.healthChecks,
      steps: this.steps,
      samples: this.samples,
      probes: this.probes,
      milestones: this.milestones,
      failoverRegion: this.failoverRegion,
      problems: this.problems,
      warnings: this.warnings,
      budget: rtoBudget(this.targets),
    };
  }
}
