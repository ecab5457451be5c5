import { toModule } from "../../../tools/build-module/module-json";
import { type ModuleReadmeInput, renderModuleReadme } from "../../../tools/build-module/readme";
import { SMALL_BUILD, SMALL_RELEASE, smallStack } from "./small-stack";

function readmeOf(
  change: (stack: Record<string, any>) => void = () => undefined,
  build: Partial<ModuleReadmeInput["build"]> = {},
): string {
  const stack = smallStack();
  change(stack);
  return renderModuleReadme({
    release: SMALL_RELEASE,
    files: toModule(stack, SMALL_RELEASE),
    build: { ...SMALL_BUILD, ...build },
  });
}

/** The lines of one `## ` section, without its heading. */
function section(readme: string, heading: string): string[] {
  const lines = readme.split("\n");
  const start = lines.indexOf(`## ${heading}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, i) => i > start && line.startsWith("## "));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}
const rows = (lines: string[]) => lines.filter((line) => line.startsWith("| ") && !/^\| -/.test(line)).slice(1);

describe("module README", () => {
  test("GIVEN a release WHEN rendered THEN the title carries its version and the regions with their labels", () => {
    const readme = readmeOf();
    expect(readme.split("\n")[0]).toBe("# Wild Rydes multi-region tickets: Terraform module 1.4.2");
    expect(readme).toContain(
      "Version **1.4.2** of `wild-rydes-multiregion-tickets`, built for `eu-west-1` (primary, `ireland`), `ap-southeast-1` (standby, `singapore`).",
    );
  });

  test("Inputs: one row per variable, sorted, with description, validation, type, default and required", () => {
    expect(rows(section(readmeOf(), "Inputs"))).toEqual([
      '| <a name="input_alarm_email"></a> [alarm\\_email](#input\\_alarm\\_email) | E-mail \\| pager address | `string` | `null` | no |',
      '| <a name="input_domain_name"></a> [domain\\_name](#input\\_domain\\_name) | Apex domain; the API is api.&lt;domain_name&gt; | `string` | n/a | yes |',
      '| <a name="input_table_name"></a> [table\\_name](#input\\_table\\_name) | Name of the table. Validated: `must match ^[A-Za-z0-9_.-]{3,255}$` | `string` | `"SXRTickets"` | no |',
    ]);
  });

  test("Outputs: one row per output with its description, sorted", () => {
    expect(rows(section(readmeOf(), "Outputs"))).toEqual([
      '| <a name="output_api_url"></a> [api\\_url](#output\\_api\\_url) | The API &lt;clients&gt; use |',
      '| <a name="output_table_name"></a> [table\\_name](#output\\_table\\_name) | Table name |',
    ]);
  });

  test("Requirements: the module's required_version, the aws range, and the features behind the version", () => {
    const lines = section(readmeOf(), "Requirements");
    expect(rows(lines)).toEqual([
      '| <a name="requirement_terraform"></a> [terraform](#requirement\\_terraform) | >= 1.2.0 |',
      '| <a name="requirement_aws"></a> [aws](#requirement\\_aws) | >= 5.100.0, < 6.0.0 |',
    ]);
    expect(lines.join("\n")).toContain(
      "Terraform 1.2.0 is the oldest release that reads this module: it uses preconditions and postconditions (1.2.0), `moved` blocks (1.1.0), `nullable` variables (1.1.0), `configuration_aliases` in `required_providers` (0.15.0).",
    );
  });

  test("Providers: each alias with its region, its purpose and how many resources use it; the guard is mentioned", () => {
    const lines = section(readmeOf(), "Providers");
    expect(lines.filter((line) => line.startsWith("| `aws."))).toEqual([
      "| `aws.eu-west-1` | `eu-west-1` | primary (`ireland`): the DynamoDB table, Route 53 records and health checks, and this region's API | 2 |",
      "| `aws.ap-southeast-1` | `ap-southeast-1` | standby (`singapore`): a table replica and this region's API | 1 |",
      "| `aws.us-east-1` | `us-east-1` | the health-check alarms and their SNS topic: Route 53 publishes health-check metrics only in us-east-1 | 2 |",
    ]);
    expect(lines.join("\n")).toContain("Every alias is guarded");
  });

  test("Providers: no guard sentence when one alias has no region guard", () => {
    const readme = readmeOf((stack) => delete stack.data.aws_region["us-guard"]);
    expect(section(readme, "Providers").join("\n")).not.toContain("guarded");
  });

  test("Resources: a count per type, conditional blocks with their expression, then every address linked to the provider docs, with its file", () => {
    const lines = section(readmeOf(), "Resources");
    expect(lines).toContain("5 resource blocks of 4 types:");
    expect(lines).toContain("| `aws_lambda_function` | 2 |");
    expect(lines).toContain("| `aws_sns_topic_subscription` | `count = var.alarm_email == null ? 0 : 1` |");
    expect(lines).toContain(
      "| [aws_dynamodb_table.tickets_table](https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/dynamodb_table) | resource | `table.tf.json` |",
    );
    expect(lines).toContain(
      "| [aws_lambda_function.get-ap](https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/lambda_function) | resource | `api-ap-southeast-1.tf.json` |",
    );
    expect(lines).toContain(
      "| [aws_region.us-guard](https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/region) | data source | `providers.tf.json` |",
    );
  });

  test("Addresses: each address with the address it moves from; no section without moved blocks", () => {
    expect(section(readmeOf(), "Resources keep their addresses")).toContain(
      "| `aws_dynamodb_table.tickets_table` | `aws_dynamodb_table.global-table_0446FA45` |",
    );
    expect(readmeOf((stack) => delete stack.moved)).not.toContain("## Resources keep their addresses");
  });

  test("Usage: a provider block per alias, each passed under its own name, and every required input", () => {
    const usage = section(readmeOf(), "Usage").join("\n");
    for (const region of ["eu-west-1", "ap-southeast-1", "us-east-1"])
      expect(usage).toContain(`  alias  = "${region}"\n  region = "${region}"`);
    expect(usage).toContain(
      "    aws.eu-west-1      = aws.eu-west-1\n    aws.ap-southeast-1 = aws.ap-southeast-1\n    aws.us-east-1      = aws.us-east-1\n",
    );
    expect(usage).toContain("  domain_name = var.domain_name\n}");
    expect(usage).not.toContain("table_name =");
  });

  test("Files: each file with what it holds and how many blocks, in the order a reader meets them", () => {
    expect(rows(section(readmeOf(), "Files"))).toEqual([
      "| `versions.tf.json` | The required Terraform and aws provider versions and the provider aliases the module asks for | the `terraform` block |",
      "| `variables.tf.json` | The inputs, with their validations | 3 inputs |",
      "| `outputs.tf.json` | The outputs | 2 outputs |",
      "| `moved.tf.json` | `moved` blocks, from the addresses earlier builds gave resources | 1 `moved` block |",
      "| `alarms.tf.json` | Monitoring: client-error alarms per region, the health-check and replication alarms, their SNS topics and KMS keys, the operations dashboard | 2 resources |",
      "| `api-ap-southeast-1.tf.json` | The API of the region the file is named after: functions, their roles and log groups, the REST API, its stage, logging and resource policy | 1 resource |",
      "| `api-eu-west-1.tf.json` | The API of the region the file is named after: functions, their roles and log groups, the REST API, its stage, logging and resource policy | 1 resource |",
      "| `providers.tf.json` | The region guard of each provider alias (an `aws_region` data source with a postcondition) | 3 data sources |",
      "| `table.tf.json` | The DynamoDB global tables (tickets and idempotency records), their replicas' resource policies, and the drill's replication fault (with `drill.replicationFault`) | 1 resource |",
      "| `tests/` | `terraform test` files, offline with mock providers (below) |  |",
      "| `examples/` | Root modules that use this module |  |",
      "| `assets/` | The Lambda zips, referenced through `path.module` |  |",
    ]);
  });

  test("Testing: how a team runs the module's own tests after changing it", () => {
    expect(section(readmeOf(), "Testing a change to the module").join("\n")).toContain(
      "```sh\nterraform init -backend=false && terraform test\n```",
    );
  });

  test("Fixed when built: the regions and labels alone, primary first, and how to rebuild for others", () => {
    const fixed = section(readmeOf(), "Fixed when the module is built").join("\n");
    expect(fixed).toContain("`eu-west-1` (`ireland`, primary), `ap-southeast-1` (`singapore`)");
    expect(fixed.match(/^\| `/gm)).toHaveLength(1);
    expect(fixed).toContain("TICKETS_CONFIG=deploy/prod.json npm run build:module -- --out dist/terraform-module");
  });

  test("Several instances: one owner of the API Gateway account setting, manage_api_gateway_account = false elsewhere", () => {
    expect(section(readmeOf(), "Several instances in one account").join("\n")).toContain(
      "set `manage_api_gateway_account = false` on the others",
    );
  });

  test("the same module in another key order gives the same README", () => {
    const reversed = (object: Record<string, unknown>) => Object.fromEntries(Object.entries(object).reverse());
    expect(
      readmeOf((stack) => {
        stack.variable = reversed(stack.variable);
        stack.output = reversed(stack.output);
        stack.resource = reversed(stack.resource);
      }),
    ).toBe(readmeOf());
  });
});
