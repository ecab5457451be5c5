/**
 * Real Terraform plans for the plan-summary tests: each folder under
 * `__tests__/fixtures/plan-summary/` is planned offline against its crafted prior state
 * (`prior-state.ts`), once per test run, and the tests read `<cacheDir>/<fixture>/plan.json`.
 * Fixtures with tables in LOCAL_DYNAMODB_TABLES are planned with refresh against a local
 * DynamoDB holding those tables, which is how Terraform finds drift and imports offline.
 */
import { join } from "node:path";
import { planOffline } from "../../../tools/terraform/offline-plan";
import type { TerraformToolchain } from "../../../tools/terraform/toolchain";
import { ACCOUNT, LOCAL_DYNAMODB_TABLES, PRIOR_STATES } from "../../fixtures/plan-summary/prior-state";
import { startLocalDynamoDb } from "./local-dynamodb";
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
  /** In-place updates inside blocks, a map, a JSON policy and a sensitive value. */
  nestedUpdate: "nested-update",
  /** A pure move, a move with an update of a stateful resource, and a forgotten bucket. */
  movesAndForgets: "moves-and-forgets",
  /** Refreshed against a local DynamoDB: a table retagged and one deleted outside Terraform, one imported. */
  driftAndImport: "drift-and-import",
  /** 200 stateless updates, a stateful update and a stateful deletion: too long for one comment in full. */
  commentLimit: "comment-limit",
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

/** Plans one fixture; with local tables, refreshed against a local DynamoDB holding them. */
export async function planFixture(toolchain: TerraformToolchain, fixture: PlanFixture, cacheDir: string): Promise<void> {
  const local = LOCAL_DYNAMODB_TABLES[fixture];
  const database = local === undefined ? undefined : await startLocalDynamoDb(local.region, ACCOUNT, local.tables);
  try {
    await planOffline(toolchain, {
      sourceDir: join(PLAN_SUMMARY_FIXTURES, fixture),
      workDir: join(cacheDir, fixture),
      providerAliases: WITHOUT_PROVIDERS.has(fixture) ? [] : REGION_ALIASES,
      extraFiles: WITHOUT_PROVIDERS.has(fixture) ? [] : [SHARED_PROVIDERS],
      state: PRIOR_STATES[fixture],
      validate: false,
      ...(database === undefined ? {} : { endpoints: { dynamodb: database.endpoint }, refresh: true }),
    });
  } finally {
    await database?.close();
  }
}

/** Plans every fixture, in parallel; throws if terraform rejects one (the plan validates it). */
export async function buildPlanFixtures(toolchain: TerraformToolchain, cacheDir: string): Promise<void> {
  await Promise.all(Object.values(PLAN_FIXTURES).map((fixture) => planFixture(toolchain, fixture, cacheDir)));
}
