/**
 * The README commands that synthesize to disk or run terraform (RUNS_WITH_TERRAFORM in
 * __tests__/support/readme-commands.ts), run as written in a copy of the project. How to keep
 * the lists: that file.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";
import { prepareToolchain } from "../../tools/terraform/toolchain";
import { projectCopy, projectReadme, readmeCommands, RUNS_WITH_TERRAFORM } from "../support/readme-commands";
import { planDir, README_PLAN } from "./support/paths";
import { describeWithTerraform } from "./support/terraform-tests";
import { shellEnv } from "../support/shell-env";

type Command = (typeof RUNS_WITH_TERRAFORM)[number];

const README = projectReadme();
const COMMANDS = readmeCommands(README);
const STACKS = ["tickets", "tickets-state"];

/** A copy of the project, synthesized once by `npm run synth` as the README runs it. */
let root: string;
let firstSynth: SpawnSyncReturns<string>;

/** Runs a README command as written, through a shell, in `cwd` (the copy's root by default). */
function sh(command: string, cwd = root, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync("sh", ["-c", command], { cwd, env: shellEnv(env), encoding: "utf8" });
}

function expectSucceeded(result: SpawnSyncReturns<string>): void {
  expect({ status: result.status, stderr: result.status === 0 ? "" : result.stderr }).toEqual({ status: 0, stderr: "" });
}

function expectSynthesized(): void {
  for (const stack of STACKS) expect(existsSync(join(root, "cdktf.out", "stacks", stack, "cdk.tf.json"))).toBe(true);
}

/** `npm ci` proven without a 500-package install: the lockfile matches package.json (npm ci's own check). */
function expectCleanInstall(): void {
  const dir = mkdtempSync(join(tmpdir(), "readme-npm-ci-"));
  for (const file of ["package.json", "package-lock.json"]) cpSync(join(PROJECT_ROOT, file), join(dir, file));
  expectSucceeded(sh("npm ci --dry-run --offline --ignore-scripts --no-audit --no-fund", dir));
}

/** The README's example settings file: the first ```json block of its Configuration section. */
function exampleSettings(): string {
  const section = /^## Configuration\n([\s\S]*?)(?=^## )/m.exec(README)?.[1] ?? "";
  const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  expect(example).toBeDefined();
  return example!;
}

/** What the README's stack folder holds after `terraform plan -out=tfplan`: an offline plan of the same stack. */
function stackFolderWithPlan(): { stackDir: string; env: NodeJS.ProcessEnv } {
  const stackDir = join(root, "cdktf.out", "stacks", "tickets");
  const toolchain = prepareToolchain(join(dirname(root), "terraform"))!;
  cpSync(planDir("default", "tickets"), stackDir, { recursive: true });
  cpSync(join(stackDir, "plan.bin"), join(stackDir, "tfplan"));
  // `terraform` as the README calls it: the one the toolchain found, first on PATH.
  const env = { ...toolchain.env, PATH: `${dirname(toolchain.terraform)}${delimiter}${process.env.PATH ?? ""}` };
  return { stackDir, env };
}

const RUNNERS: Record<Command, (command: string) => void> = {
  "npm ci && npm run synth": () => {
    expectCleanInstall();
    expectSucceeded(firstSynth);
    expectSynthesized();
  },
  "npm run synth": (command) => {
    expectSucceeded(sh(command));
    expectSynthesized();
  },
  // The README says to save the example settings as deploy/prod.json first.
  "TICKETS_CONFIG=deploy/prod.json npm run synth": (command) => {
    const settings = exampleSettings();
    mkdirSync(join(root, "deploy"), { recursive: true });
    writeFileSync(join(root, "deploy", "prod.json"), settings);
    expectSucceeded(sh(command));
    const tickets = readFileSync(join(root, "cdktf.out", "stacks", "tickets", "cdk.tf.json"), "utf8");
    expect(tickets).toContain((JSON.parse(settings) as { hostedZoneId: string }).hostedZoneId);
    expectSucceeded(sh("npm run -s synth")); // back to the defaults for the commands below
  },
  "cd cdktf.out/stacks/tickets": (command) => {
    expectSucceeded(sh(`${command} && test -f cdk.tf.json`));
  },
  "npm ci && npm run build:module": () => {
    expectCleanInstall();
    expectSucceeded(sh("npm run build:module"));
    expect(existsSync(join(root, "dist", "terraform-module", "versions.tf.json"))).toBe(true);
  },
  // Run as written by the global setup, in a copy of the project like this one: its plan is
  // the default `tickets` plan the other tests read (support/paths.ts, README_PLAN).
  "npm run plan": (command) => {
    const ran = JSON.parse(readFileSync(README_PLAN.resultFile, "utf8")) as SpawnSyncReturns<string> & {
      command: string;
      wrote: string[];
    };
    expect(ran.command).toBe(command);
    expectSucceeded(ran);
    // What it wrote in the copy's dist/plan/tickets/ (moved to README_PLAN.outDir).
    expect(ran.wrote).toContain("plan.json");
    expect(existsSync(join(README_PLAN.outDir, "plan.json"))).toBe(true);
  },
  // Needs deploy/prod.json, which `TICKETS_CONFIG=deploy/prod.json npm run synth` saved above;
  // /tmp/plan is shared on this machine, so the plan goes to a scratch folder instead.
  "npm run plan -- --stack tickets-state --config deploy/prod.json --out /tmp/plan": (command) => {
    const out = join(dirname(root), "plan");
    expectSucceeded(sh(command.replace("/tmp/plan", out)));
    expect(existsSync(join(out, "plan.json"))).toBe(true);
  },
  "terraform show -json tfplan > plan.json": (command) => {
    const { stackDir, env } = stackFolderWithPlan();
    expectSucceeded(sh(command, stackDir, env));
    const plan = JSON.parse(readFileSync(join(stackDir, "plan.json"), "utf8")) as { resource_changes?: unknown[] };
    expect(plan.resource_changes?.length).toBeGreaterThan(0);
  },
  // Typed in the stack folder, where plan.json is: npm runs the script in the project root.
  "npm run plan:summary -- plan.json --fail-on-stateful-change": (command) => {
    const stackDir = join(root, "cdktf.out", "stacks", "tickets");
    const result = sh(command, stackDir);
    expectSucceeded(result);
    expect(result.stdout).toMatch(/^### Terraform plan$/m);
  },
};

test("every command of RUNS_WITH_TERRAFORM has a runner here", () => {
  expect(Object.keys(RUNNERS).sort()).toEqual([...RUNS_WITH_TERRAFORM].sort());
});

describeWithTerraform("README commands with synth output or terraform, as written", () => {
  beforeAll(() => {
    root = projectCopy("readme-terraform-");
    firstSynth = sh("npm run synth");
  });

  // In README order: later commands use what earlier ones left (the synth, the plan).
  const order: readonly string[] = [...COMMANDS];
  const present = RUNS_WITH_TERRAFORM.filter((command) => order.includes(command)).sort(
    (a, b) => order.indexOf(a) - order.indexOf(b),
  );
  test.each(present)("%s", (command) => {
    RUNNERS[command](command);
  });
});
