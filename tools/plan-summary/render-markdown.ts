/**
 * Renders a plan summary as GitHub-flavoured Markdown for a job summary or a PR comment:
 * totals first, then a callout for data loss, then the change tables.
 */
import { CHANGE_KINDS, type ChangeKind, type PlanSummary, type ResourceChangeSummary } from "./summarize";

/** Terraform's `action_reason` codes in reviewer words; unknown codes are shown as they are. */
const REASONS: Readonly<Record<string, string>> = {
  replace_because_cannot_update: "an argument cannot be changed in place",
  replace_because_tainted: "the object is tainted",
  replace_by_request: "replacement requested (-replace)",
  replace_by_triggers: "replace_triggered_by",
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count/for_each was added or removed",
  delete_because_count_index: "count index out of range",
  delete_because_each_key: "for_each key removed",
  delete_because_no_move_target: "moved to an address that doesn't exist",
  read_because_config_unknown: "arguments known only after apply",
  read_because_dependency_pending: "a dependency changes",
  read_because_check_nested: "read by a check block",
};

/** Kinds the change table leaves out: they change nothing in AWS. */
const HIDDEN_KINDS: readonly ChangeKind[] = ["no-op", "read"];

const HIDDEN_LABELS: Readonly<Record<string, (count: number) => string>> = {
  "no-op": (count) => `${count} unchanged`,
  read: (count) => `${plural(count, "data source")} to read`,
};

/** A code span that survives backticks in the text (e.g. in a for_each key). */
export function code(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** One table cell: a `|` would end the cell (GFM unescapes `\|` even inside code spans). */
export function tableCell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.map(tableCell).join(" | ")} |`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [tableRow(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(tableRow)];
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function addressOf(change: ResourceChangeSummary): string {
  const deposed = change.deposed === undefined ? "" : ` (deposed object ${code(change.deposed)})`;
  const moved = change.previousAddress === undefined ? "" : ` (moved from ${code(change.previousAddress)})`;
  return `${code(change.address)}${deposed}${moved}`;
}

function regionOf(change: ResourceChangeSummary): string {
  if (change.region === undefined) return "—";
  return change.regionSource === "state" ? `${change.region} (from state)` : change.region;
}

function reasonOf(change: ResourceChangeSummary): string {
  return change.reason === undefined ? "" : (REASONS[change.reason] ?? change.reason);
}

function totalsTable(summary: PlanSummary): string[] {
  const shown = CHANGE_KINDS.filter((kind) => !HIDDEN_KINDS.includes(kind) && (kind !== "forget" || summary.counts.forget > 0));
  return table(
    shown.map((kind) => kind[0]!.toUpperCase() + kind.slice(1)),
    [shown.map((kind) => String(summary.counts[kind]))],
  );
}

/** Counts of what the table leaves out, so the totals still add up; empty if nothing is. */
function notListed(summary: PlanSummary): string[] {
  const hidden = HIDDEN_KINDS.filter((kind) => summary.counts[kind] > 0).map((kind) => HIDDEN_LABELS[kind]!(summary.counts[kind]));
  return hidden.length > 0 ? [`Not listed: ${hidden.join(", ")}.`] : [];
}

function dataLossCallout(losing: readonly ResourceChangeSummary[]): string[] {
  return [
    "> [!CAUTION]",
    `> **Data loss: ${plural(losing.length, "stateful resource")} would be destroyed.**`,
    ">",
    ...losing.map((change) =>
      change.removedReplicaRegions.length > 0 && change.kind === "update"
        ? `> - ${addressOf(change)}: **replica removed** in ${change.removedReplicaRegions.join(", ")} — that region's copy of the items is deleted`
        : `> - ${addressOf(change)}: **${change.kind}** in ${regionOf(change)} — ${change.statefulReason}`,
    ),
    ">",
    "> `--fail-on-stateful-change` fails this check. Make the change backward compatible (add the new resource, migrate, then remove the old one in a later change), or see docs/plan-review.md for an intended deletion.",
  ];
}

/** Stateful resources changed without being destroyed: no data loss, but worth a look. */
function inPlaceNote(changed: readonly ResourceChangeSummary[]): string[] {
  return [
    "> [!NOTE]",
    `> **${plural(changed.length, "stateful resource")} changed in place.** Nothing is destroyed, but an update can still drop data (removing a DynamoDB \`replica\` block deletes that region's copy): review these.`,
    ">",
    ...changed.map((change) => `> - ${addressOf(change)}: ${change.kind} in ${regionOf(change)}`),
  ];
}

function changesTable(changes: readonly ResourceChangeSummary[]): string[] {
  return table(
    ["Address", "Action", "Provider", "Region", "Why"],
    changes.map((change) => [
      addressOf(change),
      change.losesData ? `**${change.kind}** (stateful)` : change.kind,
      change.provider === undefined ? "— (not in configuration)" : code(change.provider),
      regionOf(change),
      reasonOf(change),
    ]),
  );
}

function replacementsTable(replacements: readonly ResourceChangeSummary[]): string[] {
  return table(
    ["Address", "Forced by", "Order"],
    replacements.map((change) => [
      addressOf(change),
      change.replacedBy.length > 0 ? change.replacedBy.map(code).join(", ") : reasonOf(change) || "—",
      change.replaceOrder === "create-before-destroy" ? "create, then destroy" : "destroy, then create",
    ]),
  );
}

export interface RenderOptions {
  /** Heading of the summary, e.g. the stack name. @default "Terraform plan" */
  readonly title?: string;
}

export function renderMarkdown(summary: PlanSummary, options: RenderOptions = {}): string {
  const listed = summary.changes.filter((change) => !HIDDEN_KINDS.includes(change.kind));
  const losing = listed.filter((change) => change.losesData);
  const statefulInPlace = listed.filter(
    (change) => change.statefulReason !== undefined && !change.losesData && (change.kind === "update" || change.kind === "forget"),
  );
  const replacements = listed.filter((change) => change.kind === "replace");
  const outputs = summary.outputChanges.map((output) => `${code(output.name)} (${output.kind})`);

  const sections: string[][] = [[`### ${options.title ?? "Terraform plan"}`]];
  if (listed.length === 0) {
    sections.push(["**No changes.** The infrastructure matches the configuration.", ...notListed(summary).map((line) => `\n${line}`)]);
  } else {
    sections.push([...totalsTable(summary), ...notListed(summary).map((line) => `\n${line}`)]);
    if (losing.length > 0) sections.push(dataLossCallout(losing));
    if (statefulInPlace.length > 0) sections.push(inPlaceNote(statefulInPlace));
    sections.push([`#### Changed resources (${listed.length})`, "", ...changesTable(listed)]);
    if (replacements.length > 0) sections.push([`#### Replacements (${replacements.length})`, "", ...replacementsTable(replacements)]);
  }
  if (outputs.length > 0) sections.push([`Output changes: ${outputs.join(", ")}.`]);
  if (summary.terraformVersion !== undefined) sections.push([`<sub>Terraform ${summary.terraformVersion}</sub>`]);
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}
