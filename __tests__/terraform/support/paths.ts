import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../../bundling/project-root";
import type { Plan } from "../../../tools/plan-summary/plan-schema";
import { type OfflinePlanResult, readOfflineResult } from "../../../tools/terraform/offline-plan";

export { PROJECT_ROOT };
/** Everything the global setup produces, shared by the test files of one run. */
export const TEST_CACHE = join(PROJECT_ROOT, ".cache", "test");

const THREE_REGIONS_FIXTURE = join(PROJECT_ROOT, "__tests__", "fixtures", "three-regions.json");

/** The configurations the global setup synthesizes and plans (`undefined`: the built-in defaults). */
export const SYNTH_CONFIGS = {
  default: undefined,
  threeRegions: THREE_REGIONS_FIXTURE,
  threeRegionsActiveActive: join(TEST_CACHE, "three-regions-active-active.json"),
} as const;

/** Configurations the global setup writes before synth: a fixture with some keys changed. */
export const DERIVED_CONFIGS: readonly { path: string; from: string; changes: Record<string, unknown> }[] = [
  { path: SYNTH_CONFIGS.threeRegionsActiveActive, from: THREE_REGIONS_FIXTURE, changes: { routing: "active-active" } },
];
export type SynthConfigName = keyof typeof SYNTH_CONFIGS;

/**
 * The stacks the global setup plans offline. No `terraform validate`: a plan validates first
 * and `plan -json` reports the same diagnostics (OfflinePlanResult.diagnostics), so a
 * separate validate would only load the AWS provider's schema once more (4 to 5 s of CPU,
 * like every terraform command that loads it): only what a test reads is planned.
 */
export const PLANNED_STACKS: readonly { config: SynthConfigName; stack: string }[] = [
  // default/tickets: planned by the README's `npm run plan` (README_PLAN below).
  { config: "default", stack: "tickets-state" },
  { config: "threeRegions", stack: "tickets" },
  { config: "threeRegionsActiveActive", stack: "tickets" },
  // With a state replica in another region.
  { config: "threeRegions", stack: "tickets-state" },
];

/**
 * The `tickets` stack (default config) planned against a state whose primary is failed over
 * (support/failed-over-state.ts): its plan is read as this pseudo stack name.
 */
export const FAILED_OVER_PLAN = "tickets-failed-over";

/**
 * The README's `npm run plan` (the `tickets` stack, built-in defaults), run as written by the
 * global setup in a copy of the project: its plan is the default `tickets` plan the tests
 * read, so that stack is planned once, not once by the setup and again by the README test.
 */
export const README_PLAN = {
  command: "npm run plan",
  /** `{ command, status, stdout, stderr, wrote }` of the run; `wrote`: what it left in dist/plan/tickets/. */
  resultFile: join(TEST_CACHE, "readme-npm-run-plan.json"),
  /**
   * The copy's dist/plan/tickets/, moved here (the copy is a temp folder, since a copy can't
   * be inside the project, and is removed): tfplan, plan.json, the summary and terraform/.
   */
  outDir: join(TEST_CACHE, "readme-npm-run-plan"),
} as const;

export const synthOutdir = (config: SynthConfigName) => join(TEST_CACHE, "synth", config);
export const planDir = (config: SynthConfigName, stack: string) =>
  config === "default" && stack === "tickets"
    ? // Where `npm run plan` planned it (tools/plan/plan-stack.ts: <out>/terraform).
      join(README_PLAN.outDir, "terraform")
    : join(TEST_CACHE, "terraform", config, stack);

/** Written by the global setup when terraform is missing and `CI` is not set. */
export const TERRAFORM_UNAVAILABLE = join(TEST_CACHE, "terraform-unavailable");

/** The offline plan of one stack (and its diagnostics), as the global setup left them. */
export function readOfflinePlan(config: SynthConfigName, stack: string): OfflinePlanResult {
  return readOfflineResult(planDir(config, stack));
}

/** The synthesized Terraform JSON of one stack. */
export function readStackJson(config: SynthConfigName, stack: string): Record<string, any> {
  return JSON.parse(readFileSync(join(synthOutdir(config), "stacks", stack, "cdk.tf.json"), "utf8")) as Record<string, any>;
}

/** The plain Terraform module and a copy of examples/terraform-native beside it. */
export const MODULE_TEST_ROOT = join(TEST_CACHE, "module");
export const MODULE_TEST_DIR = join(MODULE_TEST_ROOT, "dist", "terraform-module");
export const MODULE_EXAMPLE_COPY = join(MODULE_TEST_ROOT, "examples", "terraform-native");
/** The release archive of that module, as `npm run build:module` names it beside the folder. */
export const moduleTestTarball = (version: string) => join(MODULE_TEST_ROOT, "dist", `terraform-module-${version}.tgz`);
/** A root module that sources the archive over HTTP (written by the setup), and the URL it was served at. */
export const MODULE_ARCHIVE_ROOT = join(MODULE_TEST_ROOT, "archive-root");
export const ARCHIVE_RESULT_FILE = join(MODULE_ARCHIVE_ROOT, "archive-result.json");
/** What the test plan passes to the example's variables. */
export const MODULE_EXAMPLE_VARS = { domain_name: "tickets.example.net", hosted_zone_id: "ZMODULEEXAMPLE1" };

