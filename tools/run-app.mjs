// Runs the CDKTF app (main.ts) fast: tools/app-bundle.cjs keeps dist/app.cjs, one bundle of our
// TypeScript and its pure-JS libraries, current (esbuild, no type checking: `npm test`
// type-checks) and Node runs it. Both `npm run synth` and cdktf.json's "app" use this.
// The cdktf CLI and terraform report to checkpoint-api.hashicorp.com unless CHECKPOINT_DISABLE
// is set (offline, cdktf prints `getaddrinfo ENOTFOUND` errors). Set for whatever this app
// process starts, on every OS (a value the user set is kept). The cdktf CLI that runs this app
// as its child reads its own environment: that one only the user's shell can set (README).
// (ES imports run first; none of them reads the variable.)
process.env.CHECKPOINT_DISABLE ??= "1";

import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { ensureAppBundle } = require("./app-bundle.cjs");

const root = fileURLToPath(new URL("..", import.meta.url));
// One folder below the root, like the sources, so `__dirname/..` is the root in both (build/project-root.ts).
const { path } = ensureAppBundle({ root, entry: "main.ts", outfile: "dist/app.cjs" });
require(path);
