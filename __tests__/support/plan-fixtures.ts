/**
 * Real Terraform plans for the plan-summary tests. Each folder under
 * `__tests__/fixtures/plan-summary/` is a configuration with a crafted prior state
 * (`prior-state.ts`); `npm run fixtures:plan-summary` plans each one offline with the machine's
 * terraform and commits the result as `<fixture>/plan.json`, which the tests read. (Planning
 * them on every run costs the suite about a minute: every terraform command loads the AWS
 * provider's schema, 4 to 5 s of CPU. The live path, terraform to summary, is tested on every
 * run by `npm run plan` in __tests__/terraform/.)
 * Fixtures with tables in LOCAL_DYNAMODB_TABLES are planned with refresh against a local
 * DynamoDB holding those tables, which is how Terraform finds drift and imports offline.
 */
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";
import { PLAN_JSON_FILE, planOffline } from "../../tools/terraform/offline-plan";
import type { TerraformToolchain } from "../../tools/terraform/toolchain";
import { ACCOUNT, LOCAL_DYNAMODB_TABLES, PRIOR_STATES } from "../fixtures/plan-summary/prior-state";
import { startLocalDynamoDb } from "./local-dynamodb";

export const PLAN_SUMMARY_FIXTURES = join(PROJECT_ROOT, "__tests__", "fixtures", "plan-summary");

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

/** The committed `terraform show -json` output of one fixture's plan. */
export function planFixturePath(fixture: PlanFixture): string {
  return join(PLAN_SUMMARY_FIXTURES, fixture, PLAN_JSON_FILE);
}

/**
 * What each committed plan was made from, by fixture: the hash of {@link fixtureSources}. A
 * test compares it with today's sources, so a fixture edited without re-planning fails.
 */
export const PLAN_SOURCES_FILE = join(PLAN_SUMMARY_FIXTURES, "plan-sources.json");

/** SHA-256 of everything a fixture's plan depends on: its files, the shared providers, its prior state and tables. */
export function fixtureSources(fixture: PlanFixture): string {
  const hash = createHash("sha256");
  const dir = join(PLAN_SUMMARY_FIXTURES, fixture);
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((path) => path !== PLAN_JSON_FILE && path.endsWith(".tf"))
    .sort();
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(dir, file)));
  if (!WITHOUT_PROVIDERS.has(fixture)) hash.update(readFileSync(SHARED_PROVIDERS));
  hash.update(JSON.stringify(PRIOR_STATES[fixture] ?? null)).update(JSON.stringify(LOCAL_DYNAMODB_TABLES[fixture] ?? null));
  return hash.digest("hex");
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

/**
 * Plans every fixture, in parallel, in a scratch folder, and writes each plan's JSON into its
 * fixture folder; throws if terraform rejects one (the plan validates it).
 */
export async function regeneratePlanFixtures(toolchain: TerraformToolchain): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "plan-summary-fixtures-"));
  try {
    await Promise.all(
      Object.values(PLAN_FIXTURES).map(async (fixture) => {
        await planFixture(toolchain, fixture, scratch);
        copyFileSync(join(scratch, fixture, PLAN_JSON_FILE), planFixturePath(fixture));
      }),
    );
    const sources = Object.fromEntries(Object.values(PLAN_FIXTURES).map((fixture) => [fixture, fixtureSources(fixture)]));
    writeFileSync(PLAN_SOURCES_FILE, `${JSON.stringify(sources, null, 2)}\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
