/**
 * BENCHMARKS.md from the measurements: one section per measured area, tables, and SVG charts
 * where a picture says more. Pure: results in, text out (tested with made-up results).
 */
import { loadVerdict, type MachineInfo } from "./machine";
import { type ProcessSpread, type Spread } from "./measure";
import { BUNDLE_BUDGET, BUNDLE_CHANGES_FILE, type BundleChange, LOAD_TARGET_MS, type LambdaResult } from "./lambdas";
import { drillSeconds, type FailoverResult } from "./failover";
import { growthOf, linearFit, resourcesPerRegion, type ScalingPoint } from "./scaling";
import { goalMissed, SYNTH_GOAL, type SynthResult } from "./synth";
import { TERRAFORM_STEPS, type StackTerraformTimes } from "./terraform-steps";
import { NPM_TEST_RUNS, type TestCommandResult, TOOL_CACHES, UNIT_TEST_FILE, type TestsResult } from "./tests";
import { HANDLER_NAMES } from "../../contract/handlers";
import { type Alignment, codeSpan, formatMs, formatSeconds, markdownTable } from "../report-format";
import { barChart, formatNumber, type Panel, panelChart } from "./svg";

/** A section that was not measured in this run, and why. */
export interface Skipped {
  readonly skipped: string;
}
export type Section<T> = T | Skipped;
export const isSkipped = <T>(section: Section<T>): section is Skipped =>
  typeof section === "object" && section !== null && "skipped" in section;

export interface BenchResults {
  readonly mode: "full" | "quick";
  readonly machine: MachineInfo;
  readonly durationSeconds: number;
  readonly synth: SynthResult;
  readonly scaling: Section<readonly ScalingPoint[]>;
  readonly terraform: Section<readonly StackTerraformTimes[]>;
  readonly lambdas: Section<LambdaResult>;
  readonly tests: Section<TestsResult>;
  readonly failover: FailoverResult;
}

export interface Report {
  readonly markdown: string;
  /** SVG files, by path relative to the project root. */
  readonly charts: Readonly<Record<string, string>>;
}

export const CHART_DIR = "bench/charts";
export const SECTION_TITLES = [
  "1. Synth",
  "2. Scaling with regions",
  "3. Terraform",
  "4. Lambdas",
  "5. Tests",
  "6. Failover budget",
] as const;

const formatSpread = (spread: Spread, format: (value: number) => string) =>
  spread.runs === 1 ? format(spread.median) : `${format(spread.median)} (${format(spread.min)}–${format(spread.max)})`;
/** `+12 ms`, `-3.5 ms`: an increment. */
const signed = (text: string) => (text.startsWith("-") ? text : `+${text}`);
const mb = (value: number) => `${value.toFixed(0)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const load = (values: readonly number[]) => values.map((value) => value.toFixed(2)).join(" / ");

/** A table whose first column names the row and whose other columns are numbers (right-aligned). */
function numbersTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return markdownTable(header, rows, ["left", ...header.slice(1).map((): Alignment => "right")]);
}

function processRow(label: string, spread: ProcessSpread): string[] {
  return [
    label,
    String(spread.wallSeconds.runs),
    formatSeconds(spread.wallSeconds.median),
    spread.wallSeconds.runs === 1 ? "–" : `${formatSeconds(spread.wallSeconds.min)} – ${formatSeconds(spread.wallSeconds.max)}`,
    spread.cpuSeconds === undefined ? "n/a" : formatSeconds(spread.cpuSeconds.median),
    spread.maxRssMb === undefined ? "n/a" : mb(spread.maxRssMb.median),
  ];
}

const PROCESS_HEADER = ["command", "runs", "wall median", "wall min – max", "CPU median", "peak RSS"] as const;

function header(results: BenchResults): string[] {
  const { machine } = results;
  const verdict = loadVerdict(machine.loadAtStart[0], machine.cores);
  const lines = [
    "# Benchmarks",
    "",
    `Written by \`npm run bench${results.mode === "quick" ? " -- --quick" : ""}\` on ${machine.startedAt.slice(0, 10)} in ${formatSeconds(results.durationSeconds)}. ` +
      "Every number below was measured in that run on this machine, except section 6, which is computed.",
    "",
  ];
  if (verdict !== "idle") {
    lines.push(
      `> **Measured on ${verdict === "busy" ? "a busy" : "an overloaded"} machine**: load average ${load(machine.loadAtStart)} (1/5/15 min) at the start on ${machine.cores} cores. ` +
        "Wall times are inflated by other work; CPU times are steadier. Re-run `npm run bench` on an idle machine for numbers to quote.",
      "",
    );
  }
  lines.push(
    markdownTable(
      ["machine", ""],
      [
        ["cores", String(machine.cores)],
        ["CPU", machine.cpuModel],
        ["memory", `${machine.memoryGb.toFixed(1)} GB`],
        ["OS", machine.os],
        ["Node.js", machine.node],
        ["Terraform", machine.terraform ?? "not found (terraform sections skipped)"],
        ["load average at start (1/5/15 min)", `${load(machine.loadAtStart)} (${verdict})`],
        ...(machine.loadAtEnd === undefined ? [] : [["load average at end", load(machine.loadAtEnd)]]),
      ],
    ),
    "",
  );
  return lines;
}

