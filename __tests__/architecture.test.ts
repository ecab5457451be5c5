/**
 * The folders depend on each other one way (.dependency-cruiser.cjs says how). dependency-cruiser
 * is ESM-only and jest runs CommonJS here, so the test runs its CLI: once on the tree as it is,
 * once on a temporary copy with one forbidden edge per rule added, to prove every rule bites.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../bundling/project-root";

const SOURCE_FOLDERS = ["config", "contract", "bundling", "lambdas", "constructs", "stacks", "tools"];

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function cruise(root: string): Violation[] {
  const result = spawnSync(
    process.execPath,
    [
      join(PROJECT_ROOT, "node_modules", ".bin", "depcruise"),
      "--config",
      ".dependency-cruiser.cjs",
      "--output-type",
      "json",
      "main.ts",
      ...SOURCE_FOLDERS,
    ],
    { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.stdout === "") throw new Error(`depcruise printed nothing:\n${result.stderr}`);
  const report = JSON.parse(result.stdout) as { summary: { violations: Violation[] } };
  return report.summary.violations;
}

test("the tree has no forbidden dependency and no cycle", () => {
  const violations = cruise(PROJECT_ROOT);
  expect(violations.map(({ from, to, rule }) => `${rule.name}: ${from} -> ${to}`)).toEqual([]);
});

describe("every rule fails on a back edge", () => {
  // One added import per rule: [file that gets it, what it imports, the rule that must fire].
  const BACK_EDGES = [
    ["contract/handlers.ts", "../lambdas/core/env", "contract-imports-nothing-of-ours"],
    ["lambdas/core/env.ts", "../../config/schema", "lambdas-import-only-the-contract"],
    ["bundling/project-root.ts", "../constructs/global-table", "bundling-imports-only-the-contract"],
    ["constructs/global-table.ts", "../config/schema", "constructs-get-values-as-props"],
    ["config/urls.ts", "../contract/handlers", "config-imports-nothing-of-ours"],
    ["stacks/app.ts", "../lambdas/core/env", "stacks-compose-constructs"],
    ["constructs/regional-providers.ts", "../tools/ui-env", "nothing-imports-tools"],
    ["contract/ticket-json-schema.ts", "./openapi", "no-circular"],
  ] as const;

  let violations: Violation[];
  beforeAll(() => {
    const copy = mkdtempSync(join(tmpdir(), "architecture-"));
    try {
      for (const entry of [...SOURCE_FOLDERS, "main.ts", "tsconfig.json", ".dependency-cruiser.cjs"]) {
        cpSync(join(PROJECT_ROOT, entry), join(copy, entry), { recursive: true });
      }
      for (const [file, target] of BACK_EDGES) appendFileSync(join(copy, file), `\nimport "${target}";\n`);
      violations = cruise(copy);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test.each(BACK_EDGES)("%s importing %s breaks %s", (file, _target, rule) => {
    // A cycle is reported from whichever of its modules the cruise meets first: either end counts.
    const ends = violations.filter((violation) => violation.rule.name === rule).flatMap(({ from, to }) => [from, to]);
    expect(ends).toContain(file);
  });
});
