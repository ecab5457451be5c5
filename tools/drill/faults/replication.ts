/**
 * `--fault replication`: DynamoDB replication of both global tables paused with AWS FIS
 * (`aws:dynamodb:global-table-pause-replication`), from the experiment template the stack
 * creates when the settings say `"drill": { "replicationFault": true }`
 * (constructs/replication-fault.ts). Probes written in the primary while paused are missing
 * in every standby; after the experiment is stopped they arrive. What it measures: the writes a
 * failover at that moment would strand (the pause window), and how long replication takes to
 * catch up. Nothing fails over: the region stays healthy.
 */
import { replicationFaultTemplateName } from "../../../constructs/replication-fault";
import type { DrillContext, RegionalClients } from "../context";
import { DrillFis, ENDED_STATES } from "../fis";
import { DrillFailure, takeSample, writeNextProbe } from "../observe";
import { readBack } from "../probes";
import { formatMsAsSeconds } from "../../report-format";
import { probePosts } from "../plan-lines";
import { DRILL_MARKER_TAG } from "../targets";
import { UndoFailed, type Fault, type FaultPlan, type FaultRecord, type Undone } from "./fault";
import { describeError, retryUndo } from "./retry";

export const REPLICATION_SETTING = '"drill": { "replicationFault": true }';

export class ReplicationFault implements Fault {
  readonly kind = "replication" as const;
  readonly servesWhileBroken = true;
  readonly undoneFirst = "the experiment is stopped first";
  private templateId: string | undefined;
  private experimentId: string | undefined;

  constructor(private readonly clients: RegionalClients) {}

  /** The template lives in the primary region: replication into and out of it pauses. */
  private fis(context: DrillContext): DrillFis {
    return new DrillFis(this.clients.fis(context.targets.primary.name));
  }

  private templateName(context: DrillContext): string {
    return replicationFaultTemplateName(context.targets.namePrefix);
  }

  private standbys(context: DrillContext) {
    return context.targets.regions.filter((region) => region !== context.targets.primary);
  }

  plan(context: DrillContext): FaultPlan {
    const { targets, settings } = context;
    const primary = targets.primary.name;
    const template = this.templateId ?? "<looked up at run time>";
    const standbys = this.standbys(context)
      .map((region) => region.name)
      .join(", ");
    return {
      header: [
        `  fault      replication: AWS FIS pauses replication of ${targets.tableNames.join(", ")} into and out of ${primary}`,
        // Known from config alone: said even when AWS can't be read.
        ...(targets.replicationFaultTemplate
          ? []
          : [`             the settings lack ${REPLICATION_SETTING}: the stack has no template and the drill would refuse`]),
      ],
      preflight: [
        `FIS ListExperimentTemplates in ${primary}: the template tagged Name=${this.templateName(context)} (created by ${REPLICATION_SETTING}); FIS ListExperiments: none of it running`,
      ],
      mark: `nothing to tag: the experiment itself carries ${DRILL_MARKER_TAG}=${context.drillId}`,
      break: `FIS StartExperiment ${template} in ${primary} (clientToken ${context.drillId}); GetExperiment until running`,
      observe: [
        `${probePosts(context, settings.probes)} to ${targets.drilled.name}; GET /ticket in ${standbys}: every probe missing while paused`,
      ],
      restore: `FIS StopExperiment; GetExperiment until stopped; GET /ticket in ${standbys} every ${settings.pollSeconds} s for up to ${settings.timeoutSeconds} s: the time every probe takes to arrive (catch-up)`,
      unmark: "nothing to remove: the ended experiment keeps its tag",
    };
  }

  async preflight(context: DrillContext, signal: AbortSignal): Promise<string[]> {
    const name = this.templateName(context);
    const primary = context.targets.primary.name;
    if (!context.targets.replicationFaultTemplate) {
      return [
        `the replication fault needs ${REPLICATION_SETTING} in the settings file (${context.settings.configSource}) and a deploy: ` +
          `the stack then creates the FIS experiment template ${name} in ${primary}`,
      ];
    }
    const fis = this.fis(context);
    const ids = await fis.templatesNamed(name, signal);
    if (ids.length !== 1) {
      return [
        ids.length === 0
          ? `no FIS experiment template tagged Name=${name} in ${primary}: deploy the stack with ${REPLICATION_SETTING}`
          : `${ids.length} FIS experiment templates are tagged Name=${name} in ${primary} (${ids.join(", ")}); the drill needs exactly one`,
      ];
    }
    this.templateId = ids[0];
    const running = await fis.unfinishedExperiments(this.templateId!, signal);
    return running.length === 0
      ? []
      : [`experiment ${running.join(", ")} of template ${this.templateId} has not ended: replication may be paused already`];
  }

  async mark(context: DrillContext): Promise<string> {
    return `nothing to tag: the experiment will carry ${DRILL_MARKER_TAG}=${context.drillId}`;
  }

