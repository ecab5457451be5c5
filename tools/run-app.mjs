// Runs the CDKTF app (main.ts) fast: esbuild bundles our TypeScript (not node_modules) into
// dist/app.cjs in well under 100 ms, without type checking (`npm test` type-checks), and Node
// runs it. Both `npm run synth` and cdktf.json's "app" use this.
// The cdktf CLI and terraform report to checkpoint-api.hashicorp.com unless CHECKPOINT_DISABLE
// is set (offline, cdktf prints `getaddrinfo ENOTFOUND` errors). Set for whatever this app
// process starts, on every OS (a value the user set is kept). The cdktf CLI that runs this app
// as its child reads its own environment: that one only the user's shell can set (README).
// (ES imports run first; none of them reads the variable.)
process.env.CHECKPOINT_DISABLE ??= "1";

import { buildSync } from "esbuild";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outfile = `${root}dist/app.cjs`; // one folder below the root, like the sources (build/project-root.ts)
const { outputFiles } = buildSync({
  entryPoints: [`${root}main.ts`],
  outfile,
  write: false,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  sourcemap: "inline",
  logLevel: "warning",
});
// Written aside and renamed: a synth running in parallel never loads a half-written file.
mkdirSync(`${root}dist`, { recursive: true });
writeFileSync(`${outfile}.${process.pid}`, outputFiles[0].contents);
renameSync(`${outfile}.${process.pid}`, outfile);
createRequire(import.meta.url)(outfile);
