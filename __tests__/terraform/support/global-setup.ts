/**
 * Synthesizes every test configuration once and runs `terraform init`, an offline `plan`
 * (-json: its diagnostics are what `terraform validate` would report) and `show -json` once
 * per stack, and once for the module roots as one root, in parallel; the test files read the
 * results from `.cache/test/`. Terraform missing fails the run when `CI` is set.
 *
 * Every terraform command here, and what only it proves (each one that loads the AWS
 * provider costs 4 to 9 s of CPU; no `terraform validate` runs: a plan validates first and
 * `plan -json` reports the same diagnostics, kept in OfflinePlanResult.diagnostics):
 *   - init + plan -json + show -json of each stack of PLANNED_STACKS: each configuration's
 *     plan (what terraform-plan.test.ts reads), no diagnostic (valid, no warning);
 *   - the README's `npm run plan` (its own init + plan + show): the command works as written,
 *     and its plan is the default `tickets` plan (so that stack is planned once, not twice);
 *   - init + plan + show of default/tickets against a failed-over state: an apply keeps a failover;
 *   - init + plan of the miswired fixture root: the module's region guard fails the plan (a
 *     failing plan can't share a root with the others);
 *   - init -lockfile=readonly + plan + show of the module roots as one root: the example's
 *     committed lock file satisfies init as it is, the archive downloads over HTTP and unpacks
 *     as built, and every root (example, examples/two-instances, fixture, archive) plans with
 *     no diagnostic of its own.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { loadConfig } from "../../../config/load";
import { buildTerraformModule, projectRelease } from "../../../tools/build-module/build";
import { writeTarball } from "../../../tools/build-module/tarball";
import { offlineOverride, planOffline } from "../../../tools/terraform/offline-plan";
import { prepareToolchain } from "../../../tools/terraform/toolchain";
import { failedOverState } from "./failed-over-state";
import { withArchiveRoot } from "./module-archive";
import {
  DERIVED_CONFIGS,
  FAILED_OVER_PLAN,
  MISWIRED_PLAN,
  MISWIRED_ROOT,
  MODULE_EXAMPLE_COPY,
  MODULE_EXAMPLE_VARS,
  MODULE_EXAMPLES_COPY,
  MODULE_ROOT_ALIASES,
  MODULE_ROOT_CHILDREN,
  MODULE_ROOTS_FIXTURES,
  MODULE_ROOTS_PLAN,
  MODULE_TEST_DIR,
  MODULE_TWO_INSTANCES_VARS,
  type ModuleRootChild,
  moduleTestTarball,
  PLAN_FAILURE_FILE,
  PROJECT_ROOT,
  PLANNED_STACKS,
  planDir,
  README_PLAN,
  SYNTH_CONFIGS,
  type SynthConfigName,
  synthOutdir,
  TERRAFORM_UNAVAILABLE,
  TEST_CACHE,
} from "./paths";
import { projectCopy } from "../../support/readme-commands";
import { shellEnv } from "../../support/shell-env";
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
    "\nterraform setup: synthesizing the test configurations, then init + offline plan + show of each stack and of the module roots, in parallel\n",
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

  const jobs = PLANNED_STACKS.map(({ config, stack }) =>
    reported(
      `${config}/${stack} planned`,
      planOffline(toolchain, {
        sourceDir: join(synthOutdir(config), "stacks", stack),
        workDir: planDir(config, stack),
        // The plan validates; its diagnostics (plan -json) are what `validate -json` would report.
        validate: false,
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
      validate: false,
    }),
  );

  // The alarms' provider wired to the wrong region: that plan must fail, so it is a root of its own.
  const miswired = reported(
    `module root ${MISWIRED_ROOT} planned (must fail)`,
    planOffline(toolchain, {
      sourceDir: join(MODULE_ROOTS_FIXTURES, MISWIRED_ROOT),
      workDir: MISWIRED_PLAN,
      providerAliases: MODULE_ROOT_ALIASES,
      extraFiles: [join(MODULE_ROOTS_FIXTURES, "providers.tf")],
      validate: false,
    }).then(
      () => writeFileSync(join(MISWIRED_PLAN, PLAN_FAILURE_FILE), ""),
      (error: Error) => writeFileSync(join(MISWIRED_PLAN, PLAN_FAILURE_FILE), error.message),
    ),
  );

  // The module roots that must plan, as one root (paths.ts, MODULE_ROOTS_PLAN): the example
  // (its committed lock file must satisfy init as it is: -lockfile=readonly, and the combined
  // root needs no other provider than the example's), the module's own examples/two-instances,
  // the fixture with two instances in one account, and the release archive served over HTTP.
  const moduleRoots = reported(
    "module roots planned as one (example, examples/two-instances, two-instances fixture, archive over HTTP)",
    withArchiveRoot(tarball, async () => {
      cpSync(join(MODULE_ROOTS_FIXTURES, "two-instances"), MODULE_ROOT_CHILDREN.twoInstancesFixture, { recursive: true });
      cpSync(join(MODULE_ROOTS_FIXTURES, "providers.tf"), join(MODULE_ROOT_CHILDREN.twoInstancesFixture, "providers.tf"));
      // Fake credentials for each child's own providers; the backend is the combined root's.
      const { provider } = offlineOverride(MODULE_ROOT_ALIASES);
      for (const dir of Object.values(MODULE_ROOT_CHILDREN)) {
        writeFileSync(join(dir, "offline_override.tf.json"), JSON.stringify({ provider }, null, 2));
      }
      const source = `${MODULE_ROOTS_PLAN}-source`;
      mkdirSync(source, { recursive: true });
      writeFileSync(join(source, "main.tf.json"), JSON.stringify(moduleRootsConfig(source), null, 2));
      cpSync(join(MODULE_EXAMPLE_COPY, ".terraform.lock.hcl"), join(source, ".terraform.lock.hcl"));
      return planOffline(toolchain, {
        sourceDir: source,
        workDir: MODULE_ROOTS_PLAN,
        providerAliases: [],
        validate: false,
        lockfile: "readonly",
      });
    }),
  );

  const readmePlan = reported(`default/tickets planned by the README's \`${README_PLAN.command}\` in a copy`, runReadmePlan());

  await Promise.all([...jobs, readmePlan, failedOver, miswired, moduleRoots]);
}

/**
 * The README's `npm run plan`, as written, through a shell in a copy of the project (as
 * readme-terraform-commands.test.ts runs the README's commands); that test checks the result.
 */
