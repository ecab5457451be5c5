/**
 * `npm run bench [-- --quick]`: measures synth, scaling with regions, terraform, the Lambdas
 * and the local API, and the tests on this machine, computes the failover budget, and writes
 * BENCHMARKS.md with its charts (bench/charts/). Numbers only, nothing asserted. A section
 * that fails is reported as not measured, and the run exits 1 after writing the file.
 *
 * --quick: a reduced set for a pull request (under a minute on an idle machine): fewer runs,
 * no baseline (so no ratio), 2 and 3 regions without plans, no terraform section, no full
 * test suite.
 *
 * --only lambdas: measures section 4 alone (the full plan's runs, or the quick one's with
 * --quick) and replaces it, and the headline's Lambda line, in the existing BENCHMARKS.md;
 * the rest of the file stays as the last full run wrote it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";
import { prepareToolchain, type TerraformToolchain } from "../terraform/toolchain";
import { benchFailover } from "./failover";
import { benchLambdas, type LambdaOptions } from "./lambdas";
import { currentLoad, describeMachine, type MachineInfo } from "./machine";
import { type BenchResults, CHART_DIR, renderReport, replaceLambdasSection, type Section } from "./report";
import { benchScaling } from "./scaling";
import { benchSynth, type SynthOptions } from "./synth";
import { benchTerraform } from "./terraform-steps";
import { benchTests } from "./tests";
import { runCli } from "../cli-entry";

const REPORT_FILE = join(PROJECT_ROOT, "BENCHMARKS.md");

interface Plan {
  readonly synth: Omit<SynthOptions, "log">;
  readonly scaling: { sizes: number[]; runs: number; planSizes: number[] };
  readonly terraformRuns: number;
  readonly lambdas: Omit<LambdaOptions, "log">;
  readonly tests: { runs: number; fullSuite: boolean };
}

const PLANS: Record<"full" | "quick", Plan> = {
  full: {
    synth: { runs: 10, baselineRuns: 3, baselineWarmUp: true, cold: true },
    scaling: { sizes: [2, 3, 5, 8], runs: 3, planSizes: [2, 3] },
    terraformRuns: 2,
    lambdas: { loadRuns: 11, requests: { 1: 500, 20: 2_000, 100: 4_000 } },
    tests: { runs: 2, fullSuite: true },
  },
  quick: {
    // No baseline: one ts-node run alone takes 15 s or more, most of the minute.
    synth: { runs: 5, baselineRuns: 0, baselineWarmUp: false, cold: false },
    scaling: { sizes: [2, 3], runs: 1, planSizes: [] },
    terraformRuns: 0,
    lambdas: { loadRuns: 3, requests: { 1: 100, 20: 400, 100: 500 } },
    tests: { runs: 1, fullSuite: false },
  },
};

/** The sections `--only` can measure alone. */
const ONLY_SECTIONS = ["lambdas"] as const;
type OnlySection = (typeof ONLY_SECTIONS)[number];

export function parseArgs(args: readonly string[]): { mode: "full" | "quick"; only?: OnlySection } {
  const rest = args.filter((arg) => arg !== "--quick");
  const mode = args.includes("--quick") ? "quick" : "full";
  const onlyAt = rest.indexOf("--only");
  const only = onlyAt < 0 ? undefined : rest.splice(onlyAt, 2)[1];
  if (onlyAt >= 0 && !ONLY_SECTIONS.includes(only as OnlySection)) {
    throw new Error(`npm run bench: --only takes one of ${ONLY_SECTIONS.join(", ")}, not ${only ?? "nothing"}`);
  }
  if (rest.length > 0) {
    throw new Error(`npm run bench: unknown argument ${rest.join(" ")}; the options are --quick and --only lambdas`);
  }
  return only === undefined ? { mode } : { mode, only: only as OnlySection };
}

/** `--only lambdas`: section 4 measured anew, spliced into the BENCHMARKS.md of an earlier run. */
async function onlyLambdas(mode: "full" | "quick", machine: MachineInfo, log: (line: string) => void): Promise<void> {
  const previous = readFileSync(REPORT_FILE, "utf8");
  const lambdas = await benchLambdas({ ...PLANS[mode].lambdas, log });
  writeFileSync(REPORT_FILE, replaceLambdasSection(previous, lambdas, { ...machine, loadAtEnd: currentLoad() }));
  log("replaced section 4 of BENCHMARKS.md");
}

async function main(): Promise<void> {
  const { mode, only } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const log = (line: string) =>
    process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  const machine = describeMachine();
  log(`${mode} run on ${machine.cores} cores, load ${machine.loadAtStart.map((value) => value.toFixed(2)).join(" ")}`);
  if (only === "lambdas") return onlyLambdas(mode, machine, log);
  const toolchainDir = mkdtempSync(join(tmpdir(), "bench-toolchain-"));
  try {
    await measureAndReport(mode, machine, prepareToolchain(toolchainDir), started, log);
  } finally {
    rmSync(toolchainDir, { recursive: true, force: true });
  }
}

async function measureAndReport(
  mode: "full" | "quick",
  machine: MachineInfo,
  toolchain: TerraformToolchain | undefined,
  started: number,
  log: (line: string) => void,
): Promise<void> {
  const plan = PLANS[mode];
  let failed = false;

  /** Runs one section; a failure is reported in the file instead of losing the other sections. */
  async function section<T>(name: string, work: () => Promise<T> | T): Promise<Section<T>> {
    try {
      return await work();
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      log(`${name} failed: ${message}`);
      return { skipped: `failed: ${message.split("\n")[0]}` };
    }
  }

  const synth = benchSynth({ ...plan.synth, log });
  const scaling = await section("scaling", () => benchScaling({ ...plan.scaling, toolchain, log }));
  const terraform: BenchResults["terraform"] =
    toolchain === undefined
      ? { skipped: "terraform not found (set TERRAFORM_BIN or put it on PATH)" }
      : plan.terraformRuns === 0
        ? { skipped: "--quick leaves terraform out (about 10 s per stack)" }
        : await section("terraform", () => benchTerraform({ runs: plan.terraformRuns, toolchain, log }));
  const lambdas = await section("lambdas", () => benchLambdas({ ...plan.lambdas, log }));
  const tests = await section("tests", () => benchTests({ ...plan.tests, log }));

  const results: BenchResults = {
    mode,
    machine: { ...machine, loadAtEnd: currentLoad() },
    durationSeconds: (performance.now() - started) / 1000,
    synth,
    scaling,
    terraform,
    lambdas,
    tests,
    failover: benchFailover(),
  };
  const report = renderReport(results);
  writeFileSync(REPORT_FILE, report.markdown);
  const chartDir = join(PROJECT_ROOT, CHART_DIR);
  mkdirSync(chartDir, { recursive: true });
  // Charts of an earlier run that this one didn't draw would show stale numbers.
  for (const file of readdirSync(chartDir)) {
    if (file.endsWith(".svg") && report.charts[`${CHART_DIR}/${file}`] === undefined) rmSync(join(chartDir, file));
  }
  for (const [path, svg] of Object.entries(report.charts)) {
    mkdirSync(dirname(join(PROJECT_ROOT, path)), { recursive: true });
    writeFileSync(join(PROJECT_ROOT, path), svg);
  }
  log(`wrote BENCHMARKS.md${failed ? " (some sections failed)" : ""}`);
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) runCli("bench", main);