/** The headline's Lambda line: the largest zip, the largest share of a cold start (budget) and whole process. */
function lambdasHeadline(lambdas: LambdaResult): string {
  const largest = Math.max(...lambdas.bundles.map((bundle) => bundle.zipBytes));
  const slowest = Math.max(...lambdas.bundles.map((bundle) => bundle.oursMs.median));
  const wholest = Math.max(...lambdas.bundles.map((bundle) => bundle.wholeMs.median));
  return (
    `- Lambda zips at most ${kb(largest)} (budget ${BUNDLE_BUDGET.zipKb} KB); our share of a cold start at most ${formatMs(slowest)} ` +
    `(budget ${BUNDLE_BUDGET.loadMs} ms), the whole \`node\` process up to ${formatMs(wholest)}.`
  );
}

function headline(results: BenchResults): string[] {
  const { synth } = results;
  const lines = ["## Headline", ""];
  const npm = synth.npmSynth.wallSeconds.median;
  if (synth.baseline !== undefined) {
    const ratio = synth.baseline.wallSeconds.median / npm;
    lines.push(
      `- \`npm run synth\` of the whole system (two stacks, every region): **${formatSeconds(npm)}**, ` +
        `against ${formatSeconds(synth.baseline.wallSeconds.median)} for the cdktf template's set-up synthesizing only the global table: **${formatNumber(ratio)}x faster**.`,
    );
  } else {
    lines.push(
      `- \`npm run synth\` of the whole system: **${formatSeconds(npm)}** (baseline not run${results.mode === "quick" ? " with --quick" : ""}).`,
    );
  }
  lines.push(
    `- Goal (at most ${SYNTH_GOAL.maxSeconds} s and at least ${SYNTH_GOAL.minRatio}x): **${goalMissed(synth) ? "missed" : "met"}** in this run.`,
  );
  if (!isSkipped(results.scaling) && results.scaling.length >= 2) {
    const growth = growthOf(results.scaling);
    const first = growth[0]!.perRegion;
    const cpu = first.cpuSeconds === undefined ? "" : `, ${signed(formatMs(first.cpuSeconds * 1000))} synth CPU`;
    lines.push(
      `- Each added region (${growth[0]!.from} → ${growth[0]!.to}): ${signed(formatNumber(first.resources))} resources, ${signed(formatMs(first.synthSeconds * 1000))} synth wall time${cpu}.`,
    );
  }
  if (!isSkipped(results.lambdas)) lines.push(lambdasHeadline(results.lambdas));
  const [defaults, production] = results.failover.budgets;
  if (defaults !== undefined && production !== undefined) {
    lines.push(
      `- Clients on the standby within ${formatSeconds(defaults.clientFailoverSeconds)} of a failure with the defaults, ${formatSeconds(production.clientFailoverSeconds)} with the production settings (computed).`,
    );
  }
  return [...lines, ""];
}

function skippedLines(title: string, section: Skipped): string[] {
  return [`## ${title}`, "", `Not measured in this run: ${section.skipped}.`, ""];
}

/** A value measured once, as a spread of one run. */
const once = (value: number): Spread => ({ runs: 1, median: value, min: value, max: value });

