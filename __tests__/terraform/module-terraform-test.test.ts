/**
 * The module's files by concern, its own `terraform test` suite and its examples/two-instances,
 * on the module the global setup built: the split files are the one-file configuration block
 * for block; `terraform init` + `terraform test -json` (offline, mock providers) passes every
 * run; a module with one validation broken fails the run that guards it; the example plans
 * without a warning, two instances that share no name.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { BLOCK_FILES, mergeModuleFiles } from "../../tools/build-module/module-layout";
import type { Plan, PlanResourceChange } from "../../tools/plan-summary/plan-schema";
import type { OfflinePlanResult } from "../../tools/terraform/offline-plan";
import { prepareToolchain, type TerraformToolchain } from "../../tools/terraform/toolchain";
import { MODULE_TEST_DIR, MODULE_TWO_INSTANCES_VARS, moduleRootPlan, moduleRootsDiagnostics, TEST_CACHE } from "./support/paths";
import { describeWithTerraform } from "./support/terraform-tests";

const run = promisify(execFile);

/** The module's configuration as Terraform loads it (its files merged), from the global setup's build. */
const moduleJson = () => JSON.parse(readFileSync(join(TEST_CACHE, "module.json"), "utf8")) as Record<string, any>;
const configurationFiles = (dir: string) => readdirSync(dir).filter((file) => file.endsWith(".tf.json"));
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, any>;

describe("the module's files by concern", () => {
  test("the files merged are today's one-file configuration, block for block", () => {
    const files = Object.fromEntries(
      configurationFiles(MODULE_TEST_DIR).map((file) => [file, readJson(join(MODULE_TEST_DIR, file))]),
    );
    const merged = mergeModuleFiles(files);
    const single = moduleJson();
    expect(Object.keys(merged).sort()).toEqual(Object.keys(single).sort());
    for (const kind of ["resource", "data"]) {
      expect(Object.keys(merged[kind]).sort()).toEqual(Object.keys(single[kind]).sort());
      for (const [type, byName] of Object.entries<Record<string, unknown>>(single[kind])) {
        for (const [name, block] of Object.entries(byName)) {
          expect({ address: `${kind}.${type}.${name}`, block: merged[kind][type][name] }).toEqual({
            address: `${kind}.${type}.${name}`,
            block,
          });
        }
      }
    }
    expect(merged).toEqual(single);
  });

  test("versions, variables, outputs and moved blocks each have their file; resources are in files by concern", () => {
    expect(configurationFiles(MODULE_TEST_DIR).sort()).toEqual([
      "alarms.tf.json",
      "api-ap-southeast-1.tf.json",
      "api-eu-west-1.tf.json",
      "dns.tf.json",
      "domains.tf.json",
      "moved.tf.json",
      "outputs.tf.json",
      "providers.tf.json",
      "table.tf.json",
      "variables.tf.json",
      "versions.tf.json",
    ]);
    for (const [kind, file] of Object.entries(BLOCK_FILES)) {
      expect(Object.keys(readJson(join(MODULE_TEST_DIR, file))).sort()).toEqual(["//", kind]);
    }
  });

  test("each regional API file holds that region's resources only; dns holds only Route 53; the guards only aws_region", () => {
    const blocks = (file: string) => {
      const content = readJson(join(MODULE_TEST_DIR, file));
      return ["resource", "data"].flatMap((kind) =>
        Object.entries<Record<string, any>>(content[kind] ?? {}).flatMap(([type, byName]) =>
          Object.entries(byName).map(([name, block]) => ({ type, name, provider: block.provider as string })),
        ),
      );
    };
    for (const region of ["eu-west-1", "ap-southeast-1"]) {
      const api = blocks(`api-${region}.tf.json`);
      expect(api.length).toBeGreaterThan(25);
      for (const { type, name, provider } of api)
        expect({ type, name, provider }).toEqual({ type, name, provider: `aws.${region}` });
    }
    expect(new Set(blocks("dns.tf.json").map((block) => block.type))).toEqual(
      new Set(["aws_route53_health_check", "aws_route53_record"]),
    );
    expect(blocks("providers.tf.json").map((block) => block.type)).toEqual(["aws_region", "aws_region", "aws_region"]);
    expect(new Set(blocks("table.tf.json").map((block) => block.type))).toEqual(
      new Set(["aws_dynamodb_table", "aws_dynamodb_resource_policy", "aws_iam_policy_document"]),
    );
  });
});

/** One `terraform test -json` event. */
interface TestEvent {
  readonly type: string;
  readonly "@message": string;
  readonly "@level": string;
  readonly test_abstract?: Record<string, string[]>;
  readonly test_run?: { path: string; run: string; progress: string; status?: string };
  readonly test_summary?: { status: string; passed: number; failed: number; errored: number; skipped: number };
  readonly diagnostic?: { summary: string; detail: string };
}

