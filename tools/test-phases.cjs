// The phases of `npm test`, in one place: tools/run-tests.mjs runs them (the terraform group
// first, in the background, and the checks one after the other beside it) and the bench
// (tools/bench/tests.ts) times each alone. Each runs in the project root; a `bin` is the
// package's executable in node_modules/.bin, anything else a `command` on the PATH.
"use strict";
const { join } = require("node:path");

/** The checks, in the order they run: the type check, the linters, the unit group. */
const CHECK_PHASES = [
  { label: "`tsc --noEmit` (incremental)", bin: "tsc", args: ["--noEmit"] },
  { label: "`npm run lint` (prettier, eslint, dependency-cruiser)", command: "npm", args: ["run", "-s", "lint"] },
  { label: "unit group (`jest --selectProjects unit`)", bin: "jest", args: ["--selectProjects", "unit"] },
];

/** The terraform jest group, whose global setup (terraform plans in child processes) is the long pole. */
const TERRAFORM_PHASE = {
  label: "terraform group (`jest --selectProjects terraform`)",
  bin: "jest",
  args: ["--selectProjects", "terraform"],
};

/**
 * The file to start for `phase` in the project at `root`.
 * @param {string} root
 * @param {{ bin?: string, command?: string }} phase
 */
function phaseCommand(root, phase) {
  return phase.bin === undefined ? phase.command : join(root, "node_modules", ".bin", phase.bin);
}

module.exports = { CHECK_PHASES, TERRAFORM_PHASE, phaseCommand };
