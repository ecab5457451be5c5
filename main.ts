import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { loadConfig } from "./config/load";
import { buildStacks } from "./stacks/app";

const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";

/** Removes what an earlier synth wrote, so a failed synth leaves nothing that looks valid. */
function removeSynthOutput(): void {
  rmSync(join(outdir, "manifest.json"), { force: true });
  const stacksDir = join(outdir, "stacks");
  if (existsSync(stacksDir)) {
    for (const stack of readdirSync(stacksDir)) {
      rmSync(join(stacksDir, stack, "cdk.tf.json"), { force: true });
      rmSync(join(stacksDir, stack, "assets"), { recursive: true, force: true });
    }
  }
}

try {
  const config = loadConfig();
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir });
  buildStacks(app, config);
  removeSynthOutput();
  app.synth();
} catch (error) {
  removeSynthOutput();
  console.error((error as Error).message);
  process.exit(1);
}
