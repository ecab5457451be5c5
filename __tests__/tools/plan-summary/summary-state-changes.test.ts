/**
 * Changes that are not only create/update/delete, on real plans: objects changed outside
 * Terraform (drift, found by refreshing against a local DynamoDB), imports, moves and
 * forgets. Each gets a section a reviewer sees without opening anything.
 */
import { stateLosingChanges } from "../../../tools/plan-summary/summarize";
import { PLAN_FIXTURES } from "../../support/plan-fixtures";
import { attributeRows, changeRow, outsideDetails, rowOf, summarizeFixture, tableAfter } from "./markdown";

describe("plan summary: state changes", () => {
  describe("drift and an import (refreshed against a local DynamoDB)", () => {
    const { summary, markdown } = summarizeFixture(PLAN_FIXTURES.driftAndImport);
    const drift = tableAfter(markdown, "#### Changed outside Terraform (2)");

    test("terraform found the retagged table and the deleted one", () => {
      expect(summary.drift.map((change) => [change.address, change.kind])).toEqual([
        ["aws_dynamodb_table.rides", "update"],
        ["aws_dynamodb_table.scratch", "delete"],
      ]);
    });

    test("lists the drift in view, with the attributes changed outside Terraform", () => {
      expect(outsideDetails(markdown)).toContain("#### Changed outside Terraform (2)");
      expect(drift).toHaveLength(4);
      expect(rowOf(drift, "aws_dynamodb_table.rides")).toBe(
        "| `aws_dynamodb_table.rides` | update | eu-west-1 | `tags.Team`, `tags_all.Team` |",
      );
      expect(rowOf(drift, "aws_dynamodb_table.scratch")).toBe("| `aws_dynamodb_table.scratch` | **deleted** | eu-west-1 | — |");
    });

    test("shows what changed outside Terraform, and the plan setting it back", () => {
      const marker = "<summary><code>aws_dynamodb_table.rides</code>: changed outside Terraform (update)";
      expect(attributeRows(markdown, "aws_dynamodb_table.rides", marker)).toEqual([
        '| `tags.Team` | `"rides"` | `"ops"` |',
        '| `tags_all.Team` | `"rides"` | `"ops"` |',
      ]);
      expect(
        attributeRows(markdown, "aws_dynamodb_table.rides", "<summary><code>aws_dynamodb_table.rides</code>: update in"),
      ).toEqual(['| `tags.Team` | `"ops"` | `"rides"` |', '| `tags_all.Team` | `"ops"` | `"rides"` |']);
      expect(changeRow(markdown, "aws_dynamodb_table.scratch")).toContain("| create |");
    });

    test("lists the import with its id and what else happens to the object", () => {
      expect(outsideDetails(markdown)).toContain(
        "| Create | Update | Replace | Delete | Import |\n| ------ | ------ | ------- | ------ | ------ |\n| 1 | 2 | 0 | 0 | 1 |",
      );
      expect(rowOf(tableAfter(markdown, "#### Imports (1)"), "aws_dynamodb_table.legacy")).toBe(
        "| `aws_dynamodb_table.legacy` | `legacy-rides` | update |",
      );
      expect(changeRow(markdown, "aws_dynamodb_table.legacy")).toContain("| import + update |");
      expect(attributeRows(markdown, "aws_dynamodb_table.legacy")).toEqual([
        '| `tags.Team` | — | `"legacy"` |',
        '| `tags_all.Team` | — | `"legacy"` |',
      ]);
    });

    test("a drifted deletion is not a data loss of this plan", () => {
      expect(stateLosingChanges(summary)).toEqual([]);
      expect(markdown).not.toContain("[!CAUTION]");
    });
  });

  describe("moves and a forget", () => {
    const { summary, markdown } = summarizeFixture(PLAN_FIXTURES.movesAndForgets);
    const moves = tableAfter(markdown, "#### Moves (2)");

    test("counts moves and forgets beside the usual totals", () => {
      expect(outsideDetails(markdown)).toContain(
        "| Create | Update | Replace | Delete | Move | Forget |\n| ------ | ------ | ------- | ------ | ---- | ------ |\n| 0 | 1 | 0 | 0 | 2 | 1 |",
      );
    });

    test("lists each move from the old address to the new one, in view", () => {
      expect(outsideDetails(markdown)).toContain("#### Moves (2)");
      expect(moves.slice(2)).toEqual([
        "| `aws_cloudwatch_log_group.access` | `aws_cloudwatch_log_group.api_access` | update |",
        "| `aws_iam_role.lambda_exec` | `aws_iam_role.tickets` | nothing else |",
      ]);
    });

    test("a pure move is listed though nothing changes in AWS; a move with an update shows the update", () => {
      expect(summary.changes.find((change) => change.address === "aws_iam_role.tickets")?.kind).toBe("no-op");
      expect(changeRow(markdown, "aws_iam_role.tickets")).toBe(
        "| `aws_iam_role.tickets` (moved from `aws_iam_role.lambda_exec`) | move | `aws.eu-west-1` | eu-west-1 |  |",
      );
      expect(attributeRows(markdown, "aws_cloudwatch_log_group.api_access")).toEqual(["| `retention_in_days` | `14` | `90` |"]);
    });

    test("lists the forgotten bucket as kept in AWS, and as a stateful change to look at, not a loss", () => {
      expect(rowOf(tableAfter(markdown, "#### Removed from state, not destroyed (1)"), "aws_s3_bucket.archive")).toBe(
        "| `aws_s3_bucket.archive` | — (not in configuration) | eu-west-1 (from state) |",
      );
      expect(markdown).toContain("> - `aws_s3_bucket.archive`: forget in eu-west-1 (from state)");
      expect(stateLosingChanges(summary)).toEqual([]);
      expect(markdown).not.toContain("[!CAUTION]");
    });
  });
});
