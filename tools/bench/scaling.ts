/**
 * Section 2: how synth and plan cost grow with the number of regions. A config per size (the
 * built-in defaults with 2, 3, 5 or 8 regions) is written to a scratch folder, synthesized
 * with `npm run synth`, and the main stack's JSON measured; the smaller sizes are also planned
 * offline.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULTS } from "../../config/schema";
import { STACK_NAMES } from "../../stacks/app";
import { planOffline } from "../terraform/offline-plan";
import type { TerraformToolchain } from "../terraform/toolchain";
import { type ProcessRun, type ProcessSpread, processSpreadOf } from "./measure";
import { npmSynth, synthEnv } from "./synth";

/** Regions in the order the generated configs take them; the first two are the defaults. */
export const SCALING_REGIONS = [
  { name: "eu-west-1", label: "ireland" },
  { name: "ap-southeast-1", label: "singapore" },
  { name: "us-west-2", label: "oregon" },
  { name: "eu-central-1", label: "frankfurt" },
  { name: "ap-northeast-1", label: "tokyo" },
  { name: "sa-east-1", label: "saopaulo" },
  { name: "ca-central-1", label: "montreal" },
  { name: "ap-south-1", label: "mumbai" },
] as const;

export interface ScalingPoint {
  readonly regions: number;
  readonly synth: ProcessSpread;
  /** Managed resources in the main stack's cdk.tf.json. */
  readonly resources: number;
  readonly resourcesByType: Readonly<Record<string, number>>;
  readonly providers: number;
  /** Size of the main stack's cdk.tf.json. */
  readonly jsonBytes: number;
  /** Offline `terraform plan` of the main stack (the command alone, after init). */
  readonly planSeconds?: number;
}

export interface ScalingOptions {
  readonly sizes: readonly number[];
  readonly runs: number;
  /** Sizes to plan offline; needs `toolchain`. */
  readonly planSizes: readonly number[];
  readonly toolchain: TerraformToolchain | undefined;
  readonly log: (line: string) => void;
}

/** The settings file for `regions` regions: the defaults with more regions. */
export function scalingConfig(regions: number): Record<string, unknown> {
  if (regions < 2 || regions > SCALING_REGIONS.length) {
    throw new Error(`scaling: regions must be 2..${SCALING_REGIONS.length}, got ${regions}`);
  }
  return { ...DEFAULTS, regions: SCALING_REGIONS.slice(0, regions) };
}

interface StackJson {
  resource?: Record<string, Record<string, unknown>>;
  provider?: Record<string, unknown[]>;
}

/** Resource counts of one synthesized stack. */
export function countResources(stack: StackJson): {
  resources: number;
  resourcesByType: Record<string, number>;
  providers: number;
} {
  const resourcesByType = Object.fromEntries(
    Object.entries(stack.resource ?? {}).map(([type, byName]) => [type, Object.keys(byName).length]),
  );
  return {
    resources: Object.values(resourcesByType).reduce((sum, count) => sum + count, 0),
    resourcesByType,
    providers: Object.values(stack.provider ?? {}).reduce((sum, blocks) => sum + blocks.length, 0),
  };
}

