/**
 * `--fault health-check` (the default, the workshop's module 4): invert the drilled region's
 * endpoint health check (the failover lever, constructs/failover-lever.ts). Route 53 then
 * counts the region unhealthy while it still serves; what it proves is the routing, not that a
 * real outage is detected.
 */
import type { DrillContext } from "../context";
import { awaitFailBack, awaitFailover, DrillFailure } from "../observe";
import { planFailBack, planFailover } from "../plan-lines";
import { DRILL_MARKER_TAG, theDrilled } from "../targets";
import { describeError, retryUndo } from "./retry";
import { UndoFailed, type Fault, type FaultPlan, type FaultRecord, type Undone } from "./fault";

export class HealthCheckFault implements Fault {
  readonly kind = "health-check" as const;
  readonly servesWhileBroken = true;
  readonly undoneFirst = "the health check is un-inverted first";
  /** Epoch ms when the inversion, and its undoing, were in place. */
  private brokenAt: number | undefined;
  private restoredAt: number | undefined;

  plan(context: DrillContext): FaultPlan {
    const id = context.drilledCheckId;
    const version = context.drilledCheck?.version;
    return {
      header: [],
      preflight: [],
      mark: `Route 53 ChangeTagsForResource healthcheck ${id}: add ${DRILL_MARKER_TAG}=${context.drillId}`,
      break: `Route 53 UpdateHealthCheck ${id}: Inverted=true, HealthCheckVersion ${version ?? "<looked up at run time>"}`,
      observe: planFailover(context, this.servesWhileBroken),
      restore: `Route 53 UpdateHealthCheck ${id}: Inverted=false; ${planFailBack(context)}`,
      unmark: `Route 53 ChangeTagsForResource healthcheck ${id}: remove ${DRILL_MARKER_TAG}`,
    };
  }

  /** The health check itself is checked by the drill's preflight (healthy, not inverted, no marker). */
  async preflight(): Promise<string[]> {
    return [];
  }

  async mark(context: DrillContext): Promise<string> {
    const id = context.drilledCheckId;
    await context.route53.setMarker(id, context.drillId);
    const marker = await context.route53.markerOf(id);
    if (marker !== context.drillId) {
      throw new DrillFailure(
        `another drill (${marker ?? "unknown"}) marked health check ${id} at the same time; nothing was changed`,
      );
    }
    return `tag ${DRILL_MARKER_TAG}=${context.drillId} on health check ${id}`;
  }

  async break(context: DrillContext): Promise<string> {
    const id = context.drilledCheckId;
    // The version read in preflight: Route 53 refuses the change if someone changed the check since.
    await context.route53.setInverted(id, true, context.drilledCheck!.version);
    this.brokenAt = context.now();
    context.journal.milestone("broken", this.brokenAt);
    return `health check ${id} inverted (UpdateHealthCheck Inverted=true)`;
  }

  observe(context: DrillContext): Promise<string> {
    return awaitFailover(context, this);
  }

  async undo(context: DrillContext): Promise<Undone> {
    const id = context.drilledCheckId;
    await retryUndo(
      context,
      "un-invert",
      () => context.route53.setInverted(id, false),
      (error) =>
        new UndoFailed(
          `could not un-invert health check ${id} (${describeError(error)}); ${theDrilled(context.targets)} stays failed over ` +
            `until you run: aws route53 update-health-check --health-check-id ${id} --no-inverted ` +
            `&& aws route53 change-tags-for-resource --resource-type healthcheck --resource-id ${id} --remove-tag-keys ${DRILL_MARKER_TAG}`,
        ),
    );
    this.restoredAt = context.now();
    context.journal.milestone("restored", this.restoredAt);
    return { done: `health check ${id} un-inverted`, state: `health check ${id} is un-inverted` };
  }

  awaitRecovery(context: DrillContext, undone: Undone): Promise<string> {
    return awaitFailBack(context, this, undone);
  }

  async unmark(context: DrillContext): Promise<string> {
    const id = context.drilledCheckId;
    const marker = await context.route53.markerOf(id);
    if (marker === context.drillId) {
      await context.route53.removeMarker(id);
      return `tag ${DRILL_MARKER_TAG} removed from health check ${id}`;
    }
    return marker === undefined
      ? `no ${DRILL_MARKER_TAG} tag to remove`
      : `tag ${DRILL_MARKER_TAG}=${marker} left in place: it belongs to another drill`;
  }

  /** Route 53 confirmed the un-invert, and restore saw the check healthy again: nothing more to read. */
  async checkRestored(): Promise<string[]> {
    return [];
  }

  /** A check counts inverted when it ran while the inversion was in place. */
  invertedAt(checkedAt: number | undefined): boolean {
    if (this.brokenAt === undefined || checkedAt === undefined || checkedAt < this.brokenAt) return false;
    return this.restoredAt === undefined || checkedAt < this.restoredAt;
  }

  record(): FaultRecord {
    return {
      kind: this.kind,
      title: "the drilled region's endpoint health check inverted (UpdateHealthCheck Inverted=true)",
      drift: [
        "none: Terraform ignores invert_healthcheck and the drill-in-progress tag on every health check (lifecycle.ignore_changes)",
      ],
      restoredCheck: undefined,
      measures: {},
    };
  }
}