function synthRows(synth: SynthResult): string[][] {
  const { cold, baseline } = synth;
  return [
    processRow("`npm run synth` (whole system)", synth.npmSynth),
    processRow("`node tools/run-app.mjs` (the app without npm)", synth.app),
    ...(cold === undefined
      ? []
      : [
          processRow("`npm run synth`, first run without caches", {
            wallSeconds: once(cold.wallSeconds),
            ...(cold.cpuSeconds === undefined ? {} : { cpuSeconds: once(cold.cpuSeconds) }),
            ...(cold.maxRssMb === undefined ? {} : { maxRssMb: once(cold.maxRssMb) }),
          }),
        ]),
    ...(baseline === undefined ? [] : [processRow("baseline: `npx ts-node main.ts` (bench/baseline)", baseline)]),
  ];
}

/** The baseline against the whole system: the ratio, and a bar chart of both. */
function synthRatioLines(synth: SynthResult, baseline: ProcessSpread, charts: Record<string, string>): string[] {
  const ratio = baseline.wallSeconds.median / synth.npmSynth.wallSeconds.median;
  const cpuRatio =
    baseline.cpuSeconds !== undefined && synth.npmSynth.cpuSeconds !== undefined
      ? ` (CPU: ${formatNumber(baseline.cpuSeconds.median / synth.npmSynth.cpuSeconds.median)}x)`
      : "";
  charts[`${CHART_DIR}/synth.svg`] = barChart({
    title: "Synth wall time, median (lower is better)",
    unit: "s",
    bars: [
      { label: "npm run synth (whole system)", value: synth.npmSynth.wallSeconds.median },
      { label: "template set-up, one table", value: baseline.wallSeconds.median },
    ],
  });
  return [
    `**Ratio**: the baseline takes ${formatNumber(ratio)}x as long as the whole system${cpuRatio}. Goal: at least ${SYNTH_GOAL.minRatio}x.`,
    "",
    `![Synth wall time](${CHART_DIR}/synth.svg)`,
    "",
  ];
}

/** When the synth goal is missed: the time it would take, and the levers that are left. */
function goalMissedLines(synth: SynthResult, npmStartup: number): string[] {
  const npm = synth.npmSynth.wallSeconds.median;
  const target = Math.min(
    SYNTH_GOAL.maxSeconds,
    synth.baseline === undefined ? Infinity : synth.baseline.wallSeconds.median / SYNTH_GOAL.minRatio,
  );
  const ratioMissed = synth.baseline !== undefined && synth.baseline.wallSeconds.median / npm < SYNTH_GOAL.minRatio;
  if (npm <= SYNTH_GOAL.maxSeconds && !ratioMissed) return [];
  const appBudget =
    target > npmStartup
      ? `so the app itself in ${formatSeconds(target - npmStartup)}`
      : `which npm's own start-up alone exceeds, so only the app without npm could`;
  return [
    `**What the goal would take**: the whole system in ${formatSeconds(target)} through npm, ${appBudget}; ` +
      `the app takes ${formatSeconds(synth.app.wallSeconds.median)}. The profile below says where that goes: ` +
      "the synth starts from a V8 start-up snapshot with cdktf loaded (docs/benchmarks.md), so what is left is cdktf itself " +
      "(token resolution, and a stack trace captured for every token it creates, which it has no switch for), garbage collection, " +
      "and two Node starts (the runner checks the snapshot's inputs, then starts it); the project's own work is in the bundled rows. " +
      "What remains are levers outside the project (starting without npm: `node tools/run-app.mjs`, which `cdktf.json` runs, the " +
      "second row; a cdktf that doesn't capture stack traces) and one inside it: starting the snapshot directly, with its input " +
      "check moved into it, which saves one Node start and process spawn.",
    "",
  ];
}

function synthGoalLines(synth: SynthResult): string[] {
  const npm = synth.npmSynth.wallSeconds.median;
  const npmStartup = Math.max(0, npm - synth.app.wallSeconds.median);
  return [
    `**Goal**: at most ${SYNTH_GOAL.maxSeconds} s: ${npm <= SYNTH_GOAL.maxSeconds ? "met" : `missed by ${formatSeconds(npm - SYNTH_GOAL.maxSeconds)}`}. ` +
      `npm's own start-up is the difference between the first two rows (${formatSeconds(npmStartup)} here).`,
    "",
    ...goalMissedLines(synth, npmStartup),
  ];
}

