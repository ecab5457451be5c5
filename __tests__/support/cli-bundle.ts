/**
 * A command-line tool bundled once with esbuild, for tests that run it as a child process
 * many times: `node <bundle>` starts in a fraction of the time `node --import tsx` takes to
 * compile the same TypeScript on every start. The README's own form (`npm run …`, through
 * tsx) is run as written by the README command tests.
 */
import { buildSync } from "esbuild";
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { PROJECT_ROOT } from "../../build/project-root";

/** Bundles `entry` (relative to the project root) into `.cache/cli-bundles/` and returns its path. */
export function bundleCli(entry: string): string {
  const dir = join(PROJECT_ROOT, ".cache", "cli-bundles");
  mkdirSync(dir, { recursive: true });
  // Inside the project, so the bundle's `require`s of packages resolve to its node_modules.
  const outfile = join(dir, `${basename(entry, ".ts")}-${process.pid}.cjs`);
  buildSync({
    entryPoints: [join(PROJECT_ROOT, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  return outfile;
}
