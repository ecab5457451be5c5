/** Undoing a fault: retried a few times, never aborted (giving up leaves the region broken). */
import type { DrillContext } from "../context";

export const UNDO_ATTEMPTS = 3;
export const UNDO_RETRY_MS = 2_000;

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Runs `attempt` until it succeeds, at most UNDO_ATTEMPTS times; `giveUp` turns the last error
 * into the error to throw (with the commands to undo it by hand).
 */
export async function retryUndo(
  context: DrillContext,
  what: string,
  attempt: () => Promise<void>,
  giveUp: (error: unknown) => Error,
): Promise<void> {
  for (let count = 1; ; count += 1) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (count >= UNDO_ATTEMPTS) throw giveUp(error);
      context.progress.line(`${what} attempt ${count} failed (${describeError(error)}); retrying`);
      await context.clock.sleep(UNDO_RETRY_MS);
    }
  }
}