/** The `aws` aliases every root module that calls the module declares: one per region of the module, and us-east-1. */
export const MODULE_ROOT_ALIASES = ["eu-west-1", "ap-southeast-1", "us-east-1"] as const;

/** Root modules under __tests__/fixtures/module-roots/ that call the module. */
export const MODULE_ROOTS_FIXTURES = join(PROJECT_ROOT, "__tests__", "fixtures", "module-roots");
/** Where the global setup copies a fixture root (beside the example, so `../../dist/terraform-module` resolves). */
export const moduleRootCopy = (root: string) => join(MODULE_TEST_ROOT, "examples", root);
/** The fixture root whose plan must fail, where it was planned, and where its error is left. */
export const MISWIRED_ROOT = "miswired-alarm-provider";
export const MISWIRED_PLAN = join(MODULE_TEST_ROOT, "examples", `${MISWIRED_ROOT}-plan`);
export const PLAN_FAILURE_FILE = "plan-failure.txt";

/**
 * A copy of the built module for examples/two-instances (its `../..` source must be the
 * module), so the module folder itself stays as built (the archive tests compare it file for file).
 */
export const MODULE_EXAMPLES_COPY = join(MODULE_TEST_ROOT, "examples-copy", "terraform-module");
/** What the test plan passes to examples/two-instances' variables. */
export const MODULE_TWO_INSTANCES_VARS = { domain_name: "example.net", hosted_zone_id: "ZTWOINSTANCES01" };

/**
 * The module roots that must plan, planned as one: a root whose child modules are those
 * roots, each as it is (its own providers, with fake credentials from an override file
 * beside it), so one `terraform init`, `plan` and `show` load the AWS provider's schema
 * instead of four of each (and two validates). Key: the child's name in that root.
 */
export const MODULE_ROOTS_PLAN = join(MODULE_TEST_ROOT, "examples", "plan");
export const MODULE_ROOT_CHILDREN = {
  /** examples/terraform-native, with MODULE_EXAMPLE_VARS. */
  native: MODULE_EXAMPLE_COPY,
  /** The module's examples/two-instances, with MODULE_TWO_INSTANCES_VARS. */
  twoInstancesExample: join(MODULE_EXAMPLES_COPY, "examples", "two-instances"),
  /** __tests__/fixtures/module-roots/two-instances. */
  twoInstancesFixture: moduleRootCopy("two-instances"),
  /** The root that sources the release archive over HTTP. */
  archive: MODULE_ARCHIVE_ROOT,
} as const;
export type ModuleRootChild = keyof typeof MODULE_ROOT_CHILDREN;

/**
 * The plan of one child of MODULE_ROOTS_PLAN as if it had been planned on its own: its
 * resource changes with the `module.<child>.` prefix taken off, its configuration as the root
 * module, and its outputs (the combined root outputs each child whole).
 */
export function moduleRootPlan(child: ModuleRootChild): Plan {
  const { plan } = readOfflineResult(MODULE_ROOTS_PLAN);
  const prefix = `module.${child}.`;
  const outputs = (plan.output_changes?.[child]?.after ?? {}) as Record<string, unknown>;
  return {
    ...plan,
    resource_changes: (plan.resource_changes ?? [])
      .filter((change) => change.address.startsWith(prefix))
      .map((change) => {
        const moduleAddress = (change as { module_address?: string }).module_address;
        return {
          ...change,
          address: change.address.slice(prefix.length),
          ...(moduleAddress === undefined ? {} : { module_address: moduleAddress.slice(prefix.length) }),
        };
      }),
    output_changes: Object.fromEntries(Object.entries(outputs).map(([name, after]) => [name, { actions: ["create"], after }])),
    configuration: asRoot(child, {
      provider_config: Object.fromEntries(
        Object.entries(plan.configuration?.provider_config ?? {}).filter(([key]) => key.startsWith(`module.${child}:`)),
      ),
      root_module: (plan.configuration?.root_module as { module_calls: Record<string, { module: unknown }> }).module_calls[child]!
        .module,
    }),
  } as Plan;
}

/**
 * A child's configuration with the keys of its provider configurations as in a root of its
 * own: `module.<child>:aws.eu-west-1` is `aws.eu-west-1`, `module.<child>.module.x:aws` is `module.x:aws`.
 */
function asRoot(child: string, configuration: object): Plan["configuration"] {
  return JSON.parse(
    JSON.stringify(configuration).replaceAll(`"module.${child}:`, '"').replaceAll(`"module.${child}.`, '"'),
  ) as Plan["configuration"];
}

/**
 * The diagnostics of the combined module roots' plan that would also be reported for each
 * root planned on its own. Left out: "Redundant empty provider block", which Terraform
 * reports only for provider blocks in a child module (a root's own provider blocks are never
 * checked for it), so only because the roots are children here.
 */
export function moduleRootsDiagnostics(): OfflinePlanResult["diagnostics"] {
  return readOfflineResult(MODULE_ROOTS_PLAN).diagnostics.filter(
    (diagnostic) => !(diagnostic.severity === "warning" && diagnostic.summary === "Redundant empty provider block"),
  );
}