export async function benchScaling(options: ScalingOptions): Promise<ScalingPoint[]> {
  const scratch = mkdtempSync(join(tmpdir(), "bench-scaling-"));
  try {
    const points: ScalingPoint[] = [];
    for (const regions of options.sizes) {
      const configFile = join(scratch, `regions-${regions}.json`);
      writeFileSync(configFile, JSON.stringify(scalingConfig(regions), null, 2));
      const outdir = join(scratch, `out-${regions}`);
      const env = synthEnv(outdir, configFile);
      npmSynth(env); // warm-up: the same caches a second synth finds
      const runs: ProcessRun[] = [];
      for (let run = 0; run < options.runs; run += 1) {
        options.log(`scaling: ${regions} regions, synth ${run + 1}/${options.runs}`);
        runs.push(npmSynth(env));
      }
      const stackDir = join(outdir, "stacks", STACK_NAMES.tickets);
      const stackFile = join(stackDir, "cdk.tf.json");
      const counts = countResources(JSON.parse(readFileSync(stackFile, "utf8")) as StackJson);

      let planSeconds: number | undefined;
      if (options.toolchain !== undefined && options.planSizes.includes(regions)) {
        options.log(`scaling: ${regions} regions, offline plan`);
        await planOffline(options.toolchain, {
          sourceDir: stackDir,
          workDir: join(scratch, `plan-${regions}`),
          validate: false,
          onStep: (step, ms) => {
            if (step === "plan") planSeconds = ms / 1000;
          },
        });
      }
      points.push({
        regions,
        synth: processSpreadOf(runs),
        ...counts,
        jsonBytes: statSync(stackFile).size,
        ...(planSeconds === undefined ? {} : { planSeconds }),
      });
    }
    return points;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** What one added region costs between two measured sizes. */
export interface GrowthStep {
  readonly from: number;
  readonly to: number;
  readonly perRegion: {
    readonly resources: number;
    readonly jsonKb: number;
    readonly synthSeconds: number;
    readonly cpuSeconds?: number;
    readonly maxRssMb?: number;
  };
}

/** Per-region increments between consecutive sizes (sorted by region count). */
export function growthOf(points: readonly ScalingPoint[]): GrowthStep[] {
  const sorted = [...points].sort((a, b) => a.regions - b.regions);
  return sorted.slice(1).map((to, index) => {
    const from = sorted[index]!;
    const regions = to.regions - from.regions;
    const per = (a: number | undefined, b: number | undefined) =>
      a === undefined || b === undefined ? undefined : (b - a) / regions;
    const cpuSeconds = per(from.synth.cpuSeconds?.median, to.synth.cpuSeconds?.median);
    const maxRssMb = per(from.synth.maxRssMb?.median, to.synth.maxRssMb?.median);
    return {
      from: from.regions,
      to: to.regions,
      perRegion: {
        resources: (to.resources - from.resources) / regions,
        jsonKb: (to.jsonBytes - from.jsonBytes) / 1024 / regions,
        synthSeconds: (to.synth.wallSeconds.median - from.synth.wallSeconds.median) / regions,
        ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
        ...(maxRssMb === undefined ? {} : { maxRssMb }),
      },
    };
  });
}

/** Resource types whose count changes between the two smallest sizes, per added region. */
export function resourcesPerRegion(points: readonly ScalingPoint[]): Record<string, number> {
  const [small, large] = [...points].sort((a, b) => a.regions - b.regions);
  if (small === undefined || large === undefined) return {};
  const regions = large.regions - small.regions;
  const types = new Set([...Object.keys(small.resourcesByType), ...Object.keys(large.resourcesByType)]);
  return Object.fromEntries(
    [...types]
      .map((type) => [type, ((large.resourcesByType[type] ?? 0) - (small.resourcesByType[type] ?? 0)) / regions] as const)
      .filter(([, perRegion]) => perRegion !== 0)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  );
}

/** Least-squares line y = intercept + slope * x, with R² (1 when every point is on it). */
export function linearFit(points: readonly { x: number; y: number }[]): { intercept: number; slope: number; r2: number } {
  if (points.length < 2) throw new Error("linearFit needs at least two points");
  const n = points.length;
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / n;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / n;
  const sxx = points.reduce((sum, point) => sum + (point.x - meanX) ** 2, 0);
  const sxy = points.reduce((sum, point) => sum + (point.x - meanX) * (point.y - meanY), 0);
  if (sxx === 0) throw new Error("linearFit needs at least two different x values");
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const total = points.reduce((sum, point) => sum + (point.y - meanY) ** 2, 0);
  const residual = points.reduce((sum, point) => sum + (point.y - (intercept + slope * point.x)) ** 2, 0);
  return { intercept, slope, r2: total === 0 ? 1 : 1 - residual / total };
}
