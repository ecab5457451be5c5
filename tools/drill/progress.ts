/**
 * What the operator sees while a drill runs: one line per step, and during long waits a
 * status (elapsed time, health, DNS answer). On a terminal the status rewrites one line; in
 * a log (CI, a pipe) it prints a plain line when the state changes and every 30 s.
 */
import { formatMsAsSeconds } from "../report-format";
import type { Clock } from "./clock";

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const PLAIN_HEARTBEAT_MS = 30_000;

export class Progress {
  private statusShown = false;
  private lastPlainKey: string | undefined;
  private lastPlainAt = 0;

  constructor(
    private readonly output: Output,
    private readonly clock: Clock,
    private readonly startedAt: number,
  ) {}

  private stamp(): string {
    return `[${formatMsAsSeconds(this.clock.now() - this.startedAt).padStart(8)}]`;
  }

  private clearStatus(): void {
    if (this.statusShown) this.output.write("\r\x1b[2K");
    this.statusShown = false;
  }

  line(text: string): void {
    this.clearStatus();
    this.output.write(`${this.stamp()} ${text}\n`);
  }

  /**
   * `waiting for failover: 35 s, <state>`. In plain mode a line is printed when `key` (the
   * part of the state worth a line, e.g. health and DNS answer) changes, or every 30 s.
   */
  status(waitingFor: string, since: number, state: string, key: string = state): void {
    const elapsed = `${Math.round((this.clock.now() - since) / 1000)} s`;
    if (this.output.isTTY) {
      this.output.write(`\r\x1b[2K  waiting for ${waitingFor}: ${elapsed}, ${state}`);
      this.statusShown = true;
      return;
    }
    const now = this.clock.now();
    if (key !== this.lastPlainKey || now - this.lastPlainAt >= PLAIN_HEARTBEAT_MS) {
      this.output.write(`${this.stamp()}   waiting for ${waitingFor}: ${elapsed}, ${state}\n`);
      this.lastPlainKey = key;
      this.lastPlainAt = now;
    }
  }

  /** Ends a wait: clears the status line. */
  settle(): void {
    this.clearStatus();
    this.lastPlainKey = undefined;
  }
}
