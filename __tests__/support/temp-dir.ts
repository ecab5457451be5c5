/**
 * One temp folder per test run, removed when the run ends: cdktf's `Testing` helpers make a
 * `cdktf.outdir.*` folder in the OS temp folder for every app (tens per run) and never delete
 * them, and some tests make their own with mkdtemp. Jest's global setup runs before the
 * workers start, so they inherit TMPDIR (which `os.tmpdir()` reads on every call) and put
 * everything under this folder; the global teardown deletes it.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../build/project-root";

/** Where each run's temp folder goes: inside the project (ignored by git), not the OS temp folder. */
export const RUN_TEMP_PARENT = join(PROJECT_ROOT, ".cache", "tmp");
const RUN_TEMP_ENV = "TICKETS_TEST_RUN_TMPDIR";

export function createRunTempDir(): void {
  mkdirSync(RUN_TEMP_PARENT, { recursive: true });
  const dir = mkdtempSync(join(RUN_TEMP_PARENT, "run-"));
  process.env[RUN_TEMP_ENV] = dir;
  process.env.TMPDIR = dir;
}

export function removeRunTempDir(): void {
  const dir = process.env[RUN_TEMP_ENV];
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
