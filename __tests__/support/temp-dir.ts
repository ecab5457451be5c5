/**
 * One temp folder per test run, removed when the run ends: cdktf's `Testing` helpers make a
 * `cdktf.outdir.*` folder in the OS temp folder for every app (tens per run) and never delete
 * them, and some tests make their own with mkdtemp. Jest's global setup runs before the
 * workers start, so they inherit TMPDIR (which `os.tmpdir()` reads on every call) and put
 * everything under the run's folder; the global teardown deletes it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const RUN_TEMP_ENV = "TICKETS_TEST_RUN_TMPDIR";

/**
 * Makes the run's folder in the OS temp folder, outside the project (some tests need a place
 * where nothing of the repository resolves, or copy the project), and points TMPDIR at it.
 */
export function createRunTempDir(): void {
  const dir = mkdtempSync(join(tmpdir(), "tickets-test-run-"));
  process.env[RUN_TEMP_ENV] = dir;
  process.env.TMPDIR = dir;
}

export function removeRunTempDir(): void {
  const dir = process.env[RUN_TEMP_ENV];
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
