/**
 * The GitHub workflows, checked without GitHub: they parse, pin every action, get AWS
 * access only through OIDC, plan on pull requests and apply only the approved saved plan,
 * and call only npm commands that package.json defines and README.md documents.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { STACK_NAMES } from "../../stacks/app";
import { PROJECT_ROOT } from "../../build/project-root";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  strategy?: { matrix?: Record<string, unknown> };
  env?: Record<string, unknown>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}

const WORKFLOWS_DIR = join(PROJECT_ROOT, ".github", "workflows");
const workflowFiles = readdirSync(WORKFLOWS_DIR).filter((file) => /\.ya?ml$/.test(file)).sort();

function readWorkflow(file: string): { text: string; workflow: Workflow } {
  const text = readFileSync(join(WORKFLOWS_DIR, file), "utf8");
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((error) => error.message).join("; ")}`);
  return { text, workflow: document.toJS() as Workflow };
}

const allSteps = (workflow: Workflow): Step[] => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
const usesOf = (job: Job, action: string): Step[] => job.steps.filter((step) => step.uses?.split("@")[0] === action);
const runText = (job: Job): string => job.steps.map((step) => step.run ?? "").join("\n");

/** `npm ci`, `npm test`, `npm run --silent plan:summary -- …` -> the command as README writes it. */
function npmCommands(script: string): { command: string; script: string | undefined }[] {
  const commands: { command: string; script: string | undefined }[] = [];
  for (const segment of script.split(/\n|&&|\|\||;|\|/)) {
    const tokens = segment.trim().split(/\s+/);
    const npm = tokens.indexOf("npm");
    if (npm < 0) continue;
    const [verb, name] = tokens.slice(npm + 1).filter((token) => !token.startsWith("-"));
    if (verb === undefined) continue;
    if (verb === "run" || verb === "run-script") {
      commands.push({ command: `npm run ${name ?? ""}`, script: name ?? "" });
    } else {
      // `npm test` / `start` / … run the script of that name; `ci`, `install` are npm's own.
      commands.push({ command: `npm ${verb}`, script: ["test", "start", "stop", "restart"].includes(verb) ? verb : undefined });
    }
  }
  return commands;
}

describe("workflow files", () => {
  test("there is at least one workflow", () => {
    expect(workflowFiles.length).toBeGreaterThan(0);
  });

  test.each(workflowFiles)("%s parses as YAML with triggers and jobs", (file) => {
    const { workflow } = readWorkflow(file);
    expect(Object.keys(workflow.on ?? {}).length).toBeGreaterThan(0);
    expect(Object.keys(workflow.jobs ?? {}).length).toBeGreaterThan(0);
  });

  test.each(workflowFiles)("%s pins every action to a version tag or a commit SHA", (file) => {
    const unpinned = allSteps(readWorkflow(file).workflow)
      .map((step) => step.uses)
      .filter((uses): uses is string => uses !== undefined && !uses.startsWith("./"))
      .filter((uses) => !/^[\w.-]+\/[\w./-]+@(?:[0-9a-f]{40}|v\d+\.\d+\.\d+)$/.test(uses));
    expect(unpinned).toEqual([]);
  });

  test.each(workflowFiles)("%s uses no long-lived AWS keys", (file) => {
    const { text } = readWorkflow(file);
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id|aws-secret-access-key/i);
  });

  test.each(workflowFiles)("%s assumes AWS roles through OIDC only, from jobs allowed an id-token", (file) => {
    const { workflow } = readWorkflow(file);
    for (const job of Object.values(workflow.jobs)) {
      for (const step of usesOf(job, "aws-actions/configure-aws-credentials")) {
        expect(step.with?.["role-to-assume"]).toMatch(/^\$\{\{ vars\.AWS_\w+_ROLE_ARN \}\}$/);
        expect(job.permissions).toMatchObject({ "id-token": "write" });
      }
    }
  });
});

describe("npm commands in workflows", () => {
  const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const commands = workflowFiles.flatMap((file) => allSteps(readWorkflow(file).workflow).flatMap((step) => npmCommands(step.run ?? "")));
  const unique = [...new Map(commands.map((command) => [command.command, command])).values()];

  test("the parser finds the commands of a step", () => {
    expect(npmCommands("npm ci\nnpm run --silent plan:summary -- plan.json --fail-on-stateful-change > x.md")).toEqual([
      { command: "npm ci", script: undefined },
      { command: "npm run plan:summary", script: "plan:summary" },
    ]);
  });

  test("the workflows call npm ci, npm test, npm run synth and npm run plan:summary", () => {
    expect(unique.map((command) => command.command).sort()).toEqual(
      expect.arrayContaining(["npm ci", "npm run plan:summary", "npm run synth", "npm test"]),
    );
  });

  test("every script they run exists in package.json", () => {
    const missing = unique.filter((command) => command.script !== undefined && !(command.script in packageJson.scripts));
    expect(missing).toEqual([]);
  });

  test("every command they run is documented in README.md", () => {
    const readme = join(PROJECT_ROOT, "README.md");
    expect(existsSync(readme)).toBe(true);
    const text = readFileSync(readme, "utf8");
    expect(unique.map((command) => command.command).filter((command) => !text.includes(command))).toEqual([]);
  });
});

