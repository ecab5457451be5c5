/**
 * Section 3: offline `terraform init`, `validate`, `plan` (and the `show -json` that reads the
 * plan) per stack of the default synth, through the same harness the tests use
 * (tools/terraform/: filesystem mirror of the provider, local backend, fake credentials).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type OfflinePlanStep, planOffline, synthesizedStacks } from "../terraform/offline-plan";
import type { TerraformToolchain } from "../terraform/toolchain";
import { type Spread, spreadOf } from "./measure";
import { npmSynth, synthEnv } from "./synth";

export const TERRAFORM_STEPS: readonly OfflinePlanStep[] = ["init", "validate", "plan", "show"];

export interface StackTerraformTimes {
  readonly stack: string;
  /** Seconds per step over the runs. */
  readonly steps: Readonly<Record<OfflinePlanStep, Spread>>;
  /** Resource changes in the plan (all creates on an empty state). */
  readonly plannedChanges: number;
}

export interface TerraformOptions {
  readonly runs: number;
  readonly toolchain: TerraformToolchain;
  readonly log: (line: string) => void;
}

export async function benchTerraform(options: TerraformOptions): Promise<StackTerraformTimes[]> {
  const scratch = mkdtempSync(join(tmpdir(), "bench-terraform-"));
  try {
    const outdir = join(scratch, "out");
    npmSynth(synthEnv(outdir));
    const results: StackTerraformTimes[] = [];
    for (const stack of synthesizedStacks(outdir)) {
      const seconds = Object.fromEntries(TERRAFORM_STEPS.map((step) => [step, [] as number[]])) as Record<
        OfflinePlanStep,
        number[]
      >;
      let plannedChanges = 0;
      for (let run = 0; run < options.runs; run += 1) {
        options.log(`terraform: ${stack}, run ${run + 1}/${options.runs}`);
        // A fresh work dir every run: init installs the provider from the mirror each time, as in CI.
        const result = await planOffline(options.toolchain, {
          sourceDir: join(outdir, "stacks", stack),
          workDir: join(scratch, `${stack}-${run}`),
          onStep: (step, ms) => seconds[step].push(ms / 1000),
        });
        plannedChanges = result.plan.resource_changes?.length ?? 0;
      }
      const steps = Object.fromEntries(TERRAFORM_STEPS.map((step) => [step, spreadOf(seconds[step])])) as Record<
        OfflinePlanStep,
        Spread
      >;
      results.push({ stack, steps, plannedChanges });
    }
    return results;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
