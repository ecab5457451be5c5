/**
 * `npm run plan` for real: an offline plan of the state bucket stack against a state, with
 * no AWS credentials at all, writing the saved plan, its JSON and the summary; and a plan
 * terraform rejects, which leaves no output behind.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../../bundling/project-root";
import { parsePlan } from "../../../tools/plan-summary/plan-schema";
import { OUTPUT_FILES } from "../../../tools/plan/plan-stack";
import { runPlanCli, withoutAws } from "../../support/plan-cli";
import { readStackJson } from "../support/paths";
import { describeWithTerraform } from "../support/terraform-tests";

const plan = (args: string[], env: NodeJS.ProcessEnv) => runPlanCli(args, env, PROJECT_ROOT);

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "plan-cli-test-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

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
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: "wild-rydes-tickets-tfstate",
              bucket: "wild-rydes-tickets-tfstate",
              arn: "arn:aws:s3:::wild-rydes-tickets-tfstate",
              force_destroy: false,
              tags: {},
              tags_all: {},
            },
          },
        ],
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
    expect(result.stdout).toContain(
      'Planned stack "tickets-state" offline (settings: built-in defaults; fake credentials, local backend, no refresh):',
    );
    // The bucket is in the state: planned as an update (the crafted state lacks attributes), not a create.
    const resources = Object.values<Record<string, unknown>>(readStackJson("default", "tickets-state").resource).reduce(
      (count, byName) => count + Object.keys(byName).length,
      0,
    );
    expect(resources).toBeGreaterThan(5);
    expect(result.stdout).toContain(`${resources - 1} to create, 1 to update, 0 to replace, 0 to delete`);
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
    writeFileSync(
      broken,
      JSON.stringify({ ...bucketState, resources: [{ ...bucketState.resources[0]!, type: "aws_no_such_type" }] }),
    );
    const failedOut = join(scratch, "out-failed");
    mkdirSync(failedOut);
    writeFileSync(join(failedOut, OUTPUT_FILES.planJson), "{}");
    const failed = await plan(["--stack", "tickets-state", "--state", broken, "--out", failedOut], withoutAws());
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/^plan: terraform plan .* failed in .*out-failed\/terraform:\n/);
    expect(readdirSync(failedOut)).toEqual([]);
  });
});
