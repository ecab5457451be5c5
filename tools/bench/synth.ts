/**
 * Section 1: `npm run synth` of the whole default system as a whole process, beside the
 * baseline in bench/baseline (the cdktf TypeScript template's set-up: ts-node, barrel import
 * of the provider) that synthesizes only the global table and its two providers. Runs are
 * interleaved, so a change in the machine's load hits both sides alike.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";
import { type ProcessRun, type ProcessSpread, processSpreadOf, runMeasured } from "./measure";
import { bundleLayout, type CpuProfile, type ProfileSummary, summarizeProfile } from "./profile";

export const SYNTH_GOAL = { maxSeconds: 0.8, minRatio: 20 } as const;
export const BASELINE_DIR = join(PROJECT_ROOT, "bench", "baseline");
const APP_BUNDLE = join(PROJECT_ROOT, "dist", "app.cjs");
/** The bundle the snapshot (dist/app.blob) was built from: a synth runs its code. */
const SNAPSHOT_BUNDLE = join(PROJECT_ROOT, "dist", "app-snapshot.cjs");
/** The caches a synth reuses; without them it bundles the app and the Lambdas again. */
const SYNTH_CACHE_RECORDS = [
  `${APP_BUNDLE}.inputs.json`,
  `${SNAPSHOT_BUNDLE}.inputs.json`,
  join(PROJECT_ROOT, "dist", "lambdas", "bundle-cache.json"),
];

export interface SynthResult {
  /** `npm run synth`, what a user types. */
  readonly npmSynth: ProcessSpread;
  /** `node tools/run-app.mjs`, the same app without npm's own start-up. */
  readonly app: ProcessSpread;
  /** The first synth after the caches are gone (app bundle and Lambda zips rebuilt); one run. */
  readonly cold?: ProcessRun;
  /** `npx ts-node main.ts` in bench/baseline. */
  readonly baseline?: ProcessSpread;
  /** CPU profile of one `node tools/run-app.mjs`, taken when a goal is missed. */
  readonly profile?: ProfileSummary;
}

export interface SynthOptions {
  readonly runs: number;
  readonly baselineRuns: number;
  /** One unmeasured baseline run first (it fills the file cache with the provider's typings). */
  readonly baselineWarmUp: boolean;
  readonly cold: boolean;
  readonly log: (line: string) => void;
}

/** Environment of a synth on the built-in defaults into a scratch folder. */
export function synthEnv(outdir: string, configFile?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
  delete env.TICKETS_CONFIG;
  if (configFile !== undefined) env.TICKETS_CONFIG = configFile;
  return env;
}

export const npmSynth = (env: NodeJS.ProcessEnv) => runMeasured("npm", ["run", "-s", "synth"], { cwd: PROJECT_ROOT, env });
const appSynth = (env: NodeJS.ProcessEnv) => runMeasured(process.execPath, ["tools/run-app.mjs"], { cwd: PROJECT_ROOT, env });
const baselineSynth = (env: NodeJS.ProcessEnv) => runMeasured("npx", ["ts-node", "main.ts"], { cwd: BASELINE_DIR, env });

export const goalMissed = (result: Pick<SynthResult, "npmSynth" | "baseline">): boolean =>
  result.npmSynth.wallSeconds.median > SYNTH_GOAL.maxSeconds ||
  (result.baseline !== undefined &&
    result.baseline.wallSeconds.median / result.npmSynth.wallSeconds.median < SYNTH_GOAL.minRatio);

/** One `node --cpu-prof tools/run-app.mjs`, summarized by package and file. */
export function profileSynth(env: NodeJS.ProcessEnv): ProfileSummary {
  const profileDir = mkdtempSync(join(tmpdir(), "bench-profile-"));
  try {
    runMeasured(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "tools/run-app.mjs"], {
      cwd: PROJECT_ROOT,
      env,
    });
    // run-app.mjs passes --cpu-prof on to the snapshot's child process, which does the synth:
    // its profile is the one that ran the app's bundle (the parent only checks and spawns).
    const bundleFiles = [APP_BUNDLE, SNAPSHOT_BUNDLE].filter((file) => existsSync(file));
    const profiles = readdirSync(profileDir)
      .filter((name) => name.endsWith(".cpuprofile"))
      .map((name) => JSON.parse(readFileSync(join(profileDir, name), "utf8")) as CpuProfile);
    const ranApp = (candidate: CpuProfile) =>
      candidate.nodes.some(({ callFrame }) => bundleFiles.some((file) => callFrame.url === `file://${file}`));
    const profile = profiles.find(ranApp) ?? profiles[0];
    if (profile === undefined) throw new Error(`node --cpu-prof wrote no profile into ${profileDir}`);
    const bundles = bundleFiles.map((file) => bundleLayout(`file://${file}`, readFileSync(file, "utf8")));
    return summarizeProfile(profile, { root: PROJECT_ROOT, bundles });
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }
}

export function benchSynth(options: SynthOptions): SynthResult {
  const scratch = mkdtempSync(join(tmpdir(), "bench-synth-"));
  try {
    const env = synthEnv(join(scratch, "out"));
    const baselineEnv = synthEnv(join(scratch, "baseline-out"));
    let cold: ProcessRun | undefined;
    if (options.cold) {
      for (const record of SYNTH_CACHE_RECORDS) rmSync(record, { force: true });
      options.log("synth: first run without caches");
      cold = npmSynth(env);
    }
    // Warm-up: fills the file cache and (re)builds the caches, as any second synth finds them.
    npmSynth(env);
    if (options.baselineRuns > 0 && options.baselineWarmUp) baselineSynth(baselineEnv);

    const runs: { npmSynth: ProcessRun[]; app: ProcessRun[]; baseline: ProcessRun[] } = { npmSynth: [], app: [], baseline: [] };
    for (let run = 0; run < options.runs; run += 1) {
      options.log(`synth: run ${run + 1}/${options.runs}`);
      runs.npmSynth.push(npmSynth(env));
      runs.app.push(appSynth(env));
      if (run < options.baselineRuns) runs.baseline.push(baselineSynth(baselineEnv));
    }
    const result = {
      npmSynth: processSpreadOf(runs.npmSynth),
      app: processSpreadOf(runs.app),
      ...(cold === undefined ? {} : { cold }),
      ...(runs.baseline.length === 0 ? {} : { baseline: processSpreadOf(runs.baseline) }),
    };
    if (!goalMissed(result)) return result;
    options.log("synth: goal missed, profiling one synth");
    return { ...result, profile: profileSynth(env) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
