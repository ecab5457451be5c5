/**
 * A command-line tool as one bundle, for tests that run it as a child process many times:
 * `node <bundle>` starts in a fraction of the time `node --import tsx` takes to compile the
 * same TypeScript on every start. Built by the app's own bundler (tools/app-bundle.cjs), which
 * rebuilds only when an input changed. The README's own form (`npm run …`, through tsx) is run
 * as written by the README command tests.
 */
import { basename, join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";

const { ensureAppBundle } = require("../../tools/app-bundle.cjs") as {
  ensureAppBundle(options: { root: string; entry: string; outfile: string }): { path: string; built: boolean };
};

/** Bundles `entry` (relative to the project root) into `.cache/cli-bundles/` and returns its path. */
export function bundleCli(entry: string): string {
  // Inside the project, so the bundle's external packages resolve to its node_modules.
  const outfile = join(PROJECT_ROOT, ".cache", "cli-bundles", `${basename(entry, ".ts")}.cjs`);
  return ensureAppBundle({ root: PROJECT_ROOT, entry, outfile }).path;
}
