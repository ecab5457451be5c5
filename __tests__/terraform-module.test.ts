import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PlanResourceChange } from "../tools/plan-summary/plan-schema";
import { type OfflinePlanResult, readOfflineResult } from "../tools/terraform/offline-plan";
import { MODULE_EXAMPLE_PLAN, MODULE_EXAMPLE_VARS, MODULE_TEST_DIR, PROJECT_ROOT, TEST_CACHE } from "./support/paths";
import { describeWithTerraform } from "./support/terraform-tests";

describe("plain Terraform module (npm run build:module)", () => {
  const moduleJson = () => JSON.parse(readFileSync(join(TEST_CACHE, "module.json"), "utf8")) as Record<string, any>;

  test("writes main.tf.json into the module folder", () => {
    expect(JSON.parse(readFileSync(join(MODULE_TEST_DIR, "main.tf.json"), "utf8"))).toEqual(moduleJson());
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

  test("takes the domain, hosted zone and table name as validated inputs", () => {
    const { variable } = moduleJson();
    expect(Object.keys(variable).sort()).toEqual(["domain_name", "hosted_zone_id", "table_name"]);
    expect(variable.domain_name.default).toBeUndefined();
    expect(variable.hosted_zone_id.default).toBeUndefined();
    expect(variable.table_name.default).toBe("SXRTickets");
    for (const name of Object.keys(variable)) {
      expect(variable[name].validation[0].condition).toContain(`var.${name}`);
    }
  });

  test("uses the inputs wherever the stack used the config values", () => {
    const text = JSON.stringify(moduleJson().resource);
    expect(text).not.toContain("example.com");
    expect(text).not.toContain("Z0000000000EXAMPLE");
    expect(text).not.toContain("SXRTickets");
    expect(moduleJson().resource.aws_dynamodb_table[Object.keys(moduleJson().resource.aws_dynamodb_table)[0]!].name).toBe("${var.table_name}");
  });

  test("keeps the stack's outputs", () => {
    expect(Object.keys(moduleJson().output).sort()).toEqual([
      "alarm_topic_arn",
      "api_url",
      "health_check_ids",
      "invoke_urls",
      "region_urls",
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

describeWithTerraform("terraform on examples/terraform-native", () => {
  let result: OfflinePlanResult;
  let changes: PlanResourceChange[];
  beforeAll(() => {
    result = readOfflineResult(MODULE_EXAMPLE_PLAN);
    changes = result.plan.resource_changes!.filter((c) => c.mode === "managed");
  });
  const after = (type: string) => changes.filter((c) => c.type === type).map((c) => c.change.after ?? {});

  test("validates", () => {
    expect(result.validate).toMatchObject({ valid: true, error_count: 0 });
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
    expect(after("aws_api_gateway_domain_name").map((d) => d.domain_name).sort()).toEqual(
      [`api.${domain}`, `api.${domain}`, `ireland.${domain}`, `singapore.${domain}`].sort(),
    );
    expect(changes.filter((c) => c.type === "aws_route53_record" && c.index !== undefined).map((c) => c.index)).toEqual([domain]);
    expect(result.plan.output_changes?.api_url?.after).toBe(`https://api.${domain}/`);
  });

  test("the hosted zone variable reaches every record", () => {
    const zones = new Set(after("aws_route53_record").map((r) => r.zone_id));
    expect([...zones]).toEqual([MODULE_EXAMPLE_VARS.hosted_zone_id]);
  });
});