async function runReadmePlan(): Promise<void> {
  const cwd = projectCopy("readme-plan-");
  const child = spawn("sh", ["-c", README_PLAN.command], { cwd, env: shellEnv() });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const planned = join(cwd, "dist", "plan", "tickets");
  const result = {
    command: README_PLAN.command,
    status,
    stdout: Buffer.concat(stdout).toString(),
    stderr: Buffer.concat(stderr).toString(),
    wrote: existsSync(planned) ? readdirSync(planned).sort() : [],
  };
  writeFileSync(README_PLAN.resultFile, JSON.stringify(result));
  if (existsSync(planned)) cpSync(planned, README_PLAN.outDir, { recursive: true });
  rmSync(dirname(cwd), { recursive: true, force: true });
  if (status !== 0) throw new Error(`${README_PLAN.command} failed in ${cwd}:\n${result.stderr}${result.stdout}`);
}

/** The combined root: each child root as a module, its variables as arguments, its outputs as one output. */
function moduleRootsConfig(sourceDir: string): Record<string, unknown> {
  const args: Record<ModuleRootChild, Record<string, string>> = {
    native: MODULE_EXAMPLE_VARS,
    twoInstancesExample: MODULE_TWO_INSTANCES_VARS,
    twoInstancesFixture: {},
    archive: {},
  };
  const children = Object.keys(MODULE_ROOT_CHILDREN) as ModuleRootChild[];
  return {
    "//": "Written by the terraform test setup: the module roots that must plan, planned as one.",
    module: Object.fromEntries(
      children.map((child) => [child, { source: `./${relative(sourceDir, MODULE_ROOT_CHILDREN[child])}`, ...args[child] }]),
    ),
    output: Object.fromEntries(children.map((child) => [child, { value: `\${module.${child}}` }])),
  };
}