function profileLines(profile: NonNullable<SynthResult["profile"]>): string[] {
  return [
    "### Where a synth's time goes",
    "",
    `CPU profile of one \`node --cpu-prof tools/run-app.mjs\` (its snapshot child, which synthesizes; ${formatMs(profile.totalMs)} sampled), self time by package or file. ` +
      "Code in the app bundles (dist/app-snapshot.cjs, dist/app.cjs) is attributed to the file it came from.",
    "",
    numbersTable(
      ["package or file", "self time", "share"],
      profile.rows.map((row) => [row.module, formatMs(row.selfMs), `${(row.share * 100).toFixed(1)}%`]),
    ),
    "",
  ];
}

function synthSection(synth: SynthResult, charts: Record<string, string>): string[] {
  return [
    `## ${SECTION_TITLES[0]}`,
    "",
    "The whole default system (both stacks, two regions, Lambda bundles) as a user runs it, side by side with " +
      "[bench/baseline](bench/baseline/main.ts): the cdktf TypeScript template's own set-up (`npx ts-node main.ts`, which type-checks, " +
      'and the barrel `import { … } from "@cdktf/provider-aws"`) synthesizing only the global table and its two providers. ' +
      'Runs are interleaved; the caches a second synth finds (the app bundle, the Lambda zips) are warm, except in the "first run" row.',
    "",
    numbersTable(PROCESS_HEADER, synthRows(synth)),
    "",
    ...(synth.baseline === undefined ? [] : synthRatioLines(synth, synth.baseline, charts)),
    ...synthGoalLines(synth),
    ...(synth.profile === undefined ? [] : profileLines(synth.profile)),
  ];
}

function scalingTable(sorted: readonly ScalingPoint[]): string {
  return numbersTable(
    ["regions", "providers", "resources", "JSON", "synth wall median", "synth CPU", "peak RSS", "offline plan"],
    sorted.map((point) => [
      String(point.regions),
      String(point.providers),
      String(point.resources),
      kb(point.jsonBytes),
      formatSpread(point.synth.wallSeconds, formatSeconds),
      point.synth.cpuSeconds === undefined ? "n/a" : formatSeconds(point.synth.cpuSeconds.median),
      point.synth.maxRssMb === undefined ? "n/a" : mb(point.synth.maxRssMb.median),
      point.planSeconds === undefined ? "–" : formatSeconds(point.planSeconds),
    ]),
  );
}

/** What one added region costs, between consecutive sizes, and which resources it adds. */
function growthLines(sorted: readonly ScalingPoint[]): string[] {
  const growth = growthOf(sorted);
  const perResource = growth.map((step) => step.perRegion.resources);
  const constant = perResource.every((value) => value === perResource[0]);
  const types = Object.entries(resourcesPerRegion(sorted))
    .map(([type, count]) => `${formatNumber(count)} \`${type}\``)
    .join(", ");
  return [
    "Cost of one added region, between consecutive sizes:",
    "",
    numbersTable(
      ["step", "resources", "JSON", "synth wall", "synth CPU", "peak RSS"],
      growth.map((step) => [
        `${step.from} → ${step.to}`,
        `+${formatNumber(step.perRegion.resources)}`,
        `+${step.perRegion.jsonKb.toFixed(1)} KB`,
        signed(formatMs(step.perRegion.synthSeconds * 1000)),
        step.perRegion.cpuSeconds === undefined ? "n/a" : signed(formatMs(step.perRegion.cpuSeconds * 1000)),
        step.perRegion.maxRssMb === undefined ? "n/a" : signed(`${step.perRegion.maxRssMb.toFixed(1)} MB`),
      ]),
    ),
    "",
    `**What grows**: ${constant ? `every added region adds the same ${formatNumber(perResource[0]!)} resources (linear)` : `resources per added region vary: ${perResource.map(formatNumber).join(", ")}`}: ${types}. ` +
      "The JSON grows with them.",
    "",
  ];
}

