// Runs the CDKTF app (main.ts) fast: tools/app-bundle.cjs keeps dist/app.cjs, one bundle of our
// TypeScript and its pure-JS libraries, current (esbuild, no type checking: `npm test`
// type-checks) and Node runs it. Both `npm run synth` and cdktf.json's "app" use this.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { ensureAppBundle } = require("./app-bundle.cjs");

const root = fileURLToPath(new URL("..", import.meta.url));
// One folder below the root, like the sources, so `__dirname/..` is the root in both (build/project-root.ts).
const { path } = ensureAppBundle({ root, entry: "main.ts", outfile: "dist/app.cjs" });
require(path);
