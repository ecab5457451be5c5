/**
 * Watching a region fail over and back: one poll is the drilled region's health check as
 * Route 53 routes on it and Route 53's answer for `api.<domain>` (active-active: for a client
 * in the drilled region's area). The faults that take a region out of DNS (health-check,
 * functions) observe and restore with these.
 */
import type { DrillContext } from "./context";
import type { Fault } from "./faults/fault";
import { writeProbe, type ProbeTarget } from "./probes";
import { formatMsAsSeconds } from "../report-format";
import type { Sample } from "./record";
import { routingHealth } from "./route53";
import { drilledRole, theDrilled } from "./targets";

/** An expected failure, worded for the operator (no stack, no error class). */
export class DrillFailure extends Error {}

/** Active-active: whose answers the drill watches; empty in failover mode (everyone's). */
export function area(context: DrillContext): string {
  const { targets } = context;
  return targets.clientSubnet === undefined ? "" : ` in ${targets.drilled.name}'s area`;
}

export async function takeSample(
  context: DrillContext,
  fault: Pick<Fault, "invertedAt">,
  phase: Sample["phase"],
  signal: AbortSignal,
): Promise<Sample> {
  const { targets, route53, locator, journal } = context;
  const reports = await route53.checkerReports(context.drilledCheckId, signal);
  const health = routingHealth(reports, (checkedAt) => fault.invertedAt(checkedAt));
  const dns = await route53.answer(targets.hostedZoneId, targets.apiName, signal, targets.clientSubnet);
  const located =
    dns.addresses.length > 0
      ? await locator.locate(dns.addresses, signal)
      : { error: `Route 53 answered ${dns.responseCode || "nothing"} without an address` };
  const sample: Sample = {
    at: journal.offset(context.now()),
    phase,
    health: health.status,
    healthyCheckers: health.healthyCheckers,
    checkers: health.checkers,
    answer: "region" in located ? located.region : undefined,
    addresses: dns.addresses,
    note: "error" in located ? located.error : undefined,
  };
  journal.samples.push(sample);
  return sample;
}

export function describeSample(context: DrillContext, sample: Sample): string {
  return (
    `${sample.health} (${sample.healthyCheckers} of ${sample.checkers} checkers), ` +
    `${context.targets.apiName} answers ${sample.answer ?? `an unknown region (${sample.note ?? "?"})`}`
  );
}

/** Writes the next probe ticket to the address of `sample`'s answer. */
export async function writeNextProbe(context: DrillContext, sample: Sample): Promise<void> {
  const target: ProbeTarget = { address: sample.addresses[0], servedBy: sample.answer };
  const { journal, settings } = context;
  const probe = await writeProbe({
    http: context.deps.http,
    clock: context.clock,
    targets: context.targets,
    drillId: context.drillId,
    index: journal.probes.length + 1,
    total: settings.probes,
    target,
    at: journal.offset(context.now()),
    signal: context.drillSignal,
  });
  journal.probes.push(probe);
  if (probe.outcome === "failed") context.progress.line(`probe ${probe.index} not written: ${probe.error ?? "?"}`);
}

export async function baseline(context: DrillContext, fault: Pick<Fault, "invertedAt">): Promise<string> {
  const sample = await takeSample(context, fault, "baseline", context.drillSignal);
  return `${drilledRole(context.targets)} ${describeSample(context, sample)}`;
}

/** The answer moved away from the drilled region: the rest of the probes go to the new region. */
async function failedOver(context: DrillContext, sample: Sample, at: number): Promise<string> {
  const { journal, targets, settings } = context;
  const brokenAt = journal.milestoneAt("broken")!;
  journal.failoverRegion = sample.answer;
  journal.milestone("failedOver", at);
  context.progress.settle();
  while (journal.probes.length < settings.probes) await writeNextProbe(context, sample);
  const detected = journal.milestoneAt("detected");
  return (
    `${targets.apiName} answers ${sample.answer}${area(context)} ${formatMsAsSeconds(at - brokenAt)} after the break` +
    (detected === undefined ? "" : ` (unhealthy after ${formatMsAsSeconds(detected - brokenAt)})`) +
    `; ${journal.probes.length} probes written`
  );
}