/** A least-squares line through the sizes, per measure: the fixed part and the cost per region. */
function linearFitLines(sorted: readonly ScalingPoint[]): string[] {
  const fit = (
    measure: string,
    values: (point: ScalingPoint) => number | undefined,
    format: (value: number) => string,
    formatSlope = format,
  ) => {
    const points = sorted.map((point) => ({ x: point.regions, y: values(point) }));
    if (points.some((point) => point.y === undefined)) return [];
    const { intercept, slope, r2 } = linearFit(points as { x: number; y: number }[]);
    return [[measure, format(intercept), formatSlope(slope), r2.toFixed(3)]];
  };
  const perRegionMs = (seconds: number) => formatMs(seconds * 1000);
  return [
    `A straight line through the ${sorted.length} sizes (least squares): the fixed part is what a synth costs whatever the regions ` +
      "(Node, cdktf, the bundle, the stacks' shared resources), the slope what each region adds; R² near 1 means the cost grows linearly.",
    "",
    numbersTable(
      ["measure", "fixed part", "per region", "R²"],
      [
        ...fit("synth wall median", (point) => point.synth.wallSeconds.median, formatSeconds, perRegionMs),
        ...fit("synth CPU median", (point) => point.synth.cpuSeconds?.median, formatSeconds, perRegionMs),
        ...fit(
          "synth peak RSS",
          (point) => point.synth.maxRssMb?.median,
          (value) => `${value.toFixed(1)} MB`,
        ),
        ...fit("cdk.tf.json", (point) => point.jsonBytes, kb),
      ],
    ),
    "",
  ];
}

/** One panel per measure against the regions; peak RSS and the plan only where every size (some size) has them. */
function scalingChart(sorted: readonly ScalingPoint[]): string {
  const panel = (title: string, unit: string, points: readonly ScalingPoint[], y: (point: ScalingPoint) => number): Panel => ({
    title,
    unit,
    points: points.map((point) => ({ x: point.regions, y: y(point) })),
  });
  const planned = sorted.filter((point) => point.planSeconds !== undefined);
  const panels = [
    panel("synth wall median", "s", sorted, (point) => point.synth.wallSeconds.median),
    panel("resources", "count", sorted, (point) => point.resources),
    panel("cdk.tf.json", "KB", sorted, (point) => point.jsonBytes / 1024),
    ...(sorted.every((point) => point.synth.maxRssMb !== undefined)
      ? [panel("synth peak RSS", "MB", sorted, (point) => point.synth.maxRssMb!.median)]
      : []),
    ...(planned.length > 0 ? [panel("offline plan", "s", planned, (point) => point.planSeconds!)] : []),
  ];
  return panelChart({ title: "Cost against regions", xLabel: "regions", panels });
}

function scalingSection(points: readonly ScalingPoint[], charts: Record<string, string>): string[] {
  const sorted = [...points].sort((a, b) => a.regions - b.regions);
  const lines = [
    `## ${SECTION_TITLES[1]}`,
    "",
    "A settings file per size (the defaults with more regions), synthesized with `npm run synth`; counts and size are of the main stack's `cdk.tf.json`. " +
      "Plan: offline `terraform plan` of the main stack (the command alone, after init).",
    "",
    scalingTable(sorted),
    "",
  ];
  if (sorted.length < 2) return lines;
  charts[`${CHART_DIR}/scaling.svg`] = scalingChart(sorted);
  return [
    ...lines,
    ...growthLines(sorted),
    ...(sorted.length >= 3 ? linearFitLines(sorted) : []),
    `![Cost against regions](${CHART_DIR}/scaling.svg)`,
    "",
  ];
}

function terraformSection(stacks: readonly StackTerraformTimes[]): string[] {
  return [
    `## ${SECTION_TITLES[2]}`,
    "",
    "Offline, per stack of the default synth, through the harness the tests use (tools/terraform/offline-plan.ts): provider from the " +
      "filesystem mirror, local backend, fake credentials. A fresh work dir per run. Median (min–max) of the runs.",
    "",
    numbersTable(
      ["stack", "planned changes", ...TERRAFORM_STEPS.map((step) => (step === "show" ? "show -json" : step))],
      stacks.map((stack) => [
        `\`${stack.stack}\``,
        String(stack.plannedChanges),
        ...TERRAFORM_STEPS.map((step) => formatSpread(stack.steps[step], formatSeconds)),
      ]),
    ),
    "",
  ];
}

