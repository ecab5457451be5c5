// Every cdktf synth and terraform command the tests start inherits this: no checkpoint calls
// to HashiCorp (offline they print lookup errors). Set in the config so every worker has it.
process.env.CHECKPOINT_DISABLE ??= "1";

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // tsconfig's isolatedModules makes ts-jest transpile only; `npm test` type-checks with tsc first.
  transform: { "^.+\\.ts$": "ts-jest" },
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  testTimeout: 60_000,
};
