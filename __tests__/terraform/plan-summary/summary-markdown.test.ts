/**
 * The Markdown summary of real terraform plans (built offline by the global setup from
 * `__tests__/fixtures/plan-summary/`): what a reviewer sees in the PR comment.
 */
import { readFileSync } from "node:fs";
import { parsePlan } from "../../../tools/plan-summary/plan-schema";
import { renderMarkdown } from "../../../tools/plan-summary/render-markdown";
import { stateLosingChanges, summarizePlan } from "../../../tools/plan-summary/summarize";
import { PLAN_FIXTURES, type PlanFixture, planFixturePath } from "../support/plan-fixtures";
import { describeWithTerraform } from "../support/terraform-tests";

function summarizeFixture(fixture: PlanFixture) {
  const path = planFixturePath(fixture);
  const summary = summarizePlan(parsePlan(readFileSync(path, "utf8"), path));
  return { summary, markdown: renderMarkdown(summary) };
}

/** The table row whose first cell is the code span of `address`. */
function rowOf(markdown: string, address: string): string | undefined {
  return markdown.split("\n").find((line) => line.startsWith(`| \`${address}\` |`));
}

describeWithTerraform("plan summary of real plans", () => {
  describe("create-only plan", () => {
    const { summary, markdown } = summarizeFixture(PLAN_FIXTURES.createOnly);

    test("totals the creations and counts the deferred data source read without listing it", () => {
      expect(markdown).toContain("| Create | Update | Replace | Delete |\n|---|---|---|---|\n| 3 | 0 | 0 | 0 |");
      expect(markdown).toContain("Not listed: 1 data source to read.");
      expect(markdown).not.toContain("data.aws_iam_policy_document");
    });

    test("names each resource's provider alias and region, also through a module", () => {
      expect(rowOf(markdown, "aws_dynamodb_table.tickets")).toBe("| `aws_dynamodb_table.tickets` | create | `aws.eu-west-1` | eu-west-1 |  |");
      expect(rowOf(markdown, 'module.logs.aws_cloudwatch_log_group.api["tickets"]')).toContain("| create | `aws.ap-southeast-1` | ap-southeast-1 |");
    });

    test("escapes a | in an address so the table keeps its columns", () => {
      expect(rowOf(markdown, 'module.logs.aws_cloudwatch_log_group.api["health\\|ping"]')).toContain("| `aws.ap-southeast-1` | ap-southeast-1 |");
    });

    test("lists resources sorted by address", () => {
      const listed = summary.changes.filter((change) => change.kind === "create").map((change) => change.address);
      expect(listed).toEqual([
        "aws_dynamodb_table.tickets",
        'module.logs.aws_cloudwatch_log_group.api["health|ping"]',
        'module.logs.aws_cloudwatch_log_group.api["tickets"]',
      ]);
    });

    test("raises no data-loss warning", () => {
      expect(markdown).not.toContain("[!CAUTION]");
      expect(stateLosingChanges(summary)).toEqual([]);
    });
  });

  describe("DynamoDB table replacement", () => {
    const { summary, markdown } = summarizeFixture(PLAN_FIXTURES.dynamodbReplace);

    test("opens with a caution callout naming the table, its region and what is lost", () => {
      expect(markdown).toContain(
        [
          "> [!CAUTION]",
          "> **Data loss: 1 stateful resource would be destroyed.**",
          ">",
          "> - `aws_dynamodb_table.tickets`: **replace** in eu-west-1 — DynamoDB items: a replaced or deleted table starts empty",
        ].join("\n"),
      );
    });

    test("shows the attribute that forces the replacement and the order", () => {
      expect(markdown).toContain("#### Replacements (1)");
      expect(rowOf(markdown.slice(markdown.indexOf("#### Replacements")), "aws_dynamodb_table.tickets")).toBe(
        "| `aws_dynamodb_table.tickets` | `hash_key` | destroy, then create |",
      );
    });

    test("marks the row as a stateful replacement with terraform's reason", () => {
      expect(rowOf(markdown, "aws_dynamodb_table.tickets")).toBe(
        "| `aws_dynamodb_table.tickets` | **replace** (stateful) | `aws.eu-west-1` | eu-west-1 | an argument cannot be changed in place |",
      );
      expect(stateLosingChanges(summary).map((change) => change.address)).toEqual(["aws_dynamodb_table.tickets"]);
    });

    test("renders the same text every time, apart from the terraform version", () => {
      const scrub = (text: string) => text.replace(/<sub>Terraform [^<]*<\/sub>/, "<sub>Terraform X</sub>");
      expect(scrub(renderMarkdown(summarizeFixture(PLAN_FIXTURES.dynamodbReplace).summary))).toBe(scrub(markdown));
      expect(scrub(markdown)).toBe(
        [
          "### Terraform plan",
          "",
          "| Create | Update | Replace | Delete |",
          "|---|---|---|---|",
          "| 0 | 0 | 1 | 0 |",
          "",
          "> [!CAUTION]",
          "> **Data loss: 1 stateful resource would be destroyed.**",
          ">",
          "> - `aws_dynamodb_table.tickets`: **replace** in eu-west-1 — DynamoDB items: a replaced or deleted table starts empty",
          ">",
          "> `--fail-on-stateful-change` fails this check. Make the change backward compatible (add the new resource, migrate, then remove the old one in a later change), or see docs/plan-review.md for an intended deletion.",
          "",
          "#### Changed resources (1)",
          "",
          "| Address | Action | Provider | Region | Why |",
          "|---|---|---|---|---|",
          "| `aws_dynamodb_table.tickets` | **replace** (stateful) | `aws.eu-west-1` | eu-west-1 | an argument cannot be changed in place |",
          "",
          "#### Replacements (1)",
          "",
          "| Address | Forced by | Order |",
          "|---|---|---|",
          "| `aws_dynamodb_table.tickets` | `hash_key` | destroy, then create |",
          "",
          "<sub>Terraform X</sub>",
          "",
        ].join("\n"),
      );
    });
  });

  describe("S3 bucket deletion", () => {
    const { summary, markdown } = summarizeFixture(PLAN_FIXTURES.s3Delete);

    test("warns about the bucket only, with the region its state records", () => {
      const callout = markdown.slice(markdown.indexOf("> [!CAUTION]"), markdown.indexOf("#### Changed"));
      expect(callout).toContain("> - `aws_s3_bucket.assets`: **delete** in ap-southeast-1 (from state) — S3 objects");
      expect(callout).not.toContain("aws_iam_role.legacy");
    });

    test("lists both deletions as no longer configured; the unchanged log group is only counted", () => {
      expect(rowOf(markdown, "aws_s3_bucket.assets")).toBe(
        "| `aws_s3_bucket.assets` | **delete** (stateful) | — (not in configuration) | ap-southeast-1 (from state) | removed from the configuration |",
      );
      expect(rowOf(markdown, "aws_iam_role.legacy")).toBe("| `aws_iam_role.legacy` | delete | — (not in configuration) | — | removed from the configuration |");
      expect(markdown).toContain("| 0 | 0 | 0 | 2 |\n\nNot listed: 1 unchanged.");
      expect(rowOf(markdown, "aws_cloudwatch_log_group.api")).toBeUndefined();
      expect(summary.counts["no-op"]).toBe(1);
    });
  });

  describe("stateless replacement and stateful in-place update", () => {
    const { summary, markdown } = summarizeFixture(PLAN_FIXTURES.statelessChanges);

    test("shows the role replacement forced by its name, without a data-loss warning", () => {
      expect(rowOf(markdown.slice(markdown.indexOf("#### Replacements")), "aws_iam_role.api")).toBe(
        "| `aws_iam_role.api` | `name` | destroy, then create |",
      );
      expect(rowOf(markdown, "aws_iam_role.api")).toContain("| replace | `aws.eu-west-1` | eu-west-1 |");
      expect(markdown).not.toContain("[!CAUTION]");
      expect(stateLosingChanges(summary)).toEqual([]);
    });

    test("points at the table updated in place in a note", () => {
      expect(markdown).toContain("> [!NOTE]\n> **1 stateful resource changed in place.**");
      expect(markdown).toContain("> - `aws_dynamodb_table.rides`: update in ap-southeast-1");
      expect(rowOf(markdown, "aws_dynamodb_table.rides")).toBe("| `aws_dynamodb_table.rides` | update | `aws.ap-southeast-1` | ap-southeast-1 |  |");
    });
  });

  describe("global table losing a replica", () => {
    const { summary, markdown } = summarizeFixture(PLAN_FIXTURES.replicaRemoved);

    test("is an in-place update that still counts as data loss, naming the region", () => {
      expect(rowOf(markdown, "aws_dynamodb_table.tickets")).toBe("| `aws_dynamodb_table.tickets` | **update** (stateful) | `aws.eu-west-1` | eu-west-1 |  |");
      expect(markdown).toContain(
        "> - `aws_dynamodb_table.tickets`: **replica removed** in ap-southeast-1 — that region's copy of the items is deleted",
      );
      expect(stateLosingChanges(summary).map((change) => change.removedReplicaRegions)).toEqual([["ap-southeast-1"]]);
      expect(markdown).not.toContain("[!NOTE]");
    });
  });

  describe("plan without changes", () => {
    const { markdown } = summarizeFixture(PLAN_FIXTURES.noChanges);

    test("says so instead of printing empty tables, and lists output changes", () => {
      expect(markdown).toContain("**No changes.** The infrastructure matches the configuration.");
      expect(markdown).toContain("Output changes: `region_count` (create).");
      expect(markdown).not.toContain("| Address |");
      expect(markdown).not.toContain("| Create |");
    });
  });
});
