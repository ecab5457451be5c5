import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { loadConfig } from "../../config/load";
import { buildTerraformModule, projectRelease } from "../../tools/build-module/build";
import { writeTarball } from "../../tools/build-module/tarball";
import type { PlanResourceChange } from "../../tools/plan-summary/plan-schema";
import type { OfflinePlanResult } from "../../tools/terraform/offline-plan";
import type { ArchiveResult } from "./support/module-archive";
import {
  ARCHIVE_RESULT_FILE,
  MISWIRED_PLAN,
  MODULE_EXAMPLE_COPY,
  MODULE_EXAMPLE_VARS,
  MODULE_ROOTS_PLAN,
  MODULE_TEST_DIR,
  moduleRootPlan,
  moduleRootsDiagnostics,
  moduleTestTarball,
  PLAN_FAILURE_FILE,
  PROJECT_ROOT,
  TEST_CACHE,
} from "./support/paths";
import { describeWithTerraform } from "./support/terraform-tests";

/** The module's configuration as Terraform loads it (its files merged), from the global setup's build. */
const moduleJson = () => JSON.parse(readFileSync(join(TEST_CACHE, "module.json"), "utf8")) as Record<string, any>;

describe("plain Terraform module (npm run build:module)", () => {
  const moduleFile = (name: string) => JSON.parse(readFileSync(join(MODULE_TEST_DIR, name), "utf8")) as Record<string, any>;

  test("writes the module as README.md, versions.tf.json, the configuration in files by concern, assets/, tests/ and examples/", () => {
    expect(readdirSync(MODULE_TEST_DIR).sort()).toEqual([
      "README.md",
      "alarms.tf.json",
      "api-ap-southeast-1.tf.json",
      "api-eu-west-1.tf.json",
      "assets",
      "dns.tf.json",
      "domains.tf.json",
      "examples",
      "moved.tf.json",
      "outputs.tf.json",
      "providers.tf.json",
      "table.tf.json",
      "tests",
      "variables.tf.json",
      "versions.tf.json",
    ]);
    const { terraform } = moduleJson();
    expect(moduleFile("versions.tf.json")).toEqual({ "//": expect.any(String), terraform });
  });

  test("versions.tf.json names the project release; no other file has a terraform block", () => {
    const { name, version } = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8"));
    expect(moduleFile("versions.tf.json")["//"]).toContain(`${name} ${version}`);
    for (const file of readdirSync(MODULE_TEST_DIR).filter((f) => f.endsWith(".tf.json") && f !== "versions.tf.json")) {
      expect({ file, terraform: moduleFile(file).terraform }).toEqual({ file, terraform: undefined });
    }
  });

  test("requires the oldest Terraform that reads it (postconditions: 1.2), not the main stack's 1.10", () => {
    expect(moduleJson().terraform.required_version).toBe(">= 1.2.0");
    expect(moduleJson().data.aws_region).toBeDefined();
  });

  test("has no backend and no provider blocks", () => {
    expect(moduleJson().terraform.backend).toBeUndefined();
    expect(moduleJson().provider).toBeUndefined();
  });

  test("asks the caller for one aws provider per region, plus us-east-1 for the alarms", () => {
    expect(moduleJson().terraform.required_providers).toEqual({
      aws: {
        source: "hashicorp/aws",
        version: ">= 5.100.0, < 6.0.0",
        configuration_aliases: ["aws.eu-west-1", "aws.ap-southeast-1", "aws.us-east-1"],
      },
    });
  });

  test("takes every per-deployment setting as a validated input", () => {
    const { variable } = moduleJson();
    expect(Object.keys(variable).sort()).toEqual([
      "alarm_email",
      "certificate_arns",
      "cors_allow_origin",
      "domain_name",
      "health_check_allowed_cidrs",
      "health_check_failure_threshold",
      "health_check_request_interval",
      "health_reserved_concurrency",
      "hosted_zone_id",
      "lambda_memory_size",
      "lambda_timeout",
      "log_retention_days",
      "manage_api_gateway_account",
      "name_prefix",
      "replication_alarm_evaluation_periods",
      "replication_alarm_period_seconds",
      "replication_alarm_threshold_seconds",
      "replication_alarm_treat_missing_data",
      "routing",
      "table_name",
      "tags",
      "throttling_burst_limit",
      "throttling_rate_limit",
    ]);
    expect(variable.domain_name.default).toBeUndefined();
    expect(variable.hosted_zone_id.default).toBeUndefined();
    expect(variable.table_name.default).toBe("SXRTickets");
    expect(variable.name_prefix.default).toBe("tickets");
    expect(variable.alarm_email).toMatchObject({ default: null, nullable: true });
    expect(variable.health_reserved_concurrency).toMatchObject({ default: 10, nullable: true });
    expect(variable.manage_api_gateway_account).toMatchObject({ type: "bool", default: true, nullable: false });
    expect(variable.certificate_arns).toMatchObject({ type: "map(string)", default: {}, nullable: false });
    // The app's built-in tags stay out of the module (deployment-inputs.test.ts has why).
    expect(variable.tags).toMatchObject({ type: "map(string)", default: {}, nullable: false });
    for (const name of Object.keys(variable)) {
      expect(variable[name].description).toMatch(/\S/);
      // A bool has no values to rule out beyond its type.
      if (variable[name].type === "bool") continue;
      expect(variable[name].validation).toHaveLength(1);
      expect(variable[name].validation[0].condition).toContain(`var.${name}`);
    }
  });

  test.each([
    ["health_check_request_interval", "contains([10, 30], var.health_check_request_interval)"],
    ["health_check_failure_threshold", "(var.health_check_failure_threshold >= 1) && (var.health_check_failure_threshold <= 10)"],
    ["lambda_memory_size", "(var.lambda_memory_size >= 128) && (var.lambda_memory_size <= 10240)"],
    ["name_prefix", String.raw`can(regex("^[a-z][a-z0-9-]{0,19}$", var.name_prefix))`],
    ["alarm_email", "var.alarm_email == null ? true :"],
    ["tags", "for key, item in var.tags : (length(key) >= 1) && (length(key) <= 128) && (length(item) <= 256)"],
    [
      "certificate_arns",
      String.raw`for region, arn in var.certificate_arns : contains(["eu-west-1", "ap-southeast-1"], region) && try(regex(`,
    ],
  ])("%s carries the config schema's rule", (name, fragment) => {
    expect(JSON.stringify(moduleJson().variable[name].validation[0].condition)).toContain(JSON.stringify(fragment).slice(1, -1));
  });

  test("names every named resource after name_prefix", () => {
    const { resource } = moduleJson();
    const named: [string, string][] = [
      ["aws_lambda_function", "function_name"],
      ["aws_iam_role", "name"],
      ["aws_api_gateway_rest_api", "name"],
      ["aws_sns_topic", "name"],
      ["aws_cloudwatch_metric_alarm", "alarm_name"],
    ];
    for (const [type, attribute] of named) {
      const names = Object.values<any>(resource[type]).map((r) => r[attribute] as string);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(name).toContain("${var.name_prefix}");
    }
  });

  test("uses the inputs wherever the stack used the config values", () => {
    const text = JSON.stringify(moduleJson().resource);
    expect(text).not.toContain("example.com");
    expect(text).not.toContain("Z0000000000EXAMPLE");
    expect(text).not.toContain("SXRTickets");
    const tableNames = Object.values<any>(moduleJson().resource.aws_dynamodb_table).map((table) => table.name as string);
    expect(tableNames.sort()).toEqual(["${var.table_name}", "${var.table_name}-idempotency"]);
  });

  test("keeps the stack's outputs", () => {
    expect(Object.keys(moduleJson().output).sort()).toEqual([
      "alarm_topic_arn",
      "api_url",
      "dashboard_url",
      "health_check_ids",
      "invoke_urls",
      "region_urls",
      "replication_alarm_topic_arns",
      "routing_health_check_ids",
      "table_arns",
      "table_name",
    ]);
    expect(moduleJson().output.api_url.value).toBe("https://api.${var.domain_name}/");
  });

  test("ships the Lambda zips inside the module, referenced through path.module", () => {
    const functions = Object.values<any>(moduleJson().resource.aws_lambda_function);
    expect(functions).toHaveLength(6);
    for (const fn of functions) {
      expect(fn.filename).toMatch(/^\$\{path\.module\}\/assets\/.+\.zip$/);
      expect(existsSync(join(MODULE_TEST_DIR, fn.filename.replace("${path.module}/", "")))).toBe(true);
    }
  });

  test("the example is plain HCL that passes one provider per alias", () => {
    const example = readFileSync(join(PROJECT_ROOT, "examples", "terraform-native", "main.tf"), "utf8");
    expect(example).toContain('source = "../../dist/terraform-module"');
    for (const alias of ["eu-west-1", "ap-southeast-1", "us-east-1"]) {
      expect(example).toMatch(new RegExp(`aws\\.${alias}\\s+= aws\\.${alias}`));
    }
  });
});

