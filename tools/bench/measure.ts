/**
 * Timing a command as a whole process: wall time from this process, CPU time and peak memory
 * from GNU time (`/usr/bin/time`), which waits for the child and reads its rusage: CPU summed
 * over every process it waited for (npm, sh, node), peak RSS of the largest one. Where GNU
 * time is missing (macOS, Alpine's BusyBox), CPU and memory are left out, never guessed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One run of a command. */
export interface ProcessRun {
  readonly wallSeconds: number;
  /** 0, unless `allowFailure` let a failing run through. */
  readonly exitCode: number;
  /** User + system CPU of the process and its children. */
  readonly cpuSeconds?: number;
  /** Peak resident set of the largest process in the tree. */
  readonly maxRssMb?: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the command after this long. @default 15 minutes */
  readonly timeoutMs?: number;
  /** Return a run that exits non-zero (with its exit code) instead of throwing. @default false */
  readonly allowFailure?: boolean;
}

const GNU_TIME = "/usr/bin/time";
let gnuTimeWorks: boolean | undefined;

/** Whether `/usr/bin/time` is GNU time (it understands `-f` and `-o`). */
export function hasGnuTime(): boolean {
  if (gnuTimeWorks === undefined) {
    const probe = spawnSync(GNU_TIME, ["-f", "%M", "true"], { encoding: "utf8" });
    gnuTimeWorks = probe.status === 0 && /^\d+\s*$/.test(probe.stderr);
  }
  return gnuTimeWorks;
}

/** Parses GNU time's `-f "%U %S %M"` line: user s, system s, peak RSS KB. */
export function parseGnuTime(line: string): { cpuSeconds: number; maxRssMb: number } {
  const fields = line.trim().split(/\s+/).map(Number);
  if (fields.length !== 3 || fields.some((value) => !Number.isFinite(value))) {
    throw new Error(`unexpected GNU time output: "${line.trim()}"`);
  }
  const [user, system, rssKb] = fields as [number, number, number];
  return { cpuSeconds: user + system, maxRssMb: rssKb / 1024 };
}

/** Runs `command args` once; throws with its output when it exits non-zero. */
export function runMeasured(command: string, args: readonly string[], options: RunOptions): ProcessRun {
  const scratch = mkdtempSync(join(tmpdir(), "bench-time-"));
  const timeFile = join(scratch, "time.txt");
  const timed = hasGnuTime();
  const [file, fileArgs] = timed ? [GNU_TIME, ["-f", "%U %S %M", "-o", timeFile, command, ...args]] : [command, [...args]];
  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(file, fileArgs, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: options.timeoutMs ?? 15 * 60_000,
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.error !== undefined) throw result.error;
    const exitCode = result.status ?? 1;
    if (exitCode !== 0 && options.allowFailure !== true) {
      throw new Error(`${command} ${args.join(" ")} exited ${exitCode} in ${options.cwd}:\n${result.stderr}${result.stdout}`);
    }
    if (!timed) return { wallSeconds, exitCode };
    // The measurements are GNU time's last line (it writes "Command exited with non-zero status" before them).
    const lines = readFileSync(timeFile, "utf8").trim().split("\n");
    return { wallSeconds, exitCode, ...parseGnuTime(lines[lines.length - 1]!) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Median, min and max of some runs of one measurement. */
export interface Spread {
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of no values");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function spreadOf(values: readonly number[]): Spread {
  return { runs: values.length, median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Spread of wall time, CPU and peak memory over runs of one command. */
export interface ProcessSpread {
  readonly wallSeconds: Spread;
  readonly cpuSeconds?: Spread;
  readonly maxRssMb?: Spread;
}

export function processSpreadOf(runs: readonly ProcessRun[]): ProcessSpread {
  const defined = (values: (number | undefined)[]) =>
    values.every((value) => value !== undefined) ? spreadOf(values as number[]) : undefined;
  const cpuSeconds = defined(runs.map((run) => run.cpuSeconds));
  const maxRssMb = defined(runs.map((run) => run.maxRssMb));
  return {
    wallSeconds: spreadOf(runs.map((run) => run.wallSeconds)),
    ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
    ...(maxRssMb === undefined ? {} : { maxRssMb }),
  };
}

/** Milliseconds that `work` takes. */
export async function timeMs(work: () => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}
