/**
 * The committed fixture plans (`__tests__/fixtures/plan-summary/<fixture>/plan.json`) are current:
 * each was planned from the fixture's sources as they are now. Edit a fixture, its prior
 * state or the shared providers without `npm run fixtures:plan-summary`, and this fails.
 */
import { readFileSync } from "node:fs";
import { parsePlan } from "../../../tools/plan-summary/plan-schema";
import { ALL_PLAN_FIXTURES, asPlanFixture, REPLICA_FIXTURES } from "../../fixtures/plan-summary/replica-fixtures";
import { fixtureSources, PLAN_FIXTURES, PLAN_SOURCES_FILE, planFixturePath } from "../../support/plan-fixtures";

const recorded = JSON.parse(readFileSync(PLAN_SOURCES_FILE, "utf8")) as Record<string, string>;

test("every fixture has a recorded source hash, and nothing else does", () => {
  expect(Object.keys(recorded).sort()).toEqual([...ALL_PLAN_FIXTURES].sort());
});

test.each([...Object.values(PLAN_FIXTURES), ...Object.values(REPLICA_FIXTURES).map(asPlanFixture)])(
  "%s: plan.json was made from today's sources",
  (fixture) => {
    expect({ fixture, sources: fixtureSources(fixture) }).toEqual({ fixture, sources: recorded[fixture] });
    const path = planFixturePath(fixture);
    expect(parsePlan(readFileSync(path, "utf8"), path).format_version).toMatch(/^1\./);
  },
);