describe("the module's generated README", () => {
  const readme = () => readFileSync(join(MODULE_TEST_DIR, "README.md"), "utf8");
  const row = (kind: string, name: string) =>
    readme()
      .split("\n")
      .find((line) => line.startsWith(`| <a name="${kind}_${name}"></a>`));

  test("names the release and how to rebuild it", () => {
    expect(readme()).toMatch(new RegExp(`^# .+ ${projectRelease().version.replaceAll(".", "\\.")}\n`));
    expect(readme()).toContain("TICKETS_CONFIG=deploy/prod.json npm run build:module -- --out dist/terraform-module");
  });

  test("lists every input with its type, default and whether it is required", () => {
    for (const [name, variable] of Object.entries<any>(moduleJson().variable)) {
      const required = !("default" in variable);
      const cells = row("input", name)?.split(" | ");
      expect({ name, type: cells?.[2], default: cells?.[3], required: cells?.[4] }).toEqual({
        name,
        type: `\`${variable.type}\``,
        default: required ? "n/a" : `\`${JSON.stringify(variable.default)}\``,
        required: required ? "yes |" : "no |",
      });
    }
  });

  test("lists every output with its description", () => {
    for (const [name, output] of Object.entries<any>(moduleJson().output)) {
      expect(row("output", name)).toContain(output.description);
    }
  });

  test("states the required versions and, per provider alias, its region and purpose", () => {
    const { required_version: terraform, required_providers: providers } = moduleJson().terraform;
    expect(row("requirement", "terraform")).toContain(terraform);
    expect(row("requirement", "aws")).toContain(providers.aws.version);
    for (const alias of providers.aws.configuration_aliases as string[]) {
      expect(readme()).toMatch(new RegExp(`\\| \`${alias}\` \\| \`${alias.slice(4)}\` \\| \\S`));
    }
    expect(readme()).toMatch(
      /\| `aws.us-east-1` \| `us-east-1` \| [^|]*Route 53 publishes health-check metrics only in us-east-1/,
    );
  });

  test("lists every resource and data source by address", () => {
    const { resource, data } = moduleJson();
    for (const [blocks, mode] of [
      [resource, "resource"],
      [data, "data source"],
    ] as const) {
      for (const [type, byName] of Object.entries<Record<string, unknown>>(blocks)) {
        for (const name of Object.keys(byName)) expect(readme()).toContain(`| [${type}.${name}](`);
      }
      expect(readme().split(`) | ${mode} |`).length - 1).toBe(
        Object.values<object>(blocks).reduce((sum, byName) => sum + Object.keys(byName).length, 0),
      );
    }
  });
});

