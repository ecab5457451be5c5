import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../../build/project-root";
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
 * The stacks the global setup plans offline, and which of them it also runs `terraform
 * validate -json` on (a plan validates too; this is the command a reviewer runs by hand).
 * Every terraform command loads the AWS provider's schema, 4 to 5 s of CPU: only what a
 * test reads is planned.
 */
export const PLANNED_STACKS: readonly { config: SynthConfigName; stack: string; validate: boolean }[] = [
  { config: "default", stack: "tickets", validate: true },
  { config: "default", stack: "tickets-state", validate: true },
  { config: "threeRegions", stack: "tickets", validate: false },
  { config: "threeRegionsActiveActive", stack: "tickets", validate: false },
  // With a state replica in another region.
  { config: "threeRegions", stack: "tickets-state", validate: false },
];

/**
 * The `tickets` stack (default config) planned against a state whose primary is failed over
 * (support/failed-over-state.ts): its plan is read as this pseudo stack name.
 */
export const FAILED_OVER_PLAN = "tickets-failed-over";

export const synthOutdir = (config: SynthConfigName) => join(TEST_CACHE, "synth", config);
export const planDir = (config: SynthConfigName, stack: string) => join(TEST_CACHE, "terraform", config, stack);

/** Written by the global setup when terraform is missing and `CI` is not set. */
export const TERRAFORM_UNAVAILABLE = join(TEST_CACHE, "terraform-unavailable");

/** `terraform validate` and offline plan of one stack, as the global setup left them. */
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
/** Same depth as the example, so its `../../dist/terraform-module` source resolves. */
export const MODULE_EXAMPLE_PLAN = join(MODULE_TEST_ROOT, "examples", "plan");
/** The release archive of that module, as `npm run build:module` names it beside the folder. */
export const moduleTestTarball = (version: string) => join(MODULE_TEST_ROOT, "dist", `terraform-module-${version}.tgz`);
/** A root module that sources the archive over HTTP, and where terraform validated it. */
export const MODULE_ARCHIVE_ROOT = join(MODULE_TEST_ROOT, "archive-root");
export const MODULE_ARCHIVE_VALIDATED = join(MODULE_TEST_ROOT, "archive-root-validated");
/** `terraform validate -json` of that root, and the URL the module came from. */
export const ARCHIVE_RESULT_FILE = "archive-result.json";
/** What the test plan passes to the example's variables. */
export const MODULE_EXAMPLE_VARS = { domain_name: "tickets.example.net", hosted_zone_id: "ZMODULEEXAMPLE1" };

/** Root modules under __tests__/fixtures/module-roots/ that call the module. */
export const MODULE_ROOTS_FIXTURES = join(PROJECT_ROOT, "__tests__", "fixtures", "module-roots");
export const MODULE_ROOTS = ["two-instances", "miswired-alarm-provider"] as const;
export type ModuleRoot = (typeof MODULE_ROOTS)[number];
/** Same depth as the example, so `../../dist/terraform-module` resolves. */
export const moduleRootPlanDir = (root: ModuleRoot) => join(MODULE_TEST_ROOT, "examples", `${root}-plan`);
/** Where the global setup leaves the error of a plan that failed. */
export const PLAN_FAILURE_FILE = "plan-failure.txt";

/**
 * A copy of the built module for examples/two-instances (its `../..` source must be the
 * module), planned in its own folder inside the copy, so the module folder itself stays as
 * built (the archive tests compare it file for file).
 */
export const MODULE_EXAMPLES_COPY = join(MODULE_TEST_ROOT, "examples-copy", "terraform-module");
export const MODULE_TWO_INSTANCES_PLAN = join(MODULE_EXAMPLES_COPY, "examples", "two-instances-plan");
/** What the test plan passes to examples/two-instances' variables. */
export const MODULE_TWO_INSTANCES_VARS = { domain_name: "example.net", hosted_zone_id: "ZTWOINSTANCES01" };
