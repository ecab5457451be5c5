import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { PROJECT_ROOT } from "../../bundling/project-root";

/** Runs `npm run synth`'s command with its own outdir and config (and environment overrides). */
export function runSynth(outdir: string, configFile?: string, envOverrides: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...envOverrides, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
  delete env.TICKETS_CONFIG;
  if (configFile !== undefined) env.TICKETS_CONFIG = configFile;
  return spawnSync(process.execPath, ["tools/run-app.mjs"], { cwd: PROJECT_ROOT, env, encoding: "utf8" });
}