/** Our share against the budget (and the aim): when missed, by how much and the code size that would meet it. */
function loadBudgetLines(lambdas: LambdaResult): string[] {
  const over = lambdas.bundles.filter((bundle) => bundle.oursMs.median > BUNDLE_BUDGET.loadMs);
  const names = (bundles: readonly { handler: string }[]) => bundles.map((bundle) => `\`${bundle.handler}\``).join(", ");
  if (over.length === 0) {
    const aboveAim = lambdas.bundles.filter((bundle) => bundle.oursMs.median > LOAD_TARGET_MS);
    const aim =
      aboveAim.length === 0
        ? `all within the ${LOAD_TARGET_MS} ms aim`
        : `above the ${LOAD_TARGET_MS} ms aim: ${names(aboveAim)}`;
    return [`**Load budget met** on our share (${aim}).`, ""];
  }
  // Our share against code size, through the handlers measured here: ms per byte.
  const msPerByte =
    lambdas.bundles.reduce((sum, bundle) => sum + bundle.oursMs.median, 0) /
    lambdas.bundles.reduce((sum, bundle) => sum + bundle.codeBytes, 0);
  const worst = Math.max(...over.map((bundle) => bundle.oursMs.median));
  return [
    `**Load budget missed** on our share by up to ${formatMs(worst - BUNDLE_BUDGET.loadMs)} (${names(over)}). ` +
      `Our share follows code size here (about ${formatMs(msPerByte * 100 * 1024)} per 100 KB of \`index.mjs\`), so ${BUNDLE_BUDGET.loadMs} ms ` +
      `would take an \`index.mjs\` of about ${kb(BUNDLE_BUDGET.loadMs / msPerByte)}: most of each file is the AWS SDK's DynamoDB ` +
      "client and Powertools. Deferring a module inside the one file (a dynamic `import()`, which esbuild turns into a lazy " +
      "initialiser) also wraps every module it shares with the handler, the SDK's included, and made the file larger (below); " +
      "the levers left are code splitting (chunks in the zip, loaded on first use) or a lighter client.",
    "",
  ];
}

const bytes = (value: number) => value.toLocaleString("en-US");
const sizeChange = (change: { before: number; after: number } | undefined) =>
  change === undefined
    ? "–"
    : `${bytes(change.before)} → ${bytes(change.after)} (${signed(bytes(change.after - change.before))})`;

/** The committed record of size changes: one row per change and handler it measured. */
function bundleChangesLines(changes: readonly BundleChange[]): string[] {
  if (changes.length === 0) return [];
  const rows = changes.flatMap((change) =>
    HANDLER_NAMES.filter((handler) => change.zipBytes[handler] !== undefined || change.codeBytes[handler] !== undefined).map(
      (handler) => [
        change.change,
        change.commit,
        change.before,
        `\`${handler}\``,
        sizeChange(change.zipBytes[handler]),
        sizeChange(change.codeBytes[handler]),
      ],
    ),
  );
  return [
    `Bundle size changes, in bytes, as measured when each was made or tried (recorded in \`${BUNDLE_CHANGES_FILE}\`, not rebuilt by this run):`,
    "",
    markdownTable(["change", "commit", "before", "handler", "zip", "index.mjs"], rows, [
      "left",
      "left",
      "left",
      "left",
      "right",
      "right",
    ]),
    "",
  ];
}

function lambdasSection(lambdas: LambdaResult): string[] {
  return [
    `## ${SECTION_TITLES[3]}`,
    "",
    `Each handler's zip (esbuild, SDK bundled, deterministic zip) and its cold start in ${lambdas.bundles[0]?.oursMs.runs ?? 0} rounds of fresh processes ` +
      "(median (min–max)): **whole** is a `node` that imports the handler's `index.mjs` alone (extracted, no node_modules), spawn to exit; " +
      "**bare** the same `node` and flags importing nothing, in the same round (which of the two goes first alternates); **ours** = whole − bare, " +
      "the median of the rounds' differences: the share of a cold start the bundle adds, which the runtime's own start does not. " +
      `Budgets: zip ${BUNDLE_BUDGET.zipKb} KB; ${BUNDLE_BUDGET.loadMs} ms judged on ours (aim ${LOAD_TARGET_MS} ms).`,
    "",
    numbersTable(
      ["handler", "zip", "index.mjs", "whole", "bare", "ours"],
      lambdas.bundles.map((bundle) => [
        `\`${bundle.handler}\``,
        kb(bundle.zipBytes),
        kb(bundle.codeBytes),
        formatSpread(bundle.wholeMs, formatMs),
        formatSpread(bundle.bareMs, formatMs),
        formatSpread(bundle.oursMs, formatMs),
      ]),
    ),
    "",
    ...loadBudgetLines(lambdas),
    ...bundleChangesLines(lambdas.changes),
    "The local API (`npm run api:local`'s server in its own process, dynalite in memory) under load from this process on 127.0.0.1 " +
      "(fetch, keep-alive). Each level is a bounded number of requests; the GETs read 100-ticket pages of the table the POSTs filled.",
    "",
    numbersTable(
      ["request", "concurrency", "requests", "req/s", "p50", "p99", "unexpected status"],
      lambdas.load.map((row) => [
        row.request,
        String(row.concurrency),
        String(row.requests),
        row.requestsPerSecond.toFixed(0),
        formatMs(row.p50Ms),
        formatMs(row.p99Ms),
        String(row.unexpected),
      ]),
    ),
    "",
  ];
}