  async break(context: DrillContext): Promise<string> {
    const fis = this.fis(context);
    this.experimentId = await fis.start(this.templateId!, context.drillId);
    const { settings } = context;
    const deadline = context.now() + settings.timeoutSeconds * 1000;
    for (;;) {
      const { status, reason } = await fis.status(this.experimentId, context.drillSignal);
      if (status === "running") break;
      if (ENDED_STATES.includes(status)) {
        throw new DrillFailure(
          `experiment ${this.experimentId} ended before it ran: ${status}${reason === undefined ? "" : ` (${reason})`}`,
        );
      }
      if (context.now() >= deadline)
        throw new DrillFailure(`experiment ${this.experimentId} still ${status} after ${settings.timeoutSeconds} s`);
      await context.clock.sleep(settings.pollSeconds * 1000, context.drillSignal);
    }
    context.journal.milestone("broken", context.now());
    return `experiment ${this.experimentId} of template ${this.templateId} running: replication paused (FIS StartExperiment)`;
  }

  /** Writes every probe through `api.<domain>` (the primary), then finds them missing in every standby. */
  async observe(context: DrillContext): Promise<string> {
    const { journal, settings } = context;
    const sample = await takeSample(context, this, "observe", context.drillSignal);
    while (journal.probes.length < settings.probes) await writeNextProbe(context, sample);
    const ids = journal.probes.flatMap((probe) => (probe.ticketId === undefined ? [] : [probe.ticketId]));
    const standbys = this.standbys(context);
    const seen = await this.readStandbys(context, ids, 0, context.drillSignal);
    const replicated = ids.length - Math.min(...[...seen.missing.values()].map((missing) => missing.size));
    if (ids.length > 0 && replicated > 0) {
      throw new DrillFailure(`replication was not paused: ${replicated} of ${ids.length} probes reached a standby`);
    }
    journal.milestone("detected", context.now());
    return `${ids.length} probes written in ${sample.answer ?? "?"}, none in ${standbys.map((region) => region.name).join(", ")} while paused`;
  }

  private readStandbys(context: DrillContext, ticketIds: readonly string[], graceMs: number, signal: AbortSignal) {
    return readBack({
      http: context.deps.http,
      clock: context.clock,
      regions: this.standbys(context),
      ticketIds,
      retryMs: context.settings.pollSeconds * 1000,
      graceMs,
      signal,
    });
  }

  async undo(context: DrillContext): Promise<Undone> {
    const id = this.experimentId;
    if (id === undefined) return { done: "no experiment started", state: "no experiment was started" };
    const fis = this.fis(context);
    const primary = context.targets.primary.name;
    await retryUndo(
      context,
      `stopping experiment ${id}`,
      async () => {
        if (!ENDED_STATES.includes((await fis.status(id)).status)) await fis.stop(id);
      },
      (error) =>
        new UndoFailed(
          `could not stop experiment ${id} (${describeError(error)}); replication stays paused until its duration ends, ` +
            `or until you run: aws fis stop-experiment --region ${primary} --id ${id}`,
        ),
    );
    return { done: `experiment ${id} stopped`, state: `experiment ${id} is stopped` };
  }

  /** Waits for the experiment to end, then for every probe to reach every standby (the catch-up). */
  async awaitRecovery(context: DrillContext, undone: Undone): Promise<string> {
    const id = this.experimentId;
    if (id === undefined) return undone.done;
    const { journal, settings } = context;
    const signal = context.restoreSignal;
    const deadline = context.now() + settings.timeoutSeconds * 1000;
    for (;;) {
      const { status } = await this.fis(context).status(id, signal);
      if (ENDED_STATES.includes(status)) break;
      if (context.now() >= deadline)
        throw new DrillFailure(`${undone.state}, but ${settings.timeoutSeconds} s later it was ${status}`);
      await context.clock.sleep(settings.pollSeconds * 1000, signal);
    }
    const resumedAt = context.now();
    journal.milestone("restored", resumedAt);
    const ids = journal.probes.flatMap((probe) => (probe.ticketId === undefined ? [] : [probe.ticketId]));
    const result = await this.readStandbys(context, ids, Math.max(deadline - context.now(), 0), signal);
    const missing = [...result.missing.values()].reduce((sum, set) => sum + set.size, 0);
    if (missing > 0)
      throw new DrillFailure(
        `${undone.state}; ${missing} probe copies still missing in the standbys ${settings.timeoutSeconds} s later`,
      );
    journal.milestone("caughtUp", context.now());
    return `${undone.done}; every probe in every standby ${formatMsAsSeconds(context.now() - resumedAt)} after replication resumed`;
  }

  async unmark(context: DrillContext): Promise<string> {
    return this.experimentId === undefined
      ? "nothing to remove"
      : `nothing to remove: experiment ${this.experimentId} keeps its ${DRILL_MARKER_TAG}=${context.drillId} tag`;
  }

  async checkRestored(context: DrillContext): Promise<string[]> {
    if (this.experimentId === undefined) return [];
    const { status } = await this.fis(context).status(this.experimentId);
    // Stopping: FIS accepted the stop (a second signal stopped the drill from waiting for the end).
    return [...ENDED_STATES, "stopping"].includes(status)
      ? []
      : [`experiment ${this.experimentId} is ${status}: replication may still be paused`];
  }

  invertedAt(): boolean {
    return false;
  }

  record(): FaultRecord {
    return {
      kind: this.kind,
      title: "replication of both global tables paused (AWS FIS aws:dynamodb:global-table-pause-replication)",
      drift: [
        "aws_dynamodb_resource_policy of each replica: FIS adds a statement denying DynamoDB's replication role while paused " +
          "(a plan meanwhile shows it; an apply would end the pause early)",
      ],
      restoredCheck: this.experimentId === undefined ? undefined : `experiment ${this.experimentId} ended`,
      measures: {},
    };
  }
}
