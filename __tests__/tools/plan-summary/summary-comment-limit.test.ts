/**
 * A plan whose full summary is longer than one GitHub comment (65,536 characters): the
 * summary leaves out detail until it fits, and never a stateful change.
 */
import { DEFAULT_MAX_LENGTH, GITHUB_COMMENT_LIMIT } from "../../../tools/plan-summary/render-markdown";
import { PLAN_FIXTURES } from "../../support/plan-fixtures";
import { attributeRows, changeRow, outsideDetails, summarizeFixture, tableAfter } from "./markdown";

const ROLES = 200;
const CAUTION = "> - `aws_dynamodb_table.legacy`: **delete** in eu-west-1 (from state) — DynamoDB items";
const STATEFUL_UPDATE = "> - `aws_cloudwatch_log_group.api`: update in eu-west-1";

describe("plan summary over the comment limit", () => {
  const full = summarizeFixture(PLAN_FIXTURES.commentLimit, { maxLength: 10_000_000 }).markdown;
  const fitted = summarizeFixture(PLAN_FIXTURES.commentLimit).markdown;
  const roleRows = (markdown: string) =>
    tableAfter(markdown, "<summary>All changed resources").filter((row) => row.startsWith("| `aws_iam_role.service["));

  test("in full, the summary would not fit in a comment", () => {
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    expect(full).not.toContain("Shortened");
    expect(full.match(/<summary><code>aws_iam_role\.service/g)).toHaveLength(ROLES);
  });

  test("by default it fits, leaving out the stateless attribute tables first and saying so", () => {
    expect(fitted.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    expect(fitted).not.toContain("<summary><code>aws_iam_role.service");
    expect(roleRows(fitted)).toHaveLength(ROLES);
    expect(outsideDetails(fitted)).toContain(
      `**Shortened to stay under 64,000 characters** (a GitHub comment holds 65,536): the attribute changes of ${ROLES} resources left out; every stateful change is listed.`,
    );
  });

  test("keeps every stateful change in view, and the stateful attribute table", () => {
    const visible = outsideDetails(fitted);
    expect(visible).toContain(
      "| Create | Update | Replace | Delete |\n| ------ | ------ | ------- | ------ |\n| 0 | 201 | 0 | 1 |",
    );
    expect(visible).toContain(CAUTION);
    expect(visible).toContain(STATEFUL_UPDATE);
    expect(attributeRows(fitted, "aws_cloudwatch_log_group.api")).toEqual(["| `retention_in_days` | `14` | `30` |"]);
  });

  describe("with a tighter limit", () => {
    const tight = summarizeFixture(PLAN_FIXTURES.commentLimit, { maxLength: 10_000 }).markdown;

    test("leaves out the rows of stateless changes too, but not the stateful ones", () => {
      expect(tight.length).toBeLessThanOrEqual(10_000);
      expect(roleRows(tight)).toEqual([]);
      expect(changeRow(tight, "aws_dynamodb_table.legacy")).toContain("| **delete** (stateful) |");
      expect(changeRow(tight, "aws_cloudwatch_log_group.api")).toContain("| update |");
      expect(tight).toContain(`<summary>All changed resources (${ROLES + 2}, 2 shown)</summary>`);
      expect(tight).toContain(`…and ${ROLES} more stateless changes, left out to fit the comment limit.`);
      expect(tight).toContain(`${ROLES} table rows of stateless changes left out`);
      expect(outsideDetails(tight)).toContain(CAUTION);
    });
  });

  describe("with a limit below what the stateful changes need", () => {
    const minimal = summarizeFixture(PLAN_FIXTURES.commentLimit, { maxLength: 500 }).markdown;

    test("goes over the limit rather than drop a stateful change", () => {
      expect(minimal.length).toBeGreaterThan(500);
      expect(outsideDetails(minimal)).toContain(CAUTION);
      expect(outsideDetails(minimal)).toContain(STATEFUL_UPDATE);
    });
  });
});