interface TestResult {
  readonly exitCode: number;
  readonly events: TestEvent[];
  readonly seconds: number;
}

/** `terraform init -backend=false` then `terraform test -json` in `dir`, offline through the toolchain's CLI config. */
async function terraformTest(toolchain: TerraformToolchain, dir: string): Promise<TestResult> {
  const options = { cwd: dir, env: toolchain.env, maxBuffer: 64 * 1024 * 1024 };
  await run(toolchain.terraform, ["init", "-backend=false", "-input=false", "-no-color"], options);
  const started = performance.now();
  let exitCode = 0;
  let stdout: string;
  try {
    stdout = (await run(toolchain.terraform, ["test", "-json", "-no-color"], options)).stdout;
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    exitCode = failed.code ?? -1;
    stdout = failed.stdout ?? "";
  }
  const events = stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as TestEvent);
  return { exitCode, events, seconds: (performance.now() - started) / 1000 };
}

/** Final status of every run: `file/run` -> status. */
const runStatuses = (events: TestEvent[]) =>
  Object.fromEntries(
    events
      .filter((event) => event.type === "test_run" && event.test_run?.progress === "complete")
      .map((event) => [`${event.test_run!.path}/${event.test_run!.run}`, event.test_run!.status]),
  );

const SCRATCH = join(TEST_CACHE, "module-terraform-test");
/** A copy of the built module: init and test write `.terraform/` there, not into the module the archive tests compare. */
function moduleCopy(name: string): string {
  const dir = join(SCRATCH, name, "terraform-module");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(MODULE_TEST_DIR, dir, { recursive: true });
  return dir;
}

describeWithTerraform("the module's own tests (terraform test, offline with mock providers)", () => {
  let toolchain: TerraformToolchain;
  let passing: TestResult;
  let broken: TestResult;
  const BROKEN_INPUT = "name_prefix";

  beforeAll(async () => {
    toolchain = prepareToolchain(join(SCRATCH, "toolchain"))!;
    const asBuilt = moduleCopy("as-built");
    // The module's input tests on a copy whose name_prefix rule accepts anything.
    const brokenDir = moduleCopy("broken-validation");
    const variables = readJson(join(brokenDir, "variables.tf.json"));
    // Always true (Terraform refuses a condition that doesn't refer to the variable).
    variables.variable[BROKEN_INPUT].validation[0].condition = `\${var.${BROKEN_INPUT} != null}`;
    writeFileSync(join(brokenDir, "variables.tf.json"), JSON.stringify(variables, null, 2));
    for (const file of readdirSync(join(brokenDir, "tests"))) {
      if (file.endsWith(".tftest.hcl") && file !== "inputs.tftest.hcl") rmSync(join(brokenDir, "tests", file));
    }
    [passing, broken] = await Promise.all([terraformTest(toolchain, asBuilt), terraformTest(toolchain, brokenDir)]);
    process.stderr.write(
      `  terraform test: ${Object.keys(runStatuses(passing.events)).length} runs in ${passing.seconds.toFixed(1)} s; broken copy ${broken.seconds.toFixed(1)} s\n`,
    );
  }, 300_000);

  test("every run of every test file passes", () => {
    const abstract = passing.events.find((event) => event.type === "test_abstract")!.test_abstract!;
    const declared = Object.entries(abstract).flatMap(([file, runs]) => runs.map((name) => `${file}/${name}`));
    expect(Object.keys(abstract).sort()).toEqual([
      "tests/defaults.tftest.hcl",
      "tests/inputs.tftest.hcl",
      "tests/providers.tftest.hcl",
      "tests/two_instances.tftest.hcl",
    ]);
    expect(runStatuses(passing.events)).toEqual(Object.fromEntries(declared.map((name) => [name, "pass"])));
    expect(passing.events.find((event) => event.type === "test_summary")?.test_summary).toMatchObject({
      status: "pass",
      failed: 0,
      errored: 0,
      skipped: 0,
    });
    expect(passing.exitCode).toBe(0);
    // No warning either (a mock provider or a deprecated argument would say so here).
    expect(passing.events.filter((event) => event["@level"] !== "info").map((event) => event["@message"])).toEqual([]);
  });

  test("every input with a validation is given a wrong value and expected to fail, and no other", () => {
    const inputs = readFileSync(join(MODULE_TEST_DIR, "tests", "inputs.tftest.hcl"), "utf8");
    const expected = [...inputs.matchAll(/^\s+var\.(\w+),$/gm)].map(([, name]) => name).sort();
    const ruled = Object.entries<any>(moduleJson().variable)
      .filter(([, variable]) => variable.validation !== undefined)
      .map(([name]) => name)
      .sort();
    expect(ruled.length).toBeGreaterThanOrEqual(18);
    expect(expected).toEqual(ruled);
    expect(runStatuses(passing.events)["tests/inputs.tftest.hcl/invalid_inputs"]).toBe("pass");
  });

  test("a region guard fails for an alias wired to another region, and each guard when all are", () => {
    for (const run of ["us_east_1_wired_to_another_region", "every_alias_wired_to_another_region"]) {
      expect(runStatuses(passing.events)[`tests/providers.tftest.hcl/${run}`]).toBe("pass");
    }
  });

  test("the tests can fail: with name_prefix's rule broken, the run of wrong inputs fails, naming the input", () => {
    expect(broken.exitCode).not.toBe(0);
    expect(runStatuses(broken.events)).toEqual({
      "tests/inputs.tftest.hcl/invalid_inputs": expect.stringMatching(/^(fail|error)$/),
    });
    const errors = broken.events.filter((event) => event["@level"] === "error").map((event) => event.diagnostic);
    expect(errors).toContainEqual(
      expect.objectContaining({ summary: "Missing expected failure", detail: expect.stringContaining(`var.${BROKEN_INPUT}`) }),
    );
  });
});

