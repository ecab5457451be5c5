/**
 * `npm run plan` on bad input: one clear message, exit 1, nothing written; `--help`; the exit
 * code through the npm script's process. The real plans are in __tests__/terraform/plan/.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../../../bundling/project-root";
import { runPlanCli } from "../../support/plan-cli";

const plan = (args: string[], env: NodeJS.ProcessEnv = process.env) => runPlanCli(args, env, PROJECT_ROOT);

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
    [
      "an unknown stack",
      () => ["--stack", "tickets-prod"],
      /^plan: unknown stack "tickets-prod"; the stacks are: tickets-state, tickets\n$/,
    ],
    ["an unknown argument", () => ["--stacks", "tickets"], /^plan: unknown argument --stacks; usage: npm run plan -- /],
    ["an option without its value", () => ["--stack"], /^plan: --stack needs a value\n$/],
    [
      "a settings file that doesn't exist",
      () => ["--config", join(scratch, "missing.json")],
      /^plan: Invalid configuration \(.*missing\.json\):\n {2}- TICKETS_CONFIG: cannot read ".*missing\.json": file not found\n$/,
    ],
    [
      "invalid settings, naming each field",
      () => [
        "--config",
        file(
          "bad.json",
          JSON.stringify({ domainName: "example.com", hostedZoneId: "Z1", regions: [{ name: "eu-west-9", label: "x" }] }),
        ),
      ],
      /^plan: Invalid configuration \(.*bad\.json\):\n(?: {2}- .*\n)*? {2}- config\.regions\[0\]\.name: must be an AWS region code such as eu-west-1, got "eu-west-9"/,
    ],
    [
      "a state file that doesn't exist",
      () => ["--state", join(scratch, "missing.tfstate")],
      /^plan: --state .*missing\.tfstate: no such file\n$/,
    ],
    [
      "a state file that isn't a state",
      () => ["--state", file("plan.json", '{"format_version":"1.2"}')],
      /^plan: --state .*plan\.json: not a Terraform state \(expected the JSON of `terraform state pull`/,
    ],
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
    expect(noTerraform).toEqual({
      status: 1,
      stdout: "",
      stderr: "plan: terraform not found on PATH: install Terraform 1.10 or later, or set TERRAFORM_BIN to its path\n",
    });
    expect(badBin.stderr).toBe(`plan: TERRAFORM_BIN is "${join(scratch, "terraform")}", which is not an executable file\n`);
    expect(existsSync(out)).toBe(false);
  });

  test("--help prints the usage and exits 0", async () => {
    const result = await plan(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^usage: npm run plan -- \[--stack <name>\] \[--config <file>\] \[--out <dir>\] \[--state <file>\]\n/,
    );
    expect(result.stderr).toBe("");
  });

  test("the npm script exits 1 with the message on stderr", async () => {
    const failure = await promisify(execFile)(process.execPath, ["--import", "tsx", "tools/plan/cli.ts", "--stack", "nope"], {
      cwd: PROJECT_ROOT,
    }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure).toMatchObject({
      code: 1,
      stdout: "",
      stderr: 'plan: unknown stack "nope"; the stacks are: tickets-state, tickets\n',
    });
  });
});