const LAMBDAS_HEADLINE_PREFIX = "- Lambda zips at most ";

/**
 * `markdown` (a BENCHMARKS.md) with section 4 and the headline's Lambda line measured anew
 * (`npm run bench -- --only lambdas`); the section says when and under which load, since the
 * rest of the file comes from another run.
 */
export function replaceLambdasSection(markdown: string, lambdas: LambdaResult, machine: MachineInfo): string {
  const title = `## ${SECTION_TITLES[3]}\n`;
  const start = markdown.indexOf(title);
  const end = markdown.indexOf("\n## ", start + title.length);
  if (start < 0 || end < 0) throw new Error(`no "${title.trim()}" section followed by another one to replace`);
  const [heading, blank, ...body] = lambdasSection(lambdas);
  const measured =
    `Measured apart from the rest of this file, by \`npm run bench -- --only lambdas\` on ${machine.startedAt.slice(0, 10)}: ` +
    `load average ${load(machine.loadAtStart)} (1/5/15 min) at the start (${loadVerdict(machine.loadAtStart[0], machine.cores)})` +
    `${machine.loadAtEnd === undefined ? "" : `, ${load(machine.loadAtEnd)} at the end`}, ${machine.cores} cores, Node ${machine.node}.`;
  const section = [heading, blank, measured, "", ...body].join("\n");
  const lines = `${markdown.slice(0, start)}${section}${markdown.slice(end)}`.split("\n");
  return lines.map((line) => (line.startsWith(LAMBDAS_HEADLINE_PREFIX) ? lambdasHeadline(lambdas) : line)).join("\n");
}

function testsSection(tests: TestsResult, cores: number): string[] {
  const row = (label: string, result: TestCommandResult | undefined) => {
    if (result === undefined) return [];
    const failed = result.failedRuns === 0 ? "" : ` **failed in ${result.failedRuns} of ${result.spread.wallSeconds.runs} runs**`;
    return [processRow(`${label}${failed}`, result.spread)];
  };
  const rows = [
    ...row(
      `\`npm test\` (type check, lint, every test, offline terraform plans; the first of ${NPM_TEST_RUNS} runs with ${TOOL_CACHES.map(codeSpan).join(" and ")} emptied)`,
      tests.npmTest,
    ),
    ...row(`\`npx jest ${UNIT_TEST_FILE}\` (one unit test file)`, tests.unitFile),
  ];
  const phases = tests.phases ?? [];
  const phaseRows = phases.flatMap(({ label, result }) => row(label, result));
  const cpu = phases.map(({ result }) => result.spread.cpuSeconds?.median);
  const cpuTotal = cpu.every((value) => value !== undefined) ? cpu.reduce((sum, value) => sum + value, 0) : undefined;
  return [
    `## ${SECTION_TITLES[4]}`,
    "",
    "Wall time as a developer runs them. Only `npm test` starts the terraform group, whose global setup synthesizes the " +
      "test configurations and plans them offline; tools/run-tests.mjs starts it first and runs the type check, lint and " +
      "the unit group beside it. A run with failing tests is timed too, and marked: it may have stopped early.",
    "",
    numbersTable(PROCESS_HEADER, rows),
    "",
    ...(phaseRows.length === 0
      ? []
      : [
          "Each phase of `npm test` alone, after those runs (warm caches), one after the other: where its CPU goes. " +
            (cpuTotal === undefined
              ? ""
              : `Together ${formatSeconds(cpuTotal)} of CPU: on ${cores} cores no schedule runs them in less than ` +
                `${formatSeconds(cpuTotal / cores)} of wall time.`),
          "",
          numbersTable(PROCESS_HEADER, phaseRows),
          "",
        ]),
  ];
}

