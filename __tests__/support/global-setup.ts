/**
 * Synthesizes every test configuration once and runs `terraform init`, `validate` and an
 * offline `plan` once per stack, in parallel; the test files read the results from
 * `.cache/test/`. Terraform missing fails the run when `CI` is set.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { planOffline, prepareToolchain, synthesizedStacks } from "../../tools/terraform";
import { planDir, SYNTH_CONFIGS, type SynthConfigName, synthOutdir, TERRAFORM_UNAVAILABLE, TEST_CACHE } from "./paths";
import { runSynth } from "./synth-cli";

export default async function globalSetup(): Promise<void> {
  rmSync(TEST_CACHE, { recursive: true, force: true });
  mkdirSync(TEST_CACHE, { recursive: true });

  const names = Object.keys(SYNTH_CONFIGS) as SynthConfigName[];
  for (const name of names) {
    const result = runSynth(synthOutdir(name), SYNTH_CONFIGS[name]);
    if (result.status !== 0) {
      throw new Error(`synth of the "${name}" test config failed:\n${result.stderr}${result.stdout}`);
    }
  }

  const toolchain = prepareToolchain(join(TEST_CACHE, "terraform"));
  if (toolchain === undefined) {
    if (process.env.CI) {
      throw new Error("terraform not found (set TERRAFORM_BIN or put it on PATH): CI needs it for validate and plan");
    }
    console.warn("\nterraform not found: the terraform validate/plan tests are skipped (they fail under CI).");
    writeFileSync(TERRAFORM_UNAVAILABLE, "terraform not found\n");
    return;
  }

  const jobs = names.flatMap((name) =>
    synthesizedStacks(synthOutdir(name)).map(async (stack) => {
      const workDir = planDir(name, stack);
      const result = await planOffline(toolchain, { sourceDir: join(synthOutdir(name), "stacks", stack), workDir });
      writeFileSync(join(workDir, "result.json"), JSON.stringify(result));
    }),
  );
  await Promise.all(jobs);
}