/**
 * Polls until `api.<domain>` answers a standby (active-active: another region, for clients in
 * the drilled region's area). Half the probes are written one per poll while waiting, the
 * rest back to back once a standby answers, so both sides get writes; to a region that really
 * is down (`servesWhileBroken` false), all of them once a standby answers.
 */
export async function awaitFailover(
  context: DrillContext,
  fault: Pick<Fault, "invertedAt" | "servesWhileBroken">,
): Promise<string> {
  const { journal, targets, settings } = context;
  const brokenAt = journal.milestoneAt("broken")!;
  const deadline = brokenAt + settings.timeoutSeconds * 1000;
  const probesBeforeFailover = fault.servesWhileBroken ? Math.ceil(settings.probes / 2) : 0;
  const signal = context.drillSignal;
  for (let poll = 1; ; poll += 1) {
    const sample = await takeSample(context, fault, "observe", signal);
    const at = journal.startedAt + sample.at;
    if (sample.health === "unhealthy") journal.milestone("detected", at);
    if (sample.answer !== undefined && sample.answer !== targets.drilled.name) return failedOver(context, sample, at);
    if (journal.probes.length < probesBeforeFailover) await writeNextProbe(context, sample);
    if (deadline - context.now() <= 0) {
      throw new DrillFailure(
        `${targets.apiName} still answered ${sample.answer ?? "an unknown region"}${area(context)} ${settings.timeoutSeconds} s after the break (--timeout)`,
      );
    }
    context.progress.status(
      "failover",
      brokenAt,
      `${drilledRole(targets)} ${describeSample(context, sample)}, ${journal.probes.length} of ${settings.probes} probes written`,
      `${sample.health} ${sample.answer ?? "?"}`,
    );
    await context.sleepUntil(Math.min(brokenAt + poll * settings.pollSeconds * 1000, deadline), signal);
  }
}

/**
 * After the fault is undone: polls until the drilled region is healthy and `api.<domain>`
 * answers it again. `undone` says what was undone, as done (`health check … un-inverted`) and
 * as a state (`health check … is un-inverted`), for the step's detail.
 */
export async function awaitFailBack(
  context: DrillContext,
  fault: Pick<Fault, "invertedAt">,
  undone: { readonly done: string; readonly state: string },
): Promise<string> {
  const { journal, targets, settings } = context;
  const restoredAt = journal.milestoneAt("restored")!;
  const deadline = restoredAt + settings.timeoutSeconds * 1000;
  const signal = context.restoreSignal;
  if (signal.aborted) throw signal.reason;
  for (let poll = 1; ; poll += 1) {
    const sample = await takeSample(context, fault, "restore", signal);
    const at = journal.startedAt + sample.at;
    const answersDrilled = sample.answer === targets.drilled.name;
    if (sample.health === "healthy") journal.milestone("healthy", at);
    // Failing back is only a thing after failing over; otherwise the answer just never moved.
    if (answersDrilled && journal.failoverRegion !== undefined) journal.milestone("failedBack", at);
    const healthyAt = journal.milestoneAt("healthy");
    if (healthyAt !== undefined && answersDrilled) {
      const failedBackAt = journal.milestoneAt("failedBack");
      const since = (when: number) => formatMsAsSeconds(when - restoredAt);
      return (
        `${undone.done}; healthy after ${since(healthyAt)}, ${targets.apiName} answers ${targets.drilled.name}${area(context)}` +
        (failedBackAt === undefined ? "" : ` after ${since(failedBackAt)}`)
      );
    }
    if (deadline - context.now() <= 0) {
      throw new DrillFailure(
        `${undone.state}, but ${settings.timeoutSeconds} s later ${theDrilled(targets)} was ${describeSample(context, sample)}`,
      );
    }
    context.progress.status(
      "fail back",
      restoredAt,
      `${drilledRole(targets)} ${describeSample(context, sample)}`,
      `${sample.health} ${sample.answer ?? "?"}`,
    );
    await context.sleepUntil(Math.min(restoredAt + poll * settings.pollSeconds * 1000, deadline), signal);
  }
}
