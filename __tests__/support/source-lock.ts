/**
 * A lock between test files that jest runs in parallel workers: lambda-bundle.test.ts changes
 * the handler sources' file times (and so their change time, which can't be put back), and
 * lambda-bundle-cache.test.ts needs those identities unchanged between its build and its checks.
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";

const LOCK_DIR = join(
  tmpdir(),
  `tickets-lambda-sources-${createHash("sha256").update(PROJECT_ROOT).digest("hex").slice(0, 12)}.lock`,
);
/** A lock older than this was left by a killed run. */
const STALE_MS = 120_000;
const WAIT_MS = 50;
const GIVE_UP_MS = 60_000;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Waits for the handler sources' lock and takes it; the returned function releases it. */
export function lockHandlerSources(): () => void {
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      return () => rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    try {
      if (Date.now() - statSync(LOCK_DIR).mtimeMs > STALE_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch {
      // Released meanwhile.
    }
    if (Date.now() - started > GIVE_UP_MS) throw new Error(`handler sources still locked after ${GIVE_UP_MS} ms: ${LOCK_DIR}`);
    sleep(WAIT_MS);
  }
}
