// Every cdktf synth and terraform command the tests start inherits this: no checkpoint calls
// to HashiCorp (offline they print lookup errors). Set in the config so every worker has it.
process.env.CHECKPOINT_DISABLE ??= "1";

/**
 * Two groups: `unit` (everything that needs neither terraform nor a synthesized app on disk)
 * and `terraform` (offline plans, under __tests__/terraform/). Jest runs a
 * project's global setup only when one of its tests is selected, so `npx jest <unit file>`
 * never starts terraform. `npm test` runs both.
 * @type {import('jest').Config}
 */
const shared = {
  testEnvironment: "node",
  // Transpile only (swc, no type checking): `npm test` type-checks every file with tsc first.
  // ES2022 as tsconfig's target, so class fields keep the same (define) semantics.
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  testMatch: ["**/*.test.ts"],
};

module.exports = {
  testTimeout: 60_000,
  // Every temp folder of the run (cdktf's `cdktf.outdir.*` included) under one folder that the
  // teardown removes: a run leaves nothing in the OS temp folder.
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
  // Jest's default is one worker per core but one; the tests wait on child processes often enough
  // that a worker per core finishes sooner (2 cores: 50 s instead of 60 s for the unit group).
  maxWorkers: "100%",
  projects: [
    {
      ...shared,
      displayName: "unit",
      roots: ["<rootDir>/__tests__"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/terraform/"],
    },
    {
      ...shared,
      displayName: "terraform",
      roots: ["<rootDir>/__tests__/terraform"],
      globalSetup: "<rootDir>/__tests__/terraform/support/global-setup.ts",
    },
  ],
};
