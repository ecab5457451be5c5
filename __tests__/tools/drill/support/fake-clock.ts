import type { Clock } from "../../../../tools/drill/clock";

/**
 * Virtual time: `sleep` and `advance` move it forward at once, firing the callbacks
 * scheduled with `at` in order on the way (a signal, a failure). No real waiting.
 */
export class FakeClock implements Clock {
  private readonly scheduled: { at: number; order: number; run: () => void }[] = [];
  private order = 0;

  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  /** Runs `run` when virtual time reaches `at` (epoch ms). */
  at(at: number, run: () => void): void {
    this.scheduled.push({ at, order: this.order++, run });
    this.scheduled.sort((a, b) => a.at - b.at || a.order - b.order);
  }

  /** Moves time forward by `ms`, firing due callbacks; stops early when `signal` aborts. */
  advance(ms: number, signal?: AbortSignal): void {
    const target = this.time + ms;
    while (this.scheduled.length > 0 && this.scheduled[0]!.at <= target && !signal?.aborted) {
      const next = this.scheduled.shift()!;
      this.time = Math.max(this.time, next.at);
      next.run();
    }
    if (!signal?.aborted) this.time = target;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.advance(ms, signal);
    await Promise.resolve();
    if (signal?.aborted) throw signal.reason;
  }
}