describeWithTerraform("the module's examples/two-instances (for_each over staging and production)", () => {
  // Planned as one child of the module roots' combined root (support/paths.ts, MODULE_ROOTS_PLAN).
  let result: { plan: Plan; diagnostics: OfflinePlanResult["diagnostics"] };
  let changes: PlanResourceChange[];
  beforeAll(() => {
    result = { plan: moduleRootPlan("twoInstancesExample"), diagnostics: moduleRootsDiagnostics() };
    changes = (result.plan.resource_changes ?? []).filter((change) => change.mode === "managed");
  });
  const of = (instance: string) => changes.filter((change) => change.address.startsWith(`module.tickets["${instance}"].`));

  // The plan validates first: `plan -json` reports what `terraform validate` would, for every
  // file of the combined root (this example's included), and reports nothing.
  test("validates: no error, no warning", () => {
    expect(result.diagnostics).toEqual([]);
  });

  test("plans both instances; only production manages the API Gateway account setting", () => {
    expect(of("staging").length).toBeGreaterThan(60);
    expect(of("production").length).toBe(of("staging").length + 6); // account, role, attachment per region
    const accounts = changes.filter((change) => change.type === "aws_api_gateway_account").map((change) => change.address);
    expect(accounts.every((address) => address.startsWith('module.tickets["production"].'))).toBe(true);
    expect(accounts).toHaveLength(2);
    expect(result.plan.output_changes?.table_names?.after).toEqual({ staging: "StagingTickets", production: "ProdTickets" });
  });

  test("no name is planned twice (per type and region)", () => {
    const regionOf = (change: PlanResourceChange) => {
      const after = change.change.after as Record<string, any>;
      return /_(eu_west_1|ap_southeast_1|us_east_1)(\[|$)/.exec(change.address)?.[1] ?? after.region ?? "";
    };
    const seen = new Map<string, string>();
    let named = 0;
    for (const change of changes) {
      const after = (change.change.after ?? {}) as Record<string, unknown>;
      // An inline role policy's name is unique per role only.
      if (change.type === "aws_iam_role_policy") continue;
      for (const attribute of ["name", "function_name", "alarm_name", "domain_name"]) {
        const value = after[attribute];
        if (typeof value !== "string") continue;
        // Records and certificates of one instance name the same domain on purpose (failover pair, one name per region).
        if (["aws_route53_record", "aws_acm_certificate"].includes(change.type)) continue;
        const key = `${change.type}.${attribute}=${value}@${change.type === "aws_iam_role" ? "global" : regionOf(change)}`;
        expect({ key, first: seen.get(key) ?? change.address }).toEqual({ key, first: change.address });
        seen.set(key, change.address);
        named += 1;
      }
    }
    expect(named).toBeGreaterThan(60);
    for (const instance of ["staging", "production"]) {
      const records = of(instance)
        .filter((change) => change.type === "aws_route53_record")
        .map((change) => (change.change.after as Record<string, any>).name)
        // The certificate validation record's name is known only after apply.
        .filter((name): name is string => typeof name === "string");
      const domain =
        instance === "staging" ? `staging.${MODULE_TWO_INSTANCES_VARS.domain_name}` : MODULE_TWO_INSTANCES_VARS.domain_name;
      for (const name of records) expect(name.endsWith(domain)).toBe(true);
    }
  });
});