describe("the release archive", () => {
  const tarball = () => moduleTestTarball(projectRelease().version);
  /** Every folder (with a trailing slash) and file under `dir`, as tar lists them. */
  const treeOf = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: "utf8" })
      .map((path) => (statSync(join(dir, path)).isDirectory() ? `${path}/` : path))
      .sort();

  test("holds exactly the module folder's files, at the archive's root", () => {
    const listing = spawnSync("tar", ["-tzf", tarball()], { encoding: "utf8" });
    expect(listing.status).toBe(0);
    expect(listing.stdout.trim().split("\n").sort()).toEqual(treeOf(MODULE_TEST_DIR));
  });

  test("a second build gives a byte-identical archive", () => {
    const scratch = mkdtempSync(join(tmpdir(), "module-rebuild-"));
    try {
      const outDir = join(scratch, "terraform-module");
      buildTerraformModule(loadConfig({}), outDir);
      const rebuilt = writeTarball(outDir, join(scratch, "rebuilt.tgz"));
      expect(readFileSync(rebuilt.path).equals(readFileSync(tarball()))).toBe(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 180_000);
});

describeWithTerraform("terraform on examples/terraform-native", () => {
  // Planned as one child of the module roots' combined root (support/paths.ts, MODULE_ROOTS_PLAN).
  let result: { plan: OfflinePlanResult["plan"] };
  let changes: PlanResourceChange[];
  beforeAll(() => {
    result = { plan: moduleRootPlan("native") };
    changes = result.plan.resource_changes!.filter((c) => c.mode === "managed");
  });
  const after = (type: string) => changes.filter((c) => c.type === type).map((c) => c.change.after ?? {});

  // The combined root's lock file is the example's; it needs no provider the example doesn't.
  test("init used the committed lock file as it is (init -lockfile=readonly)", () => {
    const committed = readFileSync(join(PROJECT_ROOT, "examples", "terraform-native", ".terraform.lock.hcl"), "utf8");
    expect(readFileSync(join(MODULE_EXAMPLE_COPY, ".terraform.lock.hcl"), "utf8")).toBe(committed);
    expect(readFileSync(join(MODULE_ROOTS_PLAN, ".terraform.lock.hcl"), "utf8")).toBe(committed);
    const installed = readdirSync(join(MODULE_ROOTS_PLAN, ".terraform", "providers", "registry.terraform.io"), {
      recursive: true,
      encoding: "utf8",
    }).filter((path) => path.split(sep).length === 2);
    expect(installed).toEqual([join("hashicorp", "aws")]);
    expect(committed).toContain('provider "registry.terraform.io/hashicorp/aws" {\n  version     = "5.100.0"');
    expect(committed).toMatch(/"h1:[A-Za-z0-9+/]{43}=",/);
  });

  test("plans the whole system inside the module", () => {
    expect(changes.length).toBeGreaterThan(70);
    for (const change of changes) {
      expect(change.address.startsWith("module.tickets.")).toBe(true);
      expect(change.change.actions).toEqual(["create"]);
    }
  });

  test("the domain variable reaches certificates, custom domains, records and health checks", () => {
    const domain = MODULE_EXAMPLE_VARS.domain_name;
    const certificates = after("aws_acm_certificate");
    expect(certificates).toHaveLength(2);
    for (const certificate of certificates) {
      expect(certificate.domain_name).toBe(domain);
      expect(certificate.subject_alternative_names).toContain(`*.${domain}`);
    }
    expect(
      after("aws_api_gateway_domain_name")
        .map((d) => d.domain_name)
        .sort(),
    ).toEqual([`api.${domain}`, `api.${domain}`, `ireland.${domain}`, `singapore.${domain}`].sort());
    // The validation record is keyed by domain (for_each); the api records are counted on var.routing.
    expect(changes.filter((c) => c.type === "aws_route53_record" && typeof c.index === "string").map((c) => c.index)).toEqual([
      domain,
    ]);
    expect(result.plan.output_changes?.api_url?.after).toBe(`https://api.${domain}/`);
  });

  test("the hosted zone variable reaches every record", () => {
    const zones = new Set(after("aws_route53_record").map((r) => r.zone_id));
    expect([...zones]).toEqual([MODULE_EXAMPLE_VARS.hosted_zone_id]);
  });
});

describeWithTerraform("the module as Terraform teams use it (offline plans of fixture roots)", () => {
  test("a provider wired to the wrong region fails the plan with a message naming both", () => {
    // Terraform wraps long messages: compare with the line breaks folded.
    const failure = readFileSync(join(MISWIRED_PLAN, PLAN_FAILURE_FILE), "utf8").replace(/\s+/g, " ");
    expect(failure).toContain("Error: Resource postcondition failed");
    expect(failure).toContain(
      "The provider passed as aws.us-east-1 is configured for region eu-central-1; it must be us-east-1.",
    );
  });

  describe("two instances in one account (staging active-active, with its own certificate in eu-west-1, its own tags and no account setting)", () => {
    let plan: OfflinePlanResult["plan"] & { configuration?: any };
    beforeAll(() => {
      // Planned as one child of the module roots' combined root (support/paths.ts, MODULE_ROOTS_PLAN).
      plan = moduleRootPlan("twoInstancesFixture");
    });
    const changesOf = (instance: string) =>
      (plan.resource_changes ?? []).filter(
        (change) =>
          change.mode === "managed" &&
          change.change.actions.includes("create") &&
          change.address.startsWith(`module.${instance}.`),
      );
    const byInstance = (instance: string) =>
      new Map(
        changesOf(instance)
          // The ACM validation record's for_each key is the instance's own domain: compare the resource, not its key.
          .map((change) => [
            change.address.slice(`module.${instance}.`.length).replace(/\["[^"]+"\]$/, '["<domain_name>"]'),
            change.change.after as Record<string, unknown>,
          ]),
      );
    const STAGING_CERTIFICATE = "arn:aws:acm:eu-west-1:111122223333:certificate/0f5b8c2e-4a8d-4c6e-9b1a-3d2e7f6a5b4c";
    const ofType = (changes: PlanResourceChange[], type: string) => changes.filter((change) => change.type === type);
    /** The region of the provider alias a resource of `instance` uses inside the module (`aws.<region>`). */
    const regionIn = (instance: string) => {
      const resources: { address: string; provider_config_key: string }[] =
        plan.configuration.root_module.module_calls[instance].module.resources;
      const byAddress = new Map(resources.map((r) => [r.address, r.provider_config_key.replace(/^aws\./, "")]));
      return (change: PlanResourceChange) =>
        byAddress.get(change.address.slice(`module.${instance}.`.length).replace(/\[[^\]]*\]$/, ""));
    };
    const inRegion = (instance: string, region: string) => {
      const regionOf = regionIn(instance);
      return (change: PlanResourceChange) => regionOf(change) === region;
    };

    test("plan, and no resource of one has the name of its twin in the other", () => {
      const [staging, production] = [byInstance("staging"), byInstance("production")];
      expect(staging.size).toBeGreaterThan(60);
      // The same resources, but for what only production has: the e-mail subscriptions (health
      // alarms, and each region's replication alarms), the account setting (its role,
      // attachment and account per region), eu-west-1's new certificate and the failover
      // records; staging has the latency records instead.
      const productionOnly = [...production.keys()].filter((address) => !staging.has(address)).sort();
      expect(productionOnly.map((address) => address.split(".")[0]).sort()).toEqual([
        "aws_acm_certificate",
        "aws_acm_certificate_validation",
        "aws_api_gateway_account",
        "aws_api_gateway_account",
        "aws_iam_role",
        "aws_iam_role",
        "aws_iam_role_policy_attachment",
        "aws_iam_role_policy_attachment",
        "aws_route53_record",
        "aws_route53_record",
        "aws_sns_topic_subscription",
        "aws_sns_topic_subscription",
        "aws_sns_topic_subscription",
      ]);
      const stagingOnly = [...staging.keys()].filter((address) => !production.has(address));
      expect(stagingOnly.map((address) => address.split(".")[0])).toEqual(["aws_route53_record", "aws_route53_record"]);
      let compared = 0;
      // Names AWS requires to be unique in an account (per region for regional resources).
      for (const attribute of ["name", "function_name", "alarm_name"]) {
        for (const [address, after] of staging) {
          // An inline policy's name is unique per role only, and each instance has its own roles.
          if (address.split(".").at(-2) === "aws_iam_role_policy") continue;
          const twin = production.get(address);
          if (typeof after[attribute] !== "string" || twin === undefined) continue;
          expect({ address, attribute, name: twin[attribute] }).not.toEqual({ address, attribute, name: after[attribute] });
          compared += 1;
        }
      }
      expect(compared).toBeGreaterThan(30);
    });

    test("routing: staging's api.<domain> is a latency record per region, production's a failover pair", () => {
      const apiRecords = (instance: string, domain: string) =>
        ofType(changesOf(instance), "aws_route53_record")
          .map((change) => change.change.after as Record<string, any>)
          .filter((after) => after.name === `api.${domain}`)
          .map((after) => [after.set_identifier, after.latency_routing_policy, after.failover_routing_policy]);
      expect(apiRecords("staging", "staging.example.net").sort()).toEqual([
        ["ireland", [{ region: "eu-west-1" }], []],
        ["singapore", [{ region: "ap-southeast-1" }], []],
      ]);
      expect(apiRecords("production", "example.net").sort()).toEqual([
        ["ireland-primary", [], [{ type: "PRIMARY" }]],
        ["singapore-secondary", [], [{ type: "SECONDARY" }]],
      ]);
    });

    test("manage_api_gateway_account: production sets the account's CloudWatch role in each region, staging leaves it alone", () => {
      const production = ofType(changesOf("production"), "aws_api_gateway_account");
      expect(production.map(regionIn("production")).sort()).toEqual(["ap-southeast-1", "eu-west-1"]);
      expect(ofType(changesOf("staging"), "aws_api_gateway_account")).toEqual([]);
      expect(ofType(changesOf("staging"), "aws_iam_role_policy_attachment")).toEqual([]);
      // Staging's stages still plan: they wait for no account resource of their own.
      expect(ofType(changesOf("staging"), "aws_api_gateway_stage")).toHaveLength(2);
    });

    test("certificate_arns: staging's eu-west-1 domains use its certificate and make none there; ap-southeast-1 gets a new one", () => {
      const staging = changesOf("staging");
      const [ireland, singapore] = ["eu-west-1", "ap-southeast-1"].map((region) => inRegion("staging", region));
      expect(ofType(staging, "aws_acm_certificate").filter(ireland!)).toEqual([]);
      expect(ofType(staging, "aws_acm_certificate_validation").filter(ireland!)).toEqual([]);
      expect(ofType(staging, "aws_acm_certificate").filter(singapore!)).toHaveLength(1);
      const domains = ofType(staging, "aws_api_gateway_domain_name");
      expect(domains).toHaveLength(4);
      for (const domain of domains.filter(ireland!))
        expect(domain.change.after).toMatchObject({ regional_certificate_arn: STAGING_CERTIFICATE });
      for (const domain of domains.filter(singapore!))
        expect(domain.change.after_unknown).toMatchObject({ regional_certificate_arn: true });
      // Singapore's certificate still needs the DNS validation record.
      expect(ofType(staging, "aws_route53_record").filter((change) => change.index === "staging.example.net")).toHaveLength(1);
    });

    test("tags: every resource whose type takes tags carries staging's tags; production, passing none, gets none", () => {
      // `tags_all` is in the plan of exactly the resource types the provider tags (unknown
      // until apply where no tag is set).
      const taggable = (instance: string) => {
        const changes = changesOf(instance).filter(
          (change) => "tags_all" in (change.change.after as object) || "tags_all" in (change.change.after_unknown as object),
        );
        expect(changes.length).toBeGreaterThan(35);
        return changes.map((change) => ({ address: change.address, after: change.change.after as Record<string, any> }));
      };
      for (const { address, after } of taggable("staging"))
        expect({ address, tags: after.tags_all }).toEqual({
          address,
          tags: expect.objectContaining({ Environment: "staging", CostCentre: "cc-1234" }),
        });
      // The health checks' own Name tag is all production has.
      for (const { address, after } of taggable("production"))
        expect({ address, keys: Object.keys(after.tags ?? {}) }).toEqual({
          address,
          keys: address.includes("aws_route53_health_check.") ? ["Name"] : [],
        });
    });
  });
});

describeWithTerraform("the release archive as a module source", () => {
  let result: ArchiveResult;
  beforeAll(() => {
    result = JSON.parse(readFileSync(ARCHIVE_RESULT_FILE, "utf8")) as ArchiveResult;
  });
  /** The archive root is the child `archive` of the combined root: its module key there. */
  const KEY = "archive.tickets";

  test("terraform init downloads it over HTTP, and the root validates and plans without a warning", () => {
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/terraform-module-.+\.tgz$/);
    const installed = JSON.parse(readFileSync(join(MODULE_ROOTS_PLAN, ".terraform", "modules", "modules.json"), "utf8"));
    expect(installed.Modules).toContainEqual(expect.objectContaining({ Key: KEY, Source: result.url }));
    // The plan validates first; `plan -json` reports what `terraform validate` would: nothing.
    expect(moduleRootsDiagnostics()).toEqual([]);
    const changes = (moduleRootPlan("archive").resource_changes ?? []).filter((change) => change.mode === "managed");
    expect(changes.length).toBeGreaterThan(70);
    for (const change of changes) expect(change.address.startsWith("module.tickets.")).toBe(true);
  });

  test("unpacks to the module folder, file for file", () => {
    const unpacked = join(MODULE_ROOTS_PLAN, ".terraform", "modules", KEY);
    const files = (dir: string) =>
      readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((path) => statSync(join(dir, path)).isFile())
        .sort();
    expect(files(unpacked)).toEqual(files(MODULE_TEST_DIR));
    for (const file of files(MODULE_TEST_DIR)) {
      expect({ file, same: readFileSync(join(unpacked, file)).equals(readFileSync(join(MODULE_TEST_DIR, file))) }).toEqual({
        file,
        same: true,
      });
    }
  });
});
