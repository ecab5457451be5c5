/**
 * `--fault functions`: the drilled region really stops answering. Every function of the
 * region (`<namePrefix>-get`, `-post`, `-health`) gets reserved concurrency 0: Lambda throttles
 * every invocation, API Gateway answers 5xx, Route 53's checkers see `/health` fail and the
 * region is failed away from by the same health checks a real outage would trip. Restore puts
 * back each function's reservation read in preflight (DeleteFunctionConcurrency where there
 * was none) and checks them after.
 */
import type { DrillContext, RegionalClients } from "../context";
import { DrillLambda, type FunctionState } from "../lambda";
import { awaitFailBack, awaitFailover, DrillFailure } from "../observe";
import { planFailBack, planFailover } from "../plan-lines";
import { DRILL_MARKER_TAG, theDrilled } from "../targets";
import { UndoFailed, type Fault, type FaultPlan, type FaultRecord, type Undone } from "./fault";
import { describeError, retryUndo } from "./retry";

const describeReserved = (reserved: number | undefined) => (reserved === undefined ? "none" : String(reserved));

export class FunctionsFault implements Fault {
  readonly kind = "functions" as const;
  readonly servesWhileBroken = false;
  readonly undoneFirst = "the functions' reserved concurrency is put back first";
  /** Each function as preflight found it: what restore puts back. */
  private before: FunctionState[] = [];
  private after: readonly { name: string; reserved: number | undefined }[] | undefined;

  constructor(private readonly clients: RegionalClients) {}

  private lambda(context: DrillContext): DrillLambda {
    return new DrillLambda(this.clients.lambda(context.targets.drilled.name));
  }

  plan(context: DrillContext): FaultPlan {
    const { targets } = context;
    const names = targets.functionNames.join(", ");
    const region = targets.drilled.name;
    const reserved = (name: string) => {
      const found = this.before.find((entry) => entry.name === name);
      return found === undefined ? "<looked up at run time>" : describeReserved(found.reserved);
    };
    return {
      header: [`  fault      functions: reserved concurrency 0 on ${names} in ${region}`],
      preflight: [
        `Lambda GetFunction, GetFunctionConcurrency ${names} in ${region}: no ${DRILL_MARKER_TAG} tag, not already at 0; ` +
          `reservations now: ${targets.functionNames.map((name) => `${name} ${reserved(name)}`).join(", ")}`,
      ],
      mark: `Lambda TagResource ${names} in ${region}: add ${DRILL_MARKER_TAG}=${context.drillId}`,
      break: `Lambda PutFunctionConcurrency ${names} in ${region}: ReservedConcurrentExecutions=0`,
      observe: planFailover(context, this.servesWhileBroken),
      restore:
        `Lambda PutFunctionConcurrency back to each reservation read in preflight, DeleteFunctionConcurrency where there was none; ` +
        planFailBack(context),
      unmark: `Lambda UntagResource ${names} in ${region}: remove ${DRILL_MARKER_TAG}; GetFunctionConcurrency: each as before`,
    };
  }

  async preflight(context: DrillContext, signal: AbortSignal): Promise<string[]> {
    const lambda = this.lambda(context);
    const region = context.targets.drilled.name;
    this.before = [];
    const problems: string[] = [];
    for (const name of context.targets.functionNames) {
      const state = await lambda.state(name, signal);
      this.before.push(state);
      if (state.marker !== undefined) {
        problems.push(
          `a drill is already running: function ${name} in ${region} has tag ${DRILL_MARKER_TAG}=${state.marker} ` +
            `(if no drill is running, see docs/failover-drill.md "Recovering by hand")`,
        );
      } else if (state.reserved === 0) {
        problems.push(`function ${name} in ${region} already has reserved concurrency 0: it answers nothing`);
      }
    }
    return problems;
  }

  async mark(context: DrillContext): Promise<string> {
    const lambda = this.lambda(context);
    for (const { arn } of this.before) await lambda.setMarker(arn, context.drillId);
    for (const { name } of this.before) {
      const { marker } = await lambda.state(name);
      if (marker !== context.drillId) {
        throw new DrillFailure(
          `another drill (${marker ?? "unknown"}) marked function ${name} at the same time; nothing was throttled`,
        );
      }
    }
    return `tag ${DRILL_MARKER_TAG}=${context.drillId} on ${this.before.map(({ name }) => name).join(", ")}`;
  }

