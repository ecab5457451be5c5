/**
 * `npm run plan`: an offline plan of one stack, without AWS credentials. Bad input fails
 * with one clear message and writes nothing; a real plan writes the saved plan, its JSON and
 * the summary; a plan terraform rejects leaves no output behind.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parsePlan } from "../../tools/plan-summary/plan-schema";
import { main } from "../../tools/plan/cli";
import { OUTPUT_FILES } from "../../tools/plan/plan-stack";
import { PROJECT_ROOT } from "../support/paths";
import { describeWithTerraform } from "../support/terraform-tests";

/** Runs `main` in this process and captures what it prints. */
async function plan(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = jest.spyOn(process.stdout, "write").mockImplementation((chunk) => (stdout.push(String(chunk)), true));
  const err = jest.spyOn(process.stderr, "write").mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  try {
    const status = await main(args, env, PROJECT_ROOT);
    return { status, stdout: stdout.join(""), stderr: stderr.join("") };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The environment of a machine with no AWS credentials or profile at all. */
function withoutAws(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("AWS_")));
  return { ...clean, AWS_CONFIG_FILE: "/nonexistent/aws-config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials" };
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "plan-cli-test-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("bad input", () => {
  const file = (name: string, text: string) => {
    const path = join(scratch, name);
    writeFileSync(path, text);
    return path;
  };

  test.each([
    ["an unknown stack", () => ["--stack", "tickets-prod"], /^plan: unknown stack "tickets-prod"; the stacks are: tickets-state, tickets\n$/],
    ["an unknown argument", () => ["--stacks", "tickets"], /^plan: unknown argument --stacks; usage: npm run plan -- /],
    ["an option without its value", () => ["--stack"], /^plan: --stack needs a value\n$/],
    ["a settings file that doesn't exist", () => ["--config", join(scratch, "missing.json")], /^plan: Invalid configuration \(.*missing\.json\):\n {2}- TICKETS_CONFIG: cannot read ".*missing\.json": file not found\n$/],
    [
      "invalid settings, naming each field",
      () => ["--config", file("bad.json", JSON.stringify({ domainName: "example.com", hostedZoneId: "Z1", regions: [{ name: "eu-west-9", label: "x" }] }))],
      /^plan: Invalid configuration \(.*bad\.json\):\n(?: {2}- .*\n)*? {2}- config\.regions\[0\]\.name: "eu-west-9" is not an AWS region code/,
    ],
    ["a state file that doesn't exist", () => ["--state", join(scratch, "missing.tfstate")], /^plan: --state .*missing\.tfstate: no such file\n$/],
    ["a state file that isn't a state", () => ["--state", file("plan.json", '{"format_version":"1.2"}')], /^plan: --state .*plan\.json: not a Terraform state \(expected the JSON of `terraform state pull`/],
  ])("rejects %s with exit 1, one message, and writes nothing", async (_, args, message) => {
    const out = join(scratch, "out-bad");
    const result = await plan([...args(), "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  test("says how to get terraform when there is none", async () => {
    const out = join(scratch, "out-no-terraform");
    const noTerraform = await plan(["--out", out], { ...process.env, TERRAFORM_BIN: undefined, PATH: "/nonexistent" });
    const badBin = await plan(["--out", out], { ...process.env, TERRAFORM_BIN: join(scratch, "terraform") });
    expect(noTerraform).toEqual({ status: 1, stdout: "", stderr: "plan: terraform not found on PATH: install Terraform 1.10 or later, or set TERRAFORM_BIN to its path\n" });
    expect(badBin.stderr).toBe(`plan: TERRAFORM_BIN is "${join(scratch, "terraform")}", which is not an executable file\n`);
    expect(existsSync(out)).toBe(false);
  });

  test("--help prints the usage and exits 0", async () => {
    const result = await plan(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run plan -- \[--stack <name>\] \[--config <file>\] \[--out <dir>\] \[--state <file>\]\n/);
    expect(result.stderr).toBe("");
  });

  test("the npm script exits 1 with the message on stderr", async () => {
    const failure = await promisify(execFile)(process.execPath, ["--import", "tsx", "tools/plan/cli.ts", "--stack", "nope"], { cwd: PROJECT_ROOT }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1, stdout: "", stderr: 'plan: unknown stack "nope"; the stacks are: tickets-state, tickets\n' });
  });
});

describeWithTerraform("a real offline plan", () => {
  /** The state bucket already exists: planned against a state that holds it. */
  const bucketState = {
    version: 4,
    terraform_version: "1.11.4",
    serial: 3,
    lineage: "0c7f3a52-9a1e-4d2b-8f6e-2d4b1a9c7e11",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: "aws_s3_bucket",
        // The stack's own child keeps its construct id as its Terraform name.
        name: "state-bucket",
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: 0, attributes: { id: "wild-rydes-tickets-tfstate", bucket: "wild-rydes-tickets-tfstate", arn: "arn:aws:s3:::wild-rydes-tickets-tfstate", force_destroy: false, tags: {}, tags_all: {} } }],
      },
    ],
  };
  let out: string;
  let result: Awaited<ReturnType<typeof plan>>;
  beforeAll(async () => {
    out = join(scratch, "out-state-stack");
    const stateFile = join(scratch, "bucket.tfstate");
    writeFileSync(stateFile, JSON.stringify(bucketState));
    result = await plan(["--stack", "tickets-state", "--state", stateFile, "--out", out], withoutAws());
  });

  test("succeeds without any AWS credentials and reports what it wrote", () => {
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Planned stack "tickets-state" offline (settings: built-in defaults; fake credentials, local backend, no refresh):');
    // The bucket is in the state: planned as an update (the crafted state lacks attributes), not a create.
    expect(result.stdout).toContain("6 to create, 1 to update, 0 to replace, 0 to delete");
  });

  test("writes the saved plan, its JSON and the summary", () => {
    expect(readdirSync(out).sort()).toEqual(Object.values(OUTPUT_FILES).sort());
    expect(readFileSync(join(out, OUTPUT_FILES.savedPlan)).subarray(0, 2).toString()).toBe("PK");
    const planJson = parsePlan(readFileSync(join(out, OUTPUT_FILES.planJson), "utf8"));
    const bucket = planJson.resource_changes!.find((change) => change.type === "aws_s3_bucket");
    expect(bucket?.change.actions).toEqual(["update"]);
    expect(readFileSync(join(out, OUTPUT_FILES.summary), "utf8")).toMatch(/^### Terraform plan: tickets-state \(offline\)\n/);
  });

  test("a plan terraform rejects leaves no output behind, not even an earlier run's", async () => {
    const broken = join(scratch, "broken.tfstate");
    writeFileSync(broken, JSON.stringify({ ...bucketState, resources: [{ ...bucketState.resources[0]!, type: "aws_no_such_type" }] }));
    const failedOut = join(scratch, "out-failed");
    mkdirSync(failedOut);
    writeFileSync(join(failedOut, OUTPUT_FILES.planJson), "{}");
    const failed = await plan(["--stack", "tickets-state", "--state", broken, "--out", failedOut], withoutAws());
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/^plan: terraform plan .* failed in .*out-failed\/terraform:\n/);
    expect(readdirSync(failedOut)).toEqual([]);
  });
});
