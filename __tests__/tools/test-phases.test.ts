/** `npm test`'s phases (tools/test-phases.cjs), which tools/run-tests.mjs runs and the bench times. */
import { accessSync, constants, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";

interface TestPhase {
  label: string;
  bin?: string;
  command?: string;
  args: string[];
}
const { CHECK_PHASES, TERRAFORM_PHASE, phaseCommand } = require("../../tools/test-phases.cjs") as {
  CHECK_PHASES: TestPhase[];
  TERRAFORM_PHASE: TestPhase;
  phaseCommand: (root: string, phase: TestPhase) => string;
};

test("the type check, the linters and the unit group, then the terraform group: every test project is run", () => {
  const phases = [...CHECK_PHASES, TERRAFORM_PHASE];
  expect(phases.map(({ bin, command, args }) => [bin ?? command, ...args].join(" "))).toEqual([
    "tsc --noEmit",
    "npm run -s lint",
    "jest --selectProjects unit",
    "jest --selectProjects terraform",
  ]);
  const { projects } = require("../../jest.config.js") as { projects: { displayName: string }[] };
  const selected = phases
    .filter(({ args }) => args.includes("--selectProjects"))
    .map(({ args }) => args[args.indexOf("--selectProjects") + 1]);
  expect(selected.sort()).toEqual(projects.map((project) => project.displayName).sort());
});

test("each bin is an executable of the installed packages, and the lint phase runs package.json's script", () => {
  for (const phase of [...CHECK_PHASES, TERRAFORM_PHASE].filter((candidate) => candidate.bin !== undefined)) {
    expect(phaseCommand(PROJECT_ROOT, phase)).toBe(join(PROJECT_ROOT, "node_modules", ".bin", phase.bin!));
    expect(() => accessSync(phaseCommand(PROJECT_ROOT, phase), constants.X_OK)).not.toThrow();
  }
  const scripts = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
  expect(phaseCommand(PROJECT_ROOT, CHECK_PHASES[1]!)).toBe("npm");
  expect(scripts[CHECK_PHASES[1]!.args[2]!]).toBeDefined();
});
