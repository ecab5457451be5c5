/** Reading the summary's Markdown in tests: its tables, its collapsed blocks, a fixture's summary. */
import { readFileSync } from "node:fs";
import { parsePlan } from "../../../tools/plan-summary/plan-schema";
import { type RenderOptions, renderMarkdown } from "../../../tools/plan-summary/render-markdown";
import { summarizePlan } from "../../../tools/plan-summary/summarize";
import { REPLICA_FIXTURES, type ReplicaFixture, replicaFixturePath } from "../../fixtures/plan-summary/replica-fixtures";
import { type PlanFixture, planFixturePath } from "../../support/plan-fixtures";

/** The summary model and its Markdown for one fixture plan. */
export function summarizeFixture(fixture: PlanFixture | ReplicaFixture, options: RenderOptions = {}) {
  const path = isReplicaFixture(fixture) ? replicaFixturePath(fixture) : planFixturePath(fixture);
  const summary = summarizePlan(parsePlan(readFileSync(path, "utf8"), path));
  return { summary, markdown: renderMarkdown(summary, options) };
}

function isReplicaFixture(fixture: string): fixture is ReplicaFixture {
  return (Object.values(REPLICA_FIXTURES) as string[]).includes(fixture);
}

/** The lines of the first table after `marker` (a heading, a `<summary>`): header, separator, rows. */
export function tableAfter(markdown: string, marker: string): string[] {
  const start = markdown.indexOf(marker);
  if (start < 0) return [];
  const lines = markdown.slice(start).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  if (first < 0) return [];
  const end = lines.findIndex((line, index) => index > first && !line.startsWith("|"));
  return lines.slice(first, end < 0 ? undefined : end);
}

/** The row of `table` whose first cell is the code span of `text`. */
export function rowOf(table: readonly string[], text: string): string | undefined {
  return table.find((line) => line.startsWith(`| \`${text}\``));
}

/** A row of the collapsed table of every changed resource. */
export function changeRow(markdown: string, address: string): string | undefined {
  return rowOf(tableAfter(markdown, "<summary>All changed resources"), address);
}

/** The attribute rows of one resource's collapsed block (drift blocks included). */
export function attributeRows(markdown: string, address: string, marker = `<summary><code>${address}</code>:`): string[] {
  return tableAfter(markdown, marker).slice(2);
}

/** What a reader sees without opening any `<details>` block. */
export function outsideDetails(markdown: string): string {
  return markdown.replace(/<details>[\s\S]*?<\/details>/g, "");
}
