/**
 * The GitHub workflows and Dependabot, checked without GitHub: they parse, pin every action,
 * get AWS access only through OIDC, plan on pull requests, report one required check that
 * can't pass by being skipped, apply only the plan the approver saw, and call only npm
 * commands that package.json defines and README.md documents. Shell steps whose outcome
 * matters are run here with bash.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { STACK_NAMES } from "../../stacks/app";
import { PROJECT_ROOT } from "../../bundling/project-root";

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  "working-directory"?: string;
}
interface Job {
  name?: string;
  needs?: string | string[];
  outputs?: Record<string, string>;
  concurrency?: unknown;
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
const workflowFiles = readdirSync(WORKFLOWS_DIR)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort();

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
  const commands = workflowFiles.flatMap((file) =>
    allSteps(readWorkflow(file).workflow).flatMap((step) => npmCommands(step.run ?? "")),
  );
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

/** Runs a step's script the way GitHub's Ubuntu runners do (`bash -e`, plus pipefail). */
function runStep(step: Step, env: Record<string, string>, cwd: string) {
  const summary = join(cwd, "step-summary.md");
  writeFileSync(summary, "");
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run ?? ""], {
    cwd,
    env: { PATH: process.env.PATH, GITHUB_STEP_SUMMARY: summary, ...env },
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, summary: readFileSync(summary, "utf8") };
}

/** docs/plan-review.md with line breaks folded, so a test can look for a sentence. */
const readDocs = () => readFileSync(join(PROJECT_ROOT, "docs", "plan-review.md"), "utf8").replace(/\s+/g, " ");

const stepNamed = (job: Job, name: string): Step => {
  const step = job.steps.find((candidate) => candidate.name === name);
  if (step === undefined) throw new Error(`no step "${name}"`);
  return step;
};

