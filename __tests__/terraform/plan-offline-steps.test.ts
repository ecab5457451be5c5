/** `planOffline` reports each terraform command's wall time, in order, through `onStep`. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type OfflinePlanStep, planOffline } from "../../tools/terraform/offline-plan";
import { prepareToolchain } from "../../tools/terraform/toolchain";
import { describeWithTerraform } from "./support/terraform-tests";

describeWithTerraform("planOffline onStep", () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "plan-offline-steps-"));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** A configuration without providers: every terraform command is quick. */
  function sourceDir(): string {
    const dir = join(scratch, "source");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ output: { answer: { value: 42 } } }));
    return dir;
  }

  test.each([
    [true, ["init", "validate", "plan", "show"]],
    [false, ["init", "plan", "show"]],
  ] as const)("validate %s: one call per command run, in order, with its milliseconds", async (validate, expected) => {
    const toolchain = prepareToolchain(join(scratch, "toolchain"))!;
    const steps: [OfflinePlanStep, number][] = [];
    const started = performance.now();

    const result = await planOffline(toolchain, {
      sourceDir: sourceDir(),
      workDir: join(scratch, `work-${validate}`),
      providerAliases: [],
      validate,
      onStep: (step, ms) => steps.push([step, ms]),
    });

    expect(steps.map(([step]) => step)).toEqual(expected);
    const total = performance.now() - started;
    for (const [, ms] of steps) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(total);
    }
    expect(result.plan.output_changes?.answer?.after).toBe(42);
  });
});
