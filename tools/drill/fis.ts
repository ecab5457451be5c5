/**
 * The AWS Fault Injection Service calls of the replication fault, over an injected SDK v3
 * client of the primary region (tests mock it). Reads: ListExperimentTemplates,
 * ListExperiments, GetExperiment. Writes: StartExperiment, StopExperiment.
 */
import {
  GetExperimentCommand,
  ListExperimentsCommand,
  ListExperimentTemplatesCommand,
  StartExperimentCommand,
  StopExperimentCommand,
  type FisClient,
} from "@aws-sdk/client-fis";
import { DRILL_MARKER_TAG } from "./targets";

/** The SDK commands that change something: a dry run sends none of them. */
export const FIS_WRITE_COMMANDS = [StartExperimentCommand, StopExperimentCommand] as const;

/** An experiment has ended in these states: replication runs again. */
export const ENDED_STATES: readonly string[] = ["completed", "stopped", "failed", "cancelled"];

export class DrillFis {
  constructor(private readonly client: FisClient) {}

  /** Ids of the experiment templates tagged `Name=<name>` (ListExperimentTemplates, all pages). */
  async templatesNamed(name: string, signal?: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListExperimentTemplatesCommand({ nextToken }), { abortSignal: signal });
      signal?.throwIfAborted();
      for (const template of page.experimentTemplates ?? []) {
        if (template.tags?.Name === name && template.id !== undefined) ids.push(template.id);
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return ids;
  }

  /** Experiments of a template that have not ended (ListExperiments, all pages). */
  async unfinishedExperiments(templateId: string, signal?: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListExperimentsCommand({ nextToken }), { abortSignal: signal });
      signal?.throwIfAborted();
      for (const experiment of page.experiments ?? []) {
        const status = experiment.state?.status ?? "";
        if (experiment.experimentTemplateId === templateId && !ENDED_STATES.includes(status)) ids.push(experiment.id ?? "?");
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return ids;
  }

  /** Starts an experiment tagged with the drill's marker; the drill id is the idempotency token. */
  async start(templateId: string, drillId: string): Promise<string> {
    const result = await this.client.send(
      new StartExperimentCommand({
        experimentTemplateId: templateId,
        clientToken: drillId,
        tags: { [DRILL_MARKER_TAG]: drillId },
      }),
    );
    return result.experiment?.id ?? "";
  }

  /** The experiment's status and its reason, e.g. `running`, `stopped (stop condition)`. */
  async status(experimentId: string, signal?: AbortSignal): Promise<{ status: string; reason: string | undefined }> {
    const result = await this.client.send(new GetExperimentCommand({ id: experimentId }), { abortSignal: signal });
    signal?.throwIfAborted();
    return { status: result.experiment?.state?.status ?? "", reason: result.experiment?.state?.reason };
  }

  async stop(experimentId: string): Promise<void> {
    await this.client.send(new StopExperimentCommand({ id: experimentId }));
  }
}