describe("ci.yml", () => {
  const { text, workflow } = readWorkflow("ci.yml");
  const { test: testJob, plan, apply, "plan-result": planResult } = workflow.jobs;
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "workflow-steps-"));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

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
    expect(usesOf(plan!, "aws-actions/configure-aws-credentials")[0]!.with).toMatchObject({
      "role-to-assume": "${{ vars.AWS_PLAN_ROLE_ARN }}",
    });
  });

  test("plans only the S3-backed main stack, not the locally-stated bootstrap stack", () => {
    expect(workflow.env).toMatchObject({ STACK: STACK_NAMES.tickets, STACK_DIR: `cdktf.out/stacks/${STACK_NAMES.tickets}` });
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
    expect(upload!.with).toMatchObject({ name: "tfplan-${{ env.STACK }}", "include-hidden-files": true });
    expect(String(upload!.with?.path)).toContain("${{ env.STACK_DIR }}");
    expect(plan!.steps.indexOf(upload!)).toBeLessThan(
      plan!.steps.findIndex((step) => step.name === "Fail on a stateful deletion or replacement"),
    );
  });

  test("applies on main only, after the plan, behind the production environment", () => {
    expect(apply!.needs).toBe("plan");
    expect(apply!.if).toContain("github.ref == 'refs/heads/main'");
    expect(apply!.environment).toBe("production");
    expect(usesOf(apply!, "aws-actions/configure-aws-credentials")[0]!.with).toMatchObject({
      "role-to-assume": "${{ vars.AWS_APPLY_ROLE_ARN }}",
    });
  });

  test("applies the downloaded plan file, without planning again", () => {
    const [download] = usesOf(apply!, "actions/download-artifact");
    expect(download!.with).toMatchObject({ name: "tfplan-${{ env.STACK }}", path: "${{ env.STACK_DIR }}" });
    const script = runText(apply!);
    expect(script).toMatch(/terraform apply .*tfplan$/m);
    expect(script).not.toMatch(/terraform plan|npm run synth/);
    expect(apply!.steps.indexOf(download!)).toBeLessThan(
      apply!.steps.findIndex((step) => /terraform apply/.test(step.run ?? "")),
    );
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

  describe("the required checks", () => {
    const docs = readDocs();

    test("are two jobs whose check names can't change: no matrix, no display name", () => {
      for (const job of [testJob!, planResult!]) {
        expect(job.strategy).toBeUndefined();
        expect(job.name).toBeUndefined();
      }
      expect(Object.values(workflow.jobs).filter((job) => job.strategy?.matrix !== undefined)).toEqual([]);
    });

    test("are the ones the docs and the workflow's header tell branch protection to require", () => {
      expect(docs).toContain("Branch protection on `main` requires the checks `test` and `plan-result`");
      expect(text).toContain("# Branch protection requires the checks `test` and `plan-result`.");
    });

    test("plan-result runs after test and plan whatever their outcome, so it is never skipped", () => {
      expect(planResult!.needs).toEqual(["test", "plan"]);
      expect(planResult!.if).toBe("always()");
    });

    test("forks skip the plan job, and plan-result knows a fork by the negation of that condition", () => {
      expect(plan!.if).toBe(
        "github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository",
      );
      expect(planResult!.steps[0]!.env?.FROM_FORK).toBe(
        "${{ github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name != github.repository }}",
      );
    });

    const outcome = (env: Record<string, string>) => runStep(planResult!.steps[0]!, env, scratch);
    const results = (testOutcome: string, planOutcome: string, fork = "false") => ({
      TEST_RESULT: testOutcome,
      PLAN_RESULT: planOutcome,
      FROM_FORK: fork,
    });

    test("plan-result fails for a fork's pull request and says why", () => {
      const fork = outcome(results("success", "skipped", "true"));
      expect(fork.status).toBe(1);
      expect(fork.stdout).toMatch(
        /^::error title=plan-result::No plan for a pull request from a fork: GitHub gives forks no OIDC token/,
      );
      expect(fork.summary).toContain("### plan-result: failed");
    });

    test.each([
      ["the tests failed", results("failure", "skipped"), "No plan: the test job ended with 'failure'."],
      ["the tests were cancelled", results("cancelled", "skipped"), "No plan: the test job ended with 'cancelled'."],
      ["the plan failed", results("success", "failure"), "The plan job ended with 'failure'"],
      ["the plan was skipped", results("success", "skipped"), "The plan job ended with 'skipped'"],
    ])("plan-result fails when %s", (_, env, reason) => {
      const result = outcome(env);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(reason);
    });

    test("plan-result passes only when test and plan both succeeded", () => {
      expect(outcome(results("success", "success")).status).toBe(0);
    });
  });

  describe("the plan that is applied", () => {
    const docs = readDocs();
    const digestStep = stepNamed(plan!, "Record the plan file's digest");
    const checkStep = stepNamed(apply!, "Check that this is the plan the approver saw");

    test("is the file this run's plan job saved: its digest is a job output", () => {
      expect(plan!.outputs).toEqual({ "plan-sha256": "${{ steps.digest.outputs.plan-sha256 }}" });
      expect(digestStep).toMatchObject({ id: "digest", "working-directory": "${{ env.STACK_DIR }}" });
      const upload = usesOf(plan!, "actions/upload-artifact")[0]!;
      expect(plan!.steps.indexOf(digestStep)).toBeLessThan(plan!.steps.indexOf(upload));
    });

    test("the digest step writes the SHA-256 of tfplan", () => {
      writeFileSync(join(scratch, "tfplan"), "a saved plan");
      const output = join(scratch, "github-output");
      writeFileSync(output, "");
      expect(runStep(digestStep, { GITHUB_OUTPUT: output }, scratch).status).toBe(0);
      expect(readFileSync(output, "utf8")).toBe(`plan-sha256=${createHash("sha256").update("a saved plan").digest("hex")}\n`);
    });

    test("its summary, with the digest, is in the job summary the production approver reviews", () => {
      const summary = stepNamed(plan!, "Summarize the plan");
      expect(summary.env).toMatchObject({ PLAN_SHA256: "${{ steps.digest.outputs.plan-sha256 }}" });
      expect(summary.run).toMatch(/plan:summary -- .*--max-length 1000000 > plan-summary-full\.md/);
      expect(summary.run).toContain('cat plan-summary-full.md >> "$GITHUB_STEP_SUMMARY"');
      expect(summary.run).toMatch(/printf .*SHA-256.*"\$PLAN_SHA256" >> "\$GITHUB_STEP_SUMMARY"/);
    });

    test("the apply job downloads this run's artifact, not another run's", () => {
      const [download] = usesOf(apply!, "actions/download-artifact");
      expect(Object.keys(download!.with ?? {}).sort()).toEqual(["name", "path"]);
    });

    test("the apply job checks the digest between download and apply, and refuses another file", () => {
      const order = [
        usesOf(apply!, "actions/download-artifact")[0]!,
        checkStep,
        apply!.steps.find((step) => /terraform apply/.test(step.run ?? ""))!,
      ];
      expect(order.map((step) => apply!.steps.indexOf(step))).toEqual(
        [...order.map((step) => apply!.steps.indexOf(step))].sort((a, b) => a - b),
      );
      expect(checkStep.env).toEqual({ PLAN_SHA256: "${{ needs.plan.outputs.plan-sha256 }}" });
      expect(checkStep["working-directory"]).toBe("${{ env.STACK_DIR }}");
      writeFileSync(join(scratch, "tfplan"), "the approved plan");
      const approved = createHash("sha256").update("the approved plan").digest("hex");
      expect(runStep(checkStep, { PLAN_SHA256: approved }, scratch).status).toBe(0);
      writeFileSync(join(scratch, "tfplan"), "another plan");
      expect(runStep(checkStep, { PLAN_SHA256: approved }, scratch).status).not.toBe(0);
      expect(runStep(checkStep, { PLAN_SHA256: "" }, scratch).status).not.toBe(0);
    });

    test("the docs say which plan that is, and that the pull request's plan is a preview", () => {
      expect(docs).toContain(
        "**Which plan is applied:** the one made on `main` from the merged commit, in the run the approver reviews",
      );
      expect(docs).toContain("The pull request's plan is a preview");
      expect(text).toContain(
        "the production approver reviews the plan made\n# from the merged commit in this run, and the apply job applies exactly that saved plan file.",
      );
    });
  });

  describe("concurrency", () => {
    test("a push to a pull request cancels its run; runs on main are not cancelled while they run", () => {
      expect(workflow.concurrency).toEqual({
        group:
          "${{ github.event_name == 'pull_request' && format('ci-pr-{0}', github.event.pull_request.number) || format('ci-{0}', github.ref) }}",
        "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
      });
    });

    test("the comment says what GitHub does with a pending run, not that runs on main are never cancelled", () => {
      const comment = text
        .slice(text.indexOf("permissions:\n  contents: read\n"), text.indexOf("\nconcurrency:"))
        .split("\n")
        .filter((line) => line.startsWith("#"))
        .map((line) => line.replace(/^#\s*/, ""))
        .join(" ");
      expect(comment).not.toMatch(/never cancelled|runs queue/i);
      expect(comment).toContain("a newer push doesn't cancel a running run");
      expect(comment).toContain(
        "GitHub keeps at most one pending run per group, though: when another push arrives, the pending run is cancelled and replaced by the newer one.",
      );
    });
  });
});

describe("dependabot.yml", () => {
  const path = join(PROJECT_ROOT, ".github", "dependabot.yml");
  interface Update {
    "package-ecosystem": string;
    directory: string;
    schedule?: { interval?: string };
    ignore?: { "dependency-name": string; "update-types"?: string[] }[];
  }
  const config = parseDocument(readFileSync(path, "utf8"), { uniqueKeys: true }).toJS() as { version: number; updates: Update[] };
  const update = (ecosystem: string) => config.updates.find((entry) => entry["package-ecosystem"] === ecosystem);

  test("updates the pinned GitHub Actions and the npm packages of the root package.json, weekly", () => {
    expect(config.version).toBe(2);
    for (const ecosystem of ["github-actions", "npm"]) {
      expect(update(ecosystem)).toMatchObject({ directory: "/", schedule: { interval: "weekly" } });
    }
  });

  test("never proposes the AWS provider bindings' next major (AWS provider 6.x, which the offline mirror lacks)", () => {
    const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    expect(packageJson.devDependencies["@cdktf/provider-aws"]).toMatch(/^20\./);
    expect(update("npm")?.ignore).toContainEqual({
      "dependency-name": "@cdktf/provider-aws",
      "update-types": ["version-update:semver-major"],
    });
  });

  test.each(workflowFiles)("%s pins each action by SHA with its version in a comment, which Dependabot keeps current", (file) => {
    const usesLines = readWorkflow(file)
      .text.split("\n")
      .filter((line) => /^\s*-?\s*uses:/.test(line) && !line.includes("./"));
    expect(usesLines.length).toBeGreaterThan(0);
    expect(usesLines.filter((line) => !/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(line))).toEqual([]);
  });
});