describe("ci.yml", () => {
  const { workflow } = readWorkflow("ci.yml");
  const { test: testJob, plan, apply } = workflow.jobs;

  test("runs on pull requests and on pushes to main", () => {
    expect(workflow.on).toHaveProperty("pull_request");
    expect(workflow.on.push).toMatchObject({ branches: ["main"] });
  });

  test("defaults to read-only permissions and disables the terraform checkpoint", () => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.env).toMatchObject({ CHECKPOINT_DISABLE: "1" });
  });

  test("tests with npm ci and npm test, with terraform installed", () => {
    expect(runText(testJob!)).toMatch(/npm ci[\s\S]*npm test/);
    expect(usesOf(testJob!, "hashicorp/setup-terraform")).toHaveLength(1);
  });

  test("plans after the tests with OIDC and PR-comment permissions", () => {
    expect(plan!.needs).toBe("test");
    expect(plan!.permissions).toEqual({ "id-token": "write", contents: "read", "pull-requests": "write" });
    expect(usesOf(plan!, "aws-actions/configure-aws-credentials")[0]!.with).toMatchObject({ "role-to-assume": "${{ vars.AWS_PLAN_ROLE_ARN }}" });
  });

  test("plans only the S3-backed main stack, not the locally-stated bootstrap stack", () => {
    expect(plan!.strategy?.matrix?.stack).toEqual([STACK_NAMES.tickets]);
    expect(apply!.strategy?.matrix?.stack).toEqual([STACK_NAMES.tickets]);
  });

  test("synthesizes the production settings, never the built-in defaults", () => {
    expect(plan).toMatchObject({ env: { TICKETS_CONFIG: "${{ vars.TICKETS_CONFIG }}" } });
    const check = plan!.steps.findIndex((step) => /TICKETS_CONFIG/.test(step.run ?? ""));
    expect(check).toBeGreaterThanOrEqual(0);
    expect(check).toBeLessThan(plan!.steps.findIndex((step) => step.run === "npm run synth"));
  });

  test("synthesizes, saves a plan, and summarizes it into the job summary with the stateful check", () => {
    const script = runText(plan!);
    expect(script).toMatch(/npm run synth/);
    expect(script).toMatch(/terraform init/);
    expect(script).toMatch(/terraform plan .*-out=tfplan/);
    expect(script).toMatch(/terraform show -json .*tfplan > plan\.json/);
    expect(script).toMatch(/npm run --silent plan:summary -- .*plan\.json/);
    expect(script).toMatch(/--fail-on-stateful-change/);
    expect(script).toMatch(/GITHUB_STEP_SUMMARY/);
  });

  test("posts the summary as a sticky PR comment", () => {
    const [comment] = usesOf(plan!, "marocchino/sticky-pull-request-comment");
    expect(comment).toMatchObject({ if: "github.event_name == 'pull_request'", with: { path: "plan-summary.md" } });
  });

  test("uploads the saved plan with the synthesized stack folder", () => {
    const [upload] = usesOf(plan!, "actions/upload-artifact");
    expect(upload!.with).toMatchObject({ name: "tfplan-${{ matrix.stack }}", "include-hidden-files": true });
    expect(String(upload!.with?.path)).toContain("${{ env.STACK_DIR }}");
    expect(plan!.steps.indexOf(upload!)).toBeLessThan(plan!.steps.findIndex((step) => step.name === "Fail on a stateful deletion or replacement"));
  });

  test("applies on main only, after the plan, behind the production environment", () => {
    expect(apply!.needs).toBe("plan");
    expect(apply!.if).toContain("github.ref == 'refs/heads/main'");
    expect(apply!.environment).toBe("production");
    expect(usesOf(apply!, "aws-actions/configure-aws-credentials")[0]!.with).toMatchObject({ "role-to-assume": "${{ vars.AWS_APPLY_ROLE_ARN }}" });
  });

  test("applies the downloaded plan file, without planning again", () => {
    const [download] = usesOf(apply!, "actions/download-artifact");
    expect(download!.with).toMatchObject({ name: "tfplan-${{ matrix.stack }}", path: "${{ env.STACK_DIR }}" });
    const script = runText(apply!);
    expect(script).toMatch(/terraform apply .*tfplan$/m);
    expect(script).not.toMatch(/terraform plan|npm run synth/);
    expect(apply!.steps.indexOf(download!)).toBeLessThan(apply!.steps.findIndex((step) => /terraform apply/.test(step.run ?? "")));
  });

  test("never runs two applies at once", () => {
    expect(apply).toMatchObject({ concurrency: { group: expect.any(String), "cancel-in-progress": false } });
  });

  test("plans and applies with the same exact terraform version", () => {
    expect(workflow.env?.TERRAFORM_VERSION).toMatch(/^1\.11\.\d+$/);
    for (const job of [testJob!, plan!, apply!]) {
      expect(usesOf(job, "hashicorp/setup-terraform")[0]!.with).toMatchObject({
        terraform_version: "${{ env.TERRAFORM_VERSION }}",
        terraform_wrapper: false,
      });
    }
  });
});
