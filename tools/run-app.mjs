// Runs the CDKTF app (main.ts) fast. Both `npm run synth` and cdktf.json's "app" use this.
// - First choice: a V8 start-up snapshot of the app with every module loaded
//   (tools/app-snapshot.cjs keeps dist/app.blob current); a child `node --snapshot-blob` runs it.
// - Fallback, when Node can't build the snapshot or TICKETS_SYNTH_SNAPSHOT=0:
//   tools/app-bundle.cjs keeps dist/app.cjs, one bundle of our TypeScript and its pure-JS
//   libraries, current (esbuild, no type checking: `npm test` type-checks) and Node requires it.
// The cdktf CLI and terraform report to checkpoint-api.hashicorp.com unless CHECKPOINT_DISABLE
// is set (offline, cdktf prints `getaddrinfo ENOTFOUND` errors). Set for whatever this app
// process starts, on every OS (a value the user set is kept). The cdktf CLI that runs this app
// as its child reads its own environment: that one only the user's shell can set (README).
// (ES imports run first; none of them reads the variable.)
process.env.CHECKPOINT_DISABLE ??= "1";

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("..", import.meta.url));

/** The snapshot's path, or undefined when it is turned off or Node can't build it (said once per build attempt). */
function currentSnapshot() {
  if (process.env.TICKETS_SYNTH_SNAPSHOT === "0") return undefined;
  const { ensureAppSnapshot } = require("./app-snapshot.cjs");
  try {
    return ensureAppSnapshot({ root }).blob;
  } catch (error) {
    console.warn(`synth: no start-up snapshot, running the app bundle (${error.message.split("\n")[0]})`);
    return undefined;
  }
}

const blob = currentSnapshot();
if (blob !== undefined) {
  const child = spawnSync(process.execPath, [...process.execArgv, "--snapshot-blob", blob], { stdio: "inherit" });
  if (child.error !== undefined) throw child.error;
  if (child.signal !== null) process.kill(process.pid, child.signal);
  process.exitCode = child.status ?? 1;
} else {
  const { ensureAppBundle } = require("./app-bundle.cjs");
  // One folder below the root, like the sources, so `__dirname/..` is the root in both (bundling/project-root.ts).
  const { path } = ensureAppBundle({ root, entry: "main.ts", outfile: "dist/app.cjs" });
  require(path);
}
