/**
 * The project's layering, enforced by `npm run lint` and __tests__/architecture.test.ts:
 *
 *   contract/  <- lambdas/
 *   contract/  <- bundling/  <- constructs/  <- stacks/  <- main.ts
 *   config/    <- stacks/
 *   tools/ (CLIs) may import anything; nothing imports tools/ but the tests.
 *
 * Each rule names the folder and what it may not reach, so a violation says which edge is wrong.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const ours = (...folders) => `^(${folders.join("|")})/`;

module.exports = {
  forbidden: [
    {
      name: "contract-imports-nothing-of-ours",
      comment: "The API contract is plain data and types: it imports no other folder of the project.",
      severity: "error",
      from: { path: ours("contract") },
      to: { path: ours("config", "bundling", "lambdas", "constructs", "stacks", "tools", "__tests__") },
    },
    {
      name: "lambdas-import-only-the-contract",
      comment: "Handlers are bundled into Lambda zips: they may import the contract and npm packages only.",
      severity: "error",
      from: { path: ours("lambdas") },
      to: { path: ours("config", "bundling", "constructs", "stacks", "tools", "__tests__") },
    },
    {
      name: "bundling-imports-only-the-contract",
      comment: "Synth-time helpers (bundling, the project root) know the handler manifest and nothing above it.",
      severity: "error",
      from: { path: ours("bundling") },
      to: { path: ours("config", "lambdas", "constructs", "stacks", "tools", "__tests__") },
    },
    {
      name: "constructs-get-values-as-props",
      comment: "Constructs import the contract and the bundling helpers only; settings arrive as props from a stack.",
      severity: "error",
      from: { path: ours("constructs") },
      to: { path: ours("config", "lambdas", "stacks", "tools", "__tests__") },
    },
    {
      name: "config-imports-nothing-of-ours",
      comment: "Typed settings and their validation stand alone.",
      severity: "error",
      from: { path: ours("config") },
      to: { path: ours("contract", "bundling", "lambdas", "constructs", "stacks", "tools", "__tests__") },
    },
    {
      name: "stacks-compose-constructs",
      comment: "Stacks compose constructs from config; they never reach into CLIs or handler code.",
      severity: "error",
      from: { path: ours("stacks") },
      to: { path: ours("lambdas", "tools", "__tests__") },
    },
    {
      name: "nothing-imports-tools",
      comment: "tools/ holds CLIs, the top of the graph: only the tests and other tools import them.",
      severity: "error",
      from: { pathNot: "^(tools|__tests__)/" },
      to: { path: ours("tools") },
    },
    {
      name: "no-circular",
      comment: "A cycle makes the layering meaningless.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|cdktf\\.out|\\.cache|bench/baseline)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".mjs", ".js", ".json"] },
  },
};
