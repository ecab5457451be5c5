/**
 * Synthesizes every test configuration once and runs `terraform init`, `validate` and an
 * offline `plan` once per stack, in parallel; the test files read the results from
 * `.cache/test/`. Terraform missing fails the run when `CI` is set.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { loadConfig } from "../../../config/load";
import { buildTerraformModule, projectRelease } from "../../../tools/build-module/build";
import { writeTarball } from "../../../tools/build-module/tarball";
import { planOffline } from "../../../tools/terraform/offline-plan";
import { prepareToolchain } from "../../../tools/terraform/toolchain";
import { failedOverState } from "./failed-over-state";
import { validateArchiveSource } from "./module-archive";
import {
  DERIVED_CONFIGS,
  FAILED_OVER_PLAN,
  MODULE_EXAMPLE_COPY,
  MODULE_EXAMPLE_PLAN,
  MODULE_EXAMPLE_VARS,
  MODULE_EXAMPLES_COPY,
  MODULE_ROOTS,
  MODULE_ROOTS_FIXTURES,
  MODULE_TEST_DIR,
  MODULE_TWO_INSTANCES_PLAN,
  MODULE_TWO_INSTANCES_VARS,
  moduleRootPlanDir,
  moduleTestTarball,
  PLAN_FAILURE_FILE,
  PROJECT_ROOT,
  PLANNED_STACKS,
  planDir,
  SYNTH_CONFIGS,
  type SynthConfigName,
  synthOutdir,
  TERRAFORM_UNAVAILABLE,
  TEST_CACHE,
} from "./paths";
import { runSynth } from "../../support/synth-cli";

/** One line per finished job, so a long terraform phase shows what it is doing. */
async function reported<T>(label: string, job: Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await job;
  process.stderr.write(`  terraform setup: ${label} (${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)\n`);
  return result;
}

export default async function globalSetup(): Promise<void> {
  process.stderr.write(
    "\nterraform setup: synthesizing the test configurations, then init + validate + offline plan of each stack, in parallel\n",
  );
  rmSync(TEST_CACHE, { recursive: true, force: true });
  mkdirSync(TEST_CACHE, { recursive: true });

  for (const { path, from, changes } of DERIVED_CONFIGS) {
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(from, "utf8")), ...changes }));
  }
  const names = Object.keys(SYNTH_CONFIGS) as SynthConfigName[];
  for (const name of names) {
    const result = runSynth(synthOutdir(name), SYNTH_CONFIGS[name]);
    if (result.status !== 0) {
      throw new Error(`synth of the "${name}" test config failed:\n${result.stderr}${result.stdout}`);
    }
  }

  const moduleJson = buildTerraformModule(loadConfig({}), MODULE_TEST_DIR);
  const tarball = writeTarball(MODULE_TEST_DIR, moduleTestTarball(projectRelease().version)).path;
  // Without a developer's own `.terraform/` (providers are hundreds of MB); with the lock file.
  cpSync(join(PROJECT_ROOT, "examples", "terraform-native"), MODULE_EXAMPLE_COPY, {
    recursive: true,
    filter: (src) => basename(src) !== ".terraform",
  });
  writeFileSync(join(TEST_CACHE, "module.json"), JSON.stringify(moduleJson));
  cpSync(MODULE_TEST_DIR, MODULE_EXAMPLES_COPY, { recursive: true });

  const toolchain = prepareToolchain(join(TEST_CACHE, "terraform"));
  if (toolchain === undefined) {
    if (process.env.CI) {
      throw new Error("terraform not found (set TERRAFORM_BIN or put it on PATH): CI needs it for validate and plan");
    }
    console.warn("\nterraform not found: the terraform validate/plan tests are skipped (they fail under CI).");
    writeFileSync(TERRAFORM_UNAVAILABLE, "terraform not found\n");
    return;
  }

  const jobs = PLANNED_STACKS.map(({ config, stack, validate }) =>
    reported(
      `${config}/${stack} planned`,
      planOffline(toolchain, {
        sourceDir: join(synthOutdir(config), "stacks", stack),
        workDir: planDir(config, stack),
        validate,
      }),
    ),
  );
  // A deployment whose primary is failed over: the plan must leave its inverted check alone.
  const ticketsDir = join(synthOutdir("default"), "stacks", "tickets");
  const ticketsJson = JSON.parse(readFileSync(join(ticketsDir, "cdk.tf.json"), "utf8")) as Record<string, any>;
  const failedOver = reported(
    "default/tickets planned against a failed-over state",
    planOffline(toolchain, {
      sourceDir: ticketsDir,
      workDir: planDir("default", FAILED_OVER_PLAN),
      state: failedOverState(ticketsJson, { label: "ireland", fqdn: "ireland.example.com" }),
      // Planned above already: the plan validates this one.
      validate: false,
    }),
  );
  const moduleExample = reported(
    "module example planned",
    planOffline(toolchain, {
      sourceDir: MODULE_EXAMPLE_COPY,
      workDir: MODULE_EXAMPLE_PLAN,
      providerAliases: ["eu-west-1", "ap-southeast-1", "us-east-1"],
      vars: MODULE_EXAMPLE_VARS,
      // The plan validates the example; a separate `terraform validate` would load the provider once more.
      validate: false,
      // The example's committed lock file must satisfy init as it is.
      lockfile: "readonly",
    }),
  );

  // Roots that use the module the way a Terraform team would: twice in one account, and once
  // with the alarms' provider wired to the wrong region (that plan must fail).
  const moduleRoots = MODULE_ROOTS.map((root) =>
    reported(
      `module root ${root} planned`,
      planOffline(toolchain, {
        sourceDir: join(MODULE_ROOTS_FIXTURES, root),
        workDir: moduleRootPlanDir(root),
        providerAliases: ["eu-west-1", "ap-southeast-1", "us-east-1"],
        extraFiles: [join(MODULE_ROOTS_FIXTURES, "providers.tf")],
        validate: false,
      }).catch((error: Error) => writeFileSync(join(moduleRootPlanDir(root), PLAN_FAILURE_FILE), error.message)),
    ),
  );

  // The module's own example, from a copy of the module: init, validate (no warning) and plan.
  const twoInstances = reported(
    "module's examples/two-instances planned",
    planOffline(toolchain, {
      sourceDir: join(MODULE_EXAMPLES_COPY, "examples", "two-instances"),
      workDir: MODULE_TWO_INSTANCES_PLAN,
      providerAliases: ["eu-west-1", "ap-southeast-1", "us-east-1"],
      vars: MODULE_TWO_INSTANCES_VARS,
    }),
  );

  await Promise.all([
    ...jobs,
    failedOver,
    moduleExample,
    twoInstances,
    ...moduleRoots,
    reported("module archive validated from HTTP", validateArchiveSource(toolchain, tarball)),
  ]);
}