  async break(context: DrillContext): Promise<string> {
    const lambda = this.lambda(context);
    for (const { name } of this.before) await lambda.setReservedConcurrency(name, 0);
    context.journal.milestone("broken", context.now());
    return `reserved concurrency 0 on ${this.before.map(({ name }) => name).join(", ")} in ${context.targets.drilled.name} (PutFunctionConcurrency)`;
  }

  observe(context: DrillContext): Promise<string> {
    return awaitFailover(context, this);
  }

  /** The commands that put every function back as it was. */
  private byHand(context: DrillContext): string {
    const region = context.targets.drilled.name;
    return this.before
      .map(
        ({ name, arn, reserved }) =>
          (reserved === undefined
            ? `aws lambda delete-function-concurrency --region ${region} --function-name ${name}`
            : `aws lambda put-function-concurrency --region ${region} --function-name ${name} --reserved-concurrent-executions ${reserved}`) +
          ` && aws lambda untag-resource --region ${region} --resource ${arn} --tag-keys ${DRILL_MARKER_TAG}`,
      )
      .join(" && ");
  }

  async undo(context: DrillContext): Promise<Undone> {
    const lambda = this.lambda(context);
    for (const { name, reserved } of this.before) {
      await retryUndo(
        context,
        `restoring ${name}'s concurrency`,
        () => lambda.setReservedConcurrency(name, reserved),
        (error) =>
          new UndoFailed(
            `could not put back the reserved concurrency of ${name} (${describeError(error)}); ${theDrilled(context.targets)} ` +
              `stays down until you run: ${this.byHand(context)}`,
          ),
      );
    }
    context.journal.milestone("restored", context.now());
    const back = this.before.map(({ name, reserved }) => `${name} ${describeReserved(reserved)}`).join(", ");
    return { done: `reserved concurrency put back (${back})`, state: `reserved concurrency is put back (${back})` };
  }

  awaitRecovery(context: DrillContext, undone: Undone): Promise<string> {
    return awaitFailBack(context, this, undone);
  }

  async unmark(context: DrillContext): Promise<string> {
    const lambda = this.lambda(context);
    const removed: string[] = [];
    const others: string[] = [];
    for (const { name, arn } of this.before) {
      const { marker } = await lambda.state(name);
      if (marker === context.drillId) {
        await lambda.removeMarker(arn);
        removed.push(name);
      } else if (marker !== undefined) others.push(`${name} (${marker})`);
    }
    return (
      (removed.length > 0
        ? `tag ${DRILL_MARKER_TAG} removed from ${removed.join(", ")}`
        : `no ${DRILL_MARKER_TAG} tag to remove`) +
      (others.length > 0 ? `; left in place on ${others.join(", ")}: another drill's` : "")
    );
  }

  async checkRestored(context: DrillContext): Promise<string[]> {
    const lambda = this.lambda(context);
    const after = [];
    for (const { name } of this.before) after.push({ name, reserved: await lambda.reservedConcurrency(name) });
    this.after = after;
    return after
      .filter(({ name, reserved }) => reserved !== this.before.find((entry) => entry.name === name)!.reserved)
      .map(({ name, reserved }) => {
        const before = this.before.find((entry) => entry.name === name)!.reserved;
        return `${name} has reserved concurrency ${describeReserved(reserved)}, before the drill ${describeReserved(before)}`;
      });
  }

  /** The checkers' failures are real: nothing is inverted. */
  invertedAt(): boolean {
    return false;
  }

  record(): FaultRecord {
    const describe = (entries: readonly { name: string; reserved: number | undefined }[]) =>
      entries.map(({ name, reserved }) => `${name} ${describeReserved(reserved)}`).join(", ");
    return {
      kind: this.kind,
      title: "every function of the drilled region throttled (PutFunctionConcurrency ReservedConcurrentExecutions=0)",
      drift: this.before.map(
        ({ name, reserved }) =>
          `aws_lambda_function ${name}: reserved_concurrent_executions ${describeReserved(reserved)} in Terraform, 0 while broken; ` +
          `tags gain ${DRILL_MARKER_TAG} (a plan meanwhile shows both; an apply would end the fault early)`,
      ),
      restoredCheck:
        this.after === undefined
          ? undefined
          : `reserved concurrency before: ${describe(this.before)}; after: ${describe(this.after)}`,
      measures: {},
    };
  }
}
