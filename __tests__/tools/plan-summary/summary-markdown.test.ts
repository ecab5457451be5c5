/**
 * The Markdown summary of real terraform plans (built offline by the global setup from
 * `__tests__/fixtures/plan-summary/`): what a reviewer sees in the PR comment.
 */
import { renderMarkdown } from "../../../tools/plan-summary/render-markdown";
import { stateLosingChanges } from "../../../tools/plan-summary/summarize";
import { OLD_SECRET } from "../../fixtures/plan-summary/prior-state";
import { PLAN_FIXTURES } from "../../support/plan-fixtures";
import { attributeRows, changeRow, outsideDetails, rowOf, summarizeFixture, tableAfter } from "./markdown";

describe("plan summary of real plans", () => {
  describe("create-only plan", () => {
    const { summary, markdown } = summarizeFixture(PLAN_FIXTURES.createOnly);

    test("totals the creations and counts the deferred data source read without listing it", () => {
      expect(markdown).toContain(
        "| Create | Update | Replace | Delete |\n| ------ | ------ | ------- | ------ |\n| 3 | 0 | 0 | 0 |",
      );
      expect(markdown).toContain("Not listed: 1 data source to read.");
      expect(markdown).not.toContain("data.aws_iam_policy_document");
    });

    test("names each resource's provider alias and region, also through a module", () => {
      expect(changeRow(markdown, "aws_dynamodb_table.tickets")).toBe(
        "| `aws_dynamodb_table.tickets` | create | `aws.eu-west-1` | eu-west-1 |  |",
      );
      expect(changeRow(markdown, 'module.logs.aws_cloudwatch_log_group.api["tickets"]')).toContain(
        "| create | `aws.ap-southeast-1` | ap-southeast-1 |",
      );
    });

    test("escapes a | in an address so the table keeps its columns", () => {
      expect(changeRow(markdown, 'module.logs.aws_cloudwatch_log_group.api["health\\|ping"]')).toContain(
        "| `aws.ap-southeast-1` | ap-southeast-1 |",
      );
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
      expect(rowOf(tableAfter(markdown, "#### Replacements"), "aws_dynamodb_table.tickets")).toBe(
        "| `aws_dynamodb_table.tickets` | `hash_key` | destroy, then create |",
      );
    });

    test("marks the row as a stateful replacement with terraform's reason", () => {
      expect(changeRow(markdown, "aws_dynamodb_table.tickets")).toBe(
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
          "| ------ | ------ | ------- | ------ |",
          "| 0 | 0 | 1 | 0 |",
          "",
          "> [!CAUTION]",
          "> **Data loss: 1 stateful resource would be destroyed.**",
          ">",
          "> - `aws_dynamodb_table.tickets`: **replace** in eu-west-1 — DynamoDB items: a replaced or deleted table starts empty",
          ">",
          "> `--fail-on-stateful-change` fails this check. Make the change backward compatible (add the new resource, migrate, then remove the old one in a later change), or see docs/plan-review.md for an intended deletion.",
          "",
          "#### Replacements (1)",
          "",
          "| Address | Forced by | Order |",
          "| ------- | --------- | ----- |",
          "| `aws_dynamodb_table.tickets` | `hash_key` | destroy, then create |",
          "",
          "<details><summary>All changed resources (1)</summary>",
          "",
          "| Address | Action | Provider | Region | Why |",
          "| ------- | ------ | -------- | ------ | --- |",
          "| `aws_dynamodb_table.tickets` | **replace** (stateful) | `aws.eu-west-1` | eu-west-1 | an argument cannot be changed in place |",
          "",
          "</details>",
          "",
          "#### Attribute changes (1)",
          "",
          "<details><summary><code>aws_dynamodb_table.tickets</code>: replace in eu-west-1, 5 attributes</summary>",
          "",
          "| Attribute | Before | After |",
          "| --------- | ------ | ----- |",
          '| `arn` | `"arn:aws:dynamodb:eu-west-1:123456789012:table/tickets"` | _(known after apply)_ |',
          '| `attribute[0].name` | `"id"` | `"ticketId"` |',
          '| `hash_key` **forces replacement** | `"id"` | `"ticketId"` |',
          '| `id` | `"tickets"` | _(known after apply)_ |',
          "| `tags` | `{}` | `null` |",
          "",
          "</details>",
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
      const callout = markdown.slice(markdown.indexOf("> [!CAUTION]"), markdown.indexOf("<details>"));
      expect(callout).toContain("> - `aws_s3_bucket.assets`: **delete** in ap-southeast-1 (from state) — S3 objects");
      expect(callout).not.toContain("aws_iam_role.legacy");
    });

    test("lists both deletions as no longer configured; the unchanged log group is only counted", () => {
      expect(changeRow(markdown, "aws_s3_bucket.assets")).toBe(
        "| `aws_s3_bucket.assets` | **delete** (stateful) | — (not in configuration) | ap-southeast-1 (from state) | removed from the configuration |",
      );
      expect(changeRow(markdown, "aws_iam_role.legacy")).toBe(
        "| `aws_iam_role.legacy` | delete | — (not in configuration) | — | removed from the configuration |",
      );
      expect(markdown).toContain("| 0 | 0 | 0 | 2 |\n\nNot listed: 1 unchanged.");
      expect(changeRow(markdown, "aws_cloudwatch_log_group.api")).toBeUndefined();
      expect(summary.counts["no-op"]).toBe(1);
    });
  });

  describe("stateless replacement and stateful in-place update", () => {
    const { summary, markdown } = summarizeFixture(PLAN_FIXTURES.statelessChanges);

    test("shows the role replacement forced by its name, without a data-loss warning", () => {
      expect(rowOf(tableAfter(markdown, "#### Replacements"), "aws_iam_role.api")).toBe(
        "| `aws_iam_role.api` | `name` | destroy, then create |",
      );
      expect(changeRow(markdown, "aws_iam_role.api")).toContain("| replace | `aws.eu-west-1` | eu-west-1 |");
      expect(markdown).not.toContain("[!CAUTION]");
      expect(stateLosingChanges(summary)).toEqual([]);
    });

    test("points at the table updated in place in a note", () => {
      expect(markdown).toContain("> [!NOTE]\n> **1 stateful resource changed in place.**");
      expect(markdown).toContain("> - `aws_dynamodb_table.rides`: update in ap-southeast-1");
      expect(changeRow(markdown, "aws_dynamodb_table.rides")).toBe(
        "| `aws_dynamodb_table.rides` | update | `aws.ap-southeast-1` | ap-southeast-1 |  |",
      );
    });
  });

  describe("global table losing a replica", () => {
    const { summary, markdown } = summarizeFixture(PLAN_FIXTURES.replicaRemoved);

    test("is an in-place update that still counts as data loss, naming the region", () => {
      expect(changeRow(markdown, "aws_dynamodb_table.tickets")).toBe(
        "| `aws_dynamodb_table.tickets` | **update** (stateful) | `aws.eu-west-1` | eu-west-1 |  |",
      );
      expect(markdown).toContain(
        "> - `aws_dynamodb_table.tickets`: **replica removed** in ap-southeast-1 — that region's copy of the items is deleted",
      );
      expect(stateLosingChanges(summary).map((change) => change.removedReplicaRegions)).toEqual([["ap-southeast-1"]]);
      expect(markdown).not.toContain("[!NOTE]");
    });
  });

  describe("updates with nested changes", () => {
    const { summary, markdown } = summarizeFixture(PLAN_FIXTURES.nestedUpdate);
    const rides = attributeRows(markdown, "aws_dynamodb_table.rides");

    test("shows each changed leaf of a block edited in place, before and after", () => {
      expect(rides).toEqual(
        expect.arrayContaining([
          "| `ttl[0].enabled` | `false` | `true` |",
          '| `ttl[0].attribute_name` | `""` | `"expiresAt"` |',
          "| `point_in_time_recovery[0].enabled` | `false` | `true` |",
        ]),
      );
    });

    test("shows an element added to a set as one compact value, not a shift of every element", () => {
      expect(rides).toContain('| `attribute[0]` | — | `{ name = "driverId", type = "S" }` |');
      expect(rides.find((row) => row.startsWith("| `global_secondary_index[0]` | — |"))).toContain(
        'hash_key = "driverId", name = "by-driver"',
      );
      expect(rides.filter((row) => row.startsWith("| `attribute["))).toHaveLength(1);
    });

    test("shows the one map key that changes and leaves the unchanged one out", () => {
      expect(rides).toContain('| `tags.Team` | `"rides"` | `"tickets"` |');
      expect(rides.some((row) => row.includes("tags.Env"))).toBe(false);
      expect(markdown).toContain("<summary><code>aws_dynamodb_table.rides</code>: update in eu-west-1, 7 attributes</summary>");
    });

    test("diffs a JSON policy as JSON, down to the changed value", () => {
      expect(attributeRows(markdown, "aws_iam_role.api")).toEqual([
        '| `jsondecode(assume_role_policy).Statement[0].Principal.Service` | `"lambda.amazonaws.com"` | `["apigateway.amazonaws.com", "lambda.amazonaws.com"]` |',
        '| `description` | `""` | `"Runs the ticket functions"` |',
      ]);
    });

    test("masks a sensitive value on both sides and never prints it; marks values known only after apply", () => {
      expect(attributeRows(markdown, "aws_ssm_parameter.api_key")).toEqual([
        "| `value` | _(sensitive value)_ | _(sensitive value)_ |",
        "| `version` | `3` | _(known after apply)_ |",
      ]);
      expect(markdown).not.toContain(OLD_SECRET);
      expect(markdown).not.toContain("new-secret-4f1c9e");
      expect(summary.changes.find((change) => change.type === "aws_ssm_parameter")?.kind).toBe("update");
    });

    test("keeps the totals and the stateful note in view and collapses the tables", () => {
      const visible = outsideDetails(markdown);
      expect(visible).toContain(
        "| Create | Update | Replace | Delete |\n| ------ | ------ | ------- | ------ |\n| 0 | 3 | 0 | 0 |",
      );
      expect(visible).toContain("> - `aws_dynamodb_table.rides`: update in eu-west-1");
      expect(visible).toContain("#### Attribute changes (3)");
      expect(visible).not.toContain("| Address | Action |");
      expect(visible).not.toContain("| Attribute | Before | After |");
      expect(markdown.match(/<details>/g)).toHaveLength(4);
      expect(markdown.match(/<\/details>/g)).toHaveLength(4);
    });
  });

  describe("in a GitHub Actions run", () => {
    const run = {
      serverUrl: "https://github.com",
      repository: "acme/tickets",
      sha: "0123456789abcdef0123456789abcdef01234567",
      runId: "987654321",
      runAttempt: "2",
    };
    const { summary } = summarizeFixture(PLAN_FIXTURES.nestedUpdate);

    test("links the planned commit and the run under the title", () => {
      expect(renderMarkdown(summary, { title: "Terraform plan: tickets", run }).split("\n").slice(0, 3)).toEqual([
        "### Terraform plan: tickets",
        "",
        "Planned from commit [`0123456`](https://github.com/acme/tickets/commit/0123456789abcdef0123456789abcdef01234567) in [workflow run 987654321, attempt 2](https://github.com/acme/tickets/actions/runs/987654321/attempts/2).",
      ]);
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