function failoverSection(failover: FailoverResult): string[] {
  const lines = [
    `## ${SECTION_TITLES[5]}`,
    "",
    "Computed, not measured (no AWS account here), with the model of the failover drill's report (tools/drill/budget.ts); " +
      "`npm run drill` measures the real values on a deployment. Route 53's health checkers probe independently; each flags the " +
      "endpoint after `failureThreshold` failures in a row, and Route 53 treats it as down once no more than 18% of them still report " +
      'it healthy (evenly spread checkers get there at the "82% of checkers" column). AWS documents no figure for the spread and ' +
      "aggregation, so the budget allows one interval. Health is evaluated per DNS query, so no record change propagates; clients " +
      "then wait out the TTL of the answer they cached. The `api.` record is an alias to API Gateway's regional domain, whose TTL AWS " +
      "doesn't publish: 60 s is assumed (the Route 53 FAQ's advice for failover, and the fixed TTL of ELB and S3 website alias " +
      "targets); `dig api.<domain>` after a deploy shows the real one.",
    "",
    numbersTable(
      [
        "settings",
        "interval x threshold",
        "82% of checkers",
        "detection",
        "+ spread and aggregation",
        "Route 53 answers the standby",
        "+ TTL",
        "clients on the standby (RTO)",
      ],
      failover.budgets.map((budget) => [
        budget.name,
        `${budget.settings.requestInterval} s x ${budget.settings.failureThreshold}`,
        formatSeconds(budget.quorumSeconds),
        formatSeconds(budget.detectionSeconds),
        formatSeconds(budget.checkerSpreadSeconds),
        formatSeconds(budget.failoverSeconds),
        `${budget.recordTtlSeconds} s`,
        `**${formatSeconds(budget.clientFailoverSeconds)}**`,
      ]),
    ),
    "",
    "An unreachable region (rather than one that answers 503) adds up to 6 s per probe: a checker waits 4 s to connect and 2 s for the answer.",
    "",
    "The failover drill, from deciding to break the primary until clients reach the secondary, with the default settings. " +
      "The manual steps' durations are **estimates**, not measurements.",
    "",
  ];
  for (const drill of failover.drills) {
    lines.push(
      `**${drill.name}**: about ${formatSeconds(drillSeconds(drill))}`,
      "",
      numbersTable(
        ["step", "seconds", "basis"],
        drill.steps.map((step) => [step.step, String(step.seconds), step.basis]),
      ),
      "",
    );
  }
  return lines;
}

export function renderReport(results: BenchResults): Report {
  const charts: Record<string, string> = {};
  const lines = [
    ...header(results),
    ...headline(results),
    ...synthSection(results.synth, charts),
    ...(isSkipped(results.scaling) ? skippedLines(SECTION_TITLES[1], results.scaling) : scalingSection(results.scaling, charts)),
    ...(isSkipped(results.terraform) ? skippedLines(SECTION_TITLES[2], results.terraform) : terraformSection(results.terraform)),
    ...(isSkipped(results.lambdas) ? skippedLines(SECTION_TITLES[3], results.lambdas) : lambdasSection(results.lambdas)),
    ...(isSkipped(results.tests)
      ? skippedLines(SECTION_TITLES[4], results.tests)
      : testsSection(results.tests, results.machine.cores)),
    ...failoverSection(results.failover),
    "## Running it",
    "",
    "`npm run bench` (full, a few minutes) or `npm run bench -- --quick` (a reduced set, under a minute on an idle machine); " +
      "`npm run bench -- --only lambdas` measures section 4 alone and replaces it (and its headline line) in this file. " +
      "It writes this file and the charts in `bench/charts/`; the code is in `tools/bench/` (one file per section, `report.ts` writes this).",
    "",
  ];
  return { markdown: lines.join("\n"), charts };
}
