/**
 * Real Terraform plans for the plan-summary tests: each folder under
 * `__tests__/fixtures/plan-summary/` is planned offline against its crafted prior state
 * (`prior-state.ts`), once per test run, and the tests read `<cacheDir>/<fixture>/plan.json`.
 */
import { join } from "node:path";
import { planOffline, type TerraformToolchain } from "../../../tools/terraform";
import { PRIOR_STATES } from "../../fixtures/plan-summary/prior-state";
import { PROJECT_ROOT, TEST_CACHE } from "./paths";

export const PLAN_SUMMARY_FIXTURES = join(PROJECT_ROOT, "__tests__", "fixtures", "plan-summary");

/** Where the global setup leaves the plans (the `cacheDir` it passes to `buildPlanFixtures`). */
export const PLAN_SUMMARY_CACHE = join(TEST_CACHE, "plan-summary");

/** Fixture folders and what their plan shows. */
export const PLAN_FIXTURES = {
  /** Empty state: creates in two regions and a module, one deferred data source read. */
  createOnly: "create-only",
  /** A DynamoDB table whose hash key changes: stateful replacement. */
  dynamodbReplace: "dynamodb-replace",
  /** A bucket and a role removed from the configuration, a log group unchanged. */
  s3Delete: "s3-delete",
  /** A global table losing its ap-southeast-1 replica: an in-place update that deletes data. */
  replicaRemoved: "replica-removed",
  /** A renamed IAM role (stateless replacement) and a table tag change (in-place update). */
  statelessChanges: "stateless-changes",
  /** Nothing to do, one output. */
  noChanges: "no-changes",
} as const;
export type PlanFixture = (typeof PLAN_FIXTURES)[keyof typeof PLAN_FIXTURES];

/** Provider aliases of the shared `providers.tf`, which every fixture with resources gets. */
const REGION_ALIASES = ["eu-west-1", "ap-southeast-1"];
const SHARED_PROVIDERS = join(PLAN_SUMMARY_FIXTURES, "providers.tf");
/** Fixtures without resources need no provider (and so skip loading it). */
const WITHOUT_PROVIDERS: ReadonlySet<string> = new Set([PLAN_FIXTURES.noChanges]);

/** The `terraform show -json` output of one fixture's plan. */
export function planFixturePath(fixture: PlanFixture, cacheDir: string = PLAN_SUMMARY_CACHE): string {
  return join(cacheDir, fixture, "plan.json");
}

/** Plans every fixture, in parallel; throws if terraform rejects one (the plan validates it). */
export async function buildPlanFixtures(toolchain: TerraformToolchain, cacheDir: string): Promise<void> {
  await Promise.all(
    Object.values(PLAN_FIXTURES).map(async (fixture) => {
      const sourceDir = join(PLAN_SUMMARY_FIXTURES, fixture);
      await planOffline(toolchain, {
        sourceDir,
        workDir: join(cacheDir, fixture),
        providerAliases: WITHOUT_PROVIDERS.has(fixture) ? [] : REGION_ALIASES,
        extraFiles: WITHOUT_PROVIDERS.has(fixture) ? [] : [SHARED_PROVIDERS],
        state: PRIOR_STATES[fixture],
        validate: false,
      });
    }),
  );
}
