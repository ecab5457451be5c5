/**
 * Renders a plan summary as GitHub-flavoured Markdown for a job summary or a PR comment.
 *
 * Always in view: the totals, the data-loss callout (replicas removed or re-created included),
 * replicas unlike their table, stateful resources changed in place,
 * changes made outside Terraform, replacements, imports, moves and forgets. Collapsed in
 * `<details>`: the table of every changed resource and each resource's attribute changes.
 * Text longer than `maxLength` (GitHub refuses comments over 65,536 characters) is shortened
 * by leaving out detail, least useful first: attribute tables of stateless resources, then all
 * attribute tables, then table rows of stateless creates and updates. Stateful changes are
 * never left out.
 */
import { codeSpan, escapeXml, markdownTable } from "../report-format";
import type { AttributeChange, ShownValue } from "./attribute-diff";
import { commitUrl, type GitHubRun, runUrl } from "./github-run";
import { RECREATION_REASONS, type RecreatedReplica, type ReplicaMismatch } from "./replicas";
import type { ObjectChange, PlanSummary, ResourceChangeSummary } from "./summarize";

/** GitHub's limit on the body of an issue or pull request comment, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** The default budget: the comment limit less room for the sticky comment's hidden marker. */
export const DEFAULT_MAX_LENGTH = 64_000;
/** Attribute rows shown per resource; a change touching more says how many it left out. */
export const MAX_ATTRIBUTE_ROWS = 40;

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

/** How much the summary shows; the renderer tries these in order until the text fits. */
interface Detail {
  /** Which changes get their attribute table. */
  readonly attributes: "all" | "stateful" | "none";
  /** Which rows the resource tables keep: all, or only stateful, replaced, deleted and forgotten objects. */
  readonly rows: "all" | "notable";
}

const DETAIL_LEVELS: readonly Detail[] = [
  { attributes: "all", rows: "all" },
  { attributes: "stateful", rows: "all" },
  { attributes: "none", rows: "all" },
  { attributes: "none", rows: "notable" },
];

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function addressOf(change: ObjectChange & { previousAddress?: string | undefined }): string {
  const deposed = change.deposed === undefined ? "" : ` (deposed object ${codeSpan(change.deposed)})`;
  const moved = change.previousAddress === undefined ? "" : ` (moved from ${codeSpan(change.previousAddress)})`;
  return `${codeSpan(change.address)}${deposed}${moved}`;
}

function regionOf(change: ObjectChange): string {
  if (change.region === undefined) return "—";
  return change.regionSource === "state" ? `${change.region} (from state)` : change.region;
}

function reasonOf(change: ResourceChangeSummary): string {
  return change.reason === undefined ? "" : (REASONS[change.reason] ?? change.reason);
}

/** Whether a change is listed at all: it changes something in AWS or in the state. */
function isListed(change: ResourceChangeSummary): boolean {
  return (
    (change.kind !== "no-op" && change.kind !== "read") || change.importId !== undefined || change.previousAddress !== undefined
  );
}

/** `update`, `import + update`, `move`, …: what happens to the object. */
function actionOf(change: ResourceChangeSummary): string {
  const parts = [
    ...(change.importId === undefined ? [] : ["import"]),
    ...(change.previousAddress === undefined ? [] : ["move"]),
    ...(change.kind === "no-op" ? [] : [change.kind]),
  ];
  return parts.join(" + ");
}

/** Rows a shortened summary still shows: everything stateful, and every destruction. */
function isNotable(change: ObjectChange): boolean {
  return change.statefulReason !== undefined || change.kind === "replace" || change.kind === "delete" || change.kind === "forget";
}

/** Counts what a shortened summary leaves out, for the note that says so. */
interface Omissions {
  attributeTables: number;
  rows: number;
}

/** The rows `detail` keeps, and a line saying how many it left out. */
function keepRows<T extends ObjectChange>(
  items: readonly T[],
  detail: Detail,
  omitted: Omissions,
): { rows: T[]; note: string[] } {
  if (detail.rows === "all") return { rows: [...items], note: [] };
  const rows = items.filter(isNotable);
  const left = items.length - rows.length;
  omitted.rows += left;
  return {
    rows,
    note:
      left === 0
        ? []
        : ["", `…and ${left} more stateless ${left === 1 ? "change" : "changes"}, left out to fit the comment limit.`],
  };
}

function totalsTable(summary: PlanSummary, listed: readonly ResourceChangeSummary[]): string {
  const columns: [string, number][] = [
    ["Create", summary.counts.create],
    ["Update", summary.counts.update],
    ["Replace", summary.counts.replace],
    ["Delete", summary.counts.delete],
  ];
  const imports = listed.filter((change) => change.importId !== undefined).length;
  const moves = listed.filter((change) => change.previousAddress !== undefined).length;
  for (const [label, count] of [
    ["Import", imports],
    ["Move", moves],
    ["Forget", summary.counts.forget],
  ] as const) {
    if (count > 0) columns.push([label, count]);
  }
  return markdownTable(
    columns.map(([label]) => label),
    [columns.map(([, count]) => String(count))],
  );
}

/** Counts of what no table lists, so the totals still add up; empty if nothing is left out. */
function notListed(summary: PlanSummary): string[] {
  const unchanged = summary.changes.filter((change) => change.kind === "no-op" && !isListed(change)).length;
  const hidden = [
    ...(unchanged > 0 ? [`${unchanged} unchanged`] : []),
    ...(summary.counts.read > 0 ? [`${plural(summary.counts.read, "data source")} to read`] : []),
  ];
  return hidden.length > 0 ? ["", `Not listed: ${hidden.join(", ")}.`] : [];
}

function runLine(run: GitHubRun): string {
  const attempt = run.runAttempt === undefined || run.runAttempt === "1" ? "" : `, attempt ${run.runAttempt}`;
  return `Planned from commit [${codeSpan(run.sha.slice(0, 7))}](${commitUrl(run)}) in [workflow run ${run.runId}${attempt}](${runUrl(run)}).`;
}

/** A replica attribute's value in a callout: a code span, "unset", or "known after apply". */
function replicaValue(value: RecreatedReplica["before"]): string {
  if (!value.known) return "_(known after apply)_";
  return value.value === null || value.value === undefined || value.value === "" ? "unset" : codeSpan(String(value.value));
}

/** The callout lines for one change that loses data. */
function dataLossLines(change: ResourceChangeSummary): string[] {
  if (change.kind !== "update") {
    return [`> - ${addressOf(change)}: **${change.kind}** in ${regionOf(change)} — ${change.statefulReason}`];
  }
  return [
    ...(change.removedReplicaRegions.length > 0
      ? [
          `> - ${addressOf(change)}: **replica removed** in ${change.removedReplicaRegions.join(", ")} — that region's copy of the items is deleted`,
        ]
      : []),
    ...change.recreatedReplicas.map((replica) => {
      const what = replica.after.known
        ? `${codeSpan(replica.attribute)} changes (${replicaValue(replica.before)} → ${replicaValue(replica.after)})`
        : `${codeSpan(replica.attribute)} is ${replicaValue(replica.before)} and becomes known only after apply: unless it comes out the same, the provider re-creates the replica`;
      const why = RECREATION_REASONS[replica.attribute] ?? "the provider deletes the replica and creates it again";
      return `> - ${addressOf(change)}: **replica re-created** in ${replica.region} — ${what}; ${why}. That region's copy of the items is deleted and copied again from the table; until then the region has no replica to serve or fail over to.`;
    }),
  ];
}

function dataLossCallout(losing: readonly ResourceChangeSummary[]): string[] {
  return [
    "> [!CAUTION]",
    `> **Data loss: ${plural(losing.length, "stateful resource")} would be destroyed.**`,
    ">",
    ...losing.flatMap(dataLossLines),
    ">",
    "> `--fail-on-stateful-change` fails this check. Make the change backward compatible (add the new resource, migrate, then remove the old one in a later change), or see docs/plan-review.md for an intended deletion.",
  ];
}

/** A key in a mismatch: "" is none (DynamoDB's default key). */
function keyText(key: string): string {
  if (key === "") return "no customer managed key (DynamoDB's default key)";
  return key.startsWith("(") ? `a customer managed key ${key}` : `the customer managed key ${codeSpan(key)}`;
}

/** One replica that differs from its table: the field, both settings, and what it means. */
function mismatchText(mismatch: ReplicaMismatch): string {
  switch (mismatch.field) {
    case "point_in_time_recovery":
      return `${codeSpan("point_in_time_recovery")} is ${mismatch.replica} in the replica, ${mismatch.table} in the table — ${
        mismatch.failsCheck
          ? "a failover to this region leaves the tickets without point-in-time backups"
          : "the replica keeps backups the table doesn't"
      }`;
    case "kms_key_arn":
      return `${codeSpan("kms_key_arn")}: the replica uses ${keyText(mismatch.replica)}, the table (${codeSpan("server_side_encryption")}) ${keyText(mismatch.table)}`;
    case "deletion_protection_enabled":
      return `${codeSpan("deletion_protection_enabled")} is ${codeSpan(mismatch.replica)} in the replica, ${codeSpan(mismatch.table)} in the table`;
  }
}

/** Replicas configured unlike their table: point-in-time recovery, key, deletion protection. */
function replicaMismatchCallout(tables: readonly ResourceChangeSummary[]): string[] {
  const count = tables.reduce((sum, change) => sum + change.replicaMismatches.length, 0);
  const failing = tables.some((change) => change.replicaMismatches.some((mismatch) => mismatch.failsCheck));
  return [
    "> [!WARNING]",
    `> **Replicas unlike their table: ${plural(count, "difference")}.** Every replica of a global table should have its table's point-in-time recovery, kind of key and deletion protection.`,
    ">",
    ...tables.flatMap((change) =>
      change.replicaMismatches.map(
        (mismatch) =>
          `> - ${addressOf(change)}, replica in ${mismatch.region}: ${mismatchText(mismatch)}${mismatch.failsCheck ? " (**fails `--fail-on-stateful-change`**)" : ""}`,
      ),
    ),
    ...(failing
      ? [
          ">",
          "> `--fail-on-stateful-change` fails this check: turn `point_in_time_recovery` on in the replica (an in-place change), see docs/plan-review.md.",
        ]
      : []),
  ];
}

/** Inverted health checks: the deployment is failed over, and this plan keeps it so. */
function failedOverCallout(checks: PlanSummary["failedOver"]): string[] {
  return [
    "> [!WARNING]",
    `> **Failed over: ${plural(checks.length, "health check")} ${checks.length === 1 ? "is" : "are"} inverted** (an operator's or the drill's failover lever). Applying this plan keeps ${checks.length === 1 ? "it" : "them"} so: the stack ignores \`invert_healthcheck\` and the drill's marker. Put traffic back with \`aws route53 update-health-check --no-inverted\` once the region is healthy (docs/failover-drill.md, "Recovering by hand").`,
    ">",
    ...checks.map(
      (check) =>
        `> - ${codeSpan(check.address)}${check.target === undefined ? "" : ` (${codeSpan(check.target)})`}${check.drillId === undefined ? "" : `: drill ${codeSpan(check.drillId)} in progress`}`,
    ),
  ];
}

/** Stateful resources changed without being destroyed: no data loss, but worth a look. */
function inPlaceNote(changed: readonly ResourceChangeSummary[]): string[] {
  return [
    "> [!NOTE]",
    `> **${plural(changed.length, "stateful resource")} changed in place.** Nothing is destroyed, but an update can still drop data (removing a DynamoDB \`replica\` block deletes that region's copy): review these.`,
    ">",
    ...changed.map((change) => `> - ${addressOf(change)}: ${actionOf(change)} in ${regionOf(change)}`),
  ];
}

function shownValue(value: ShownValue): string {
  switch (value.kind) {
    case "value":
      return codeSpan(value.text);
    case "absent":
      return "—";
    case "unknown":
      return "_(known after apply)_";
    case "sensitive":
      return "_(sensitive value)_";
  }
}

function attributeRow(change: AttributeChange): string[] {
  return [
    `${codeSpan(change.path)}${change.forcesReplacement ? " **forces replacement**" : ""}`,
    shownValue(change.before),
    shownValue(change.after),
  ];
}

/** One resource's changed attributes, collapsed under a line that says what changes where. */
function attributeDetails(change: ObjectChange, action: string): string[] {
  const rows = change.attributeChanges;
  const region = change.region === undefined ? "" : ` in ${change.region}`;
  return [
    `<details><summary><code>${escapeXml(change.address)}</code>: ${escapeXml(action)}${escapeXml(region)}, ${plural(rows.length, "attribute")}</summary>`,
    "",
    markdownTable(["Attribute", "Before", "After"], rows.slice(0, MAX_ATTRIBUTE_ROWS).map(attributeRow)),
    ...(rows.length > MAX_ATTRIBUTE_ROWS ? ["", `…and ${rows.length - MAX_ATTRIBUTE_ROWS} more attributes.`] : []),
    "",
    "</details>",
  ];
}

/** Attribute tables for the changes `detail` keeps them for; counts the others as left out. */
function attributeSections<T extends ObjectChange>(
  changes: readonly T[],
  action: (change: T) => string,
  detail: Detail,
  omitted: Omissions,
): string[][] {
  const withAttributes = changes.filter((change) => change.attributeChanges.length > 0);
  const kept = withAttributes.filter(
    (change) => detail.attributes === "all" || (detail.attributes === "stateful" && change.statefulReason !== undefined),
  );
  omitted.attributeTables += withAttributes.length - kept.length;
  return kept.map((change) => attributeDetails(change, action(change)));
}

function driftSection(drift: readonly ObjectChange[], detail: Detail, omitted: Omissions): string[][] {
  const { rows, note } = keepRows(drift, detail, omitted);
  const attributes = (change: ObjectChange) => {
    const paths = change.attributeChanges.map((attribute) => codeSpan(attribute.path));
    return paths.length <= 5 ? paths.join(", ") : `${paths.slice(0, 5).join(", ")} and ${paths.length - 5} more`;
  };
  return [
    [
      `#### Changed outside Terraform (${drift.length})`,
      "",
      "Terraform's refresh found these objects changed since the last apply. The plan starts from what is there now: it sets back what the configuration sets, and recreates what was deleted.",
      "",
      markdownTable(
        ["Address", "Change", "Region", "Attributes"],
        rows.map((change) => [
          codeSpan(change.address),
          change.kind === "delete" ? "**deleted**" : change.kind,
          regionOf(change),
          attributes(change) || "—",
        ]),
      ),
      ...note,
    ],
    ...attributeSections(rows, (change) => `changed outside Terraform (${change.kind})`, detail, omitted),
  ];
}

function replacementsTable(replacements: readonly ResourceChangeSummary[]): string[] {
  return [
    `#### Replacements (${replacements.length})`,
    "",
    markdownTable(
      ["Address", "Forced by", "Order"],
      replacements.map((change) => [
        addressOf(change),
        change.replacedBy.length > 0 ? change.replacedBy.map(codeSpan).join(", ") : reasonOf(change) || "—",
        change.replaceOrder === "create-before-destroy" ? "create, then destroy" : "destroy, then create",
      ]),
    ),
  ];
}

/** What else happens to an imported or moved object. */
function thenOf(change: ResourceChangeSummary): string {
  if (change.kind === "no-op") return "nothing else";
  return change.losesData ? `**${change.kind}** (stateful)` : change.kind;
}

function importsSection(imports: readonly ResourceChangeSummary[], detail: Detail, omitted: Omissions): string[] {
  const { rows, note } = keepRows(imports, detail, omitted);
  return [
    `#### Imports (${imports.length})`,
    "",
    "Existing objects that `import` blocks bring under Terraform's management.",
    "",
    markdownTable(
      ["Address", "Import ID", "Then"],
      rows.map((change) => [codeSpan(change.address), codeSpan(change.importId ?? ""), thenOf(change)]),
    ),
    ...note,
  ];
}

function movesSection(moves: readonly ResourceChangeSummary[], detail: Detail, omitted: Omissions): string[] {
  const { rows, note } = keepRows(moves, detail, omitted);
  return [
    `#### Moves (${moves.length})`,
    "",
    "Objects that keep existing under a new address (`moved` blocks): nothing is destroyed by the move.",
    "",
    markdownTable(
      ["From", "To", "Then"],
      rows.map((change) => [codeSpan(change.previousAddress ?? ""), codeSpan(change.address), thenOf(change)]),
    ),
    ...note,
  ];
}

function forgetsSection(forgets: readonly ResourceChangeSummary[], detail: Detail, omitted: Omissions): string[] {
  const { rows, note } = keepRows(forgets, detail, omitted);
  return [
    `#### Removed from state, not destroyed (${forgets.length})`,
    "",
    "Terraform stops managing these (`removed` blocks with `destroy = false`); the objects and their data stay in AWS.",
    "",
    markdownTable(
      ["Address", "Provider", "Region"],
      rows.map((change) => [
        codeSpan(change.address),
        change.provider === undefined ? "— (not in configuration)" : codeSpan(change.provider),
        regionOf(change),
      ]),
    ),
    ...note,
  ];
}

function changesTable(changes: readonly ResourceChangeSummary[], detail: Detail, omitted: Omissions): string[] {
  const { rows, note } = keepRows(changes, detail, omitted);
  const shown = rows.length === changes.length ? "" : `, ${rows.length} shown`;
  return [
    `<details><summary>All changed resources (${changes.length}${shown})</summary>`,
    "",
    markdownTable(
      ["Address", "Action", "Provider", "Region", "Why"],
      rows.map((change) => [
        addressOf(change),
        change.losesData ? `**${actionOf(change)}** (stateful)` : actionOf(change),
        change.provider === undefined ? "— (not in configuration)" : codeSpan(change.provider),
        regionOf(change),
        reasonOf(change),
      ]),
    ),
    ...note,
    "",
    "</details>",
  ];
}

function shortenedNote(maxLength: number, omitted: Omissions): string[] {
  const what = [
    ...(omitted.attributeTables > 0 ? [`the attribute changes of ${plural(omitted.attributeTables, "resource")}`] : []),
    ...(omitted.rows > 0 ? [`${plural(omitted.rows, "table row")} of stateless changes`] : []),
  ];
  return [
    `**Shortened to stay under ${maxLength.toLocaleString("en-US")} characters** (a GitHub comment holds ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}): ${what.join(" and ")} left out; every stateful change is listed. The whole summary: \`npm run plan:summary -- plan.json --max-length 1000000\`.`,
  ];
}

export interface RenderOptions {
  /** Heading of the summary, e.g. the stack name. @default "Terraform plan" */
  readonly title?: string;
  /** The GitHub Actions run to link in the header. @default - no header line */
  readonly run?: GitHubRun;
  /** Longest text to return, in characters; detail is left out to stay under it. @default DEFAULT_MAX_LENGTH */
  readonly maxLength?: number;
}

/** What a reader must see first: a failed-over deployment, the totals, and the callouts on stateful resources. */
function overviewBlocks(summary: PlanSummary, listed: readonly ResourceChangeSummary[]): string[][] {
  const blocks: string[][] = [];
  // Before anything else: whoever reads this plan during an incident must see it first.
  if (summary.failedOver.length > 0) blocks.push(failedOverCallout(summary.failedOver));
  // Unchanged tables too: the check stays red until the replica is fixed.
  const mismatched = summary.changes.filter((change) => change.replicaMismatches.length > 0);
  const mismatchBlocks = mismatched.length > 0 ? [replicaMismatchCallout(mismatched)] : [];
  if (listed.length === 0) {
    return [
      ...blocks,
      ["**No changes.** The infrastructure matches the configuration.", ...notListed(summary)],
      ...mismatchBlocks,
    ];
  }
  const losing = listed.filter((change) => change.losesData);
  const statefulInPlace = listed.filter(
    (change) =>
      change.statefulReason !== undefined && !change.losesData && (change.kind === "update" || change.kind === "forget"),
  );
  return [
    ...blocks,
    [totalsTable(summary, listed), ...notListed(summary)],
    ...(losing.length > 0 ? [dataLossCallout(losing)] : []),
    ...mismatchBlocks,
    ...(statefulInPlace.length > 0 ? [inPlaceNote(statefulInPlace)] : []),
  ];
}

/** Changes to what Terraform tracks, beyond create/update/delete: drift, replacements, imports, moves, forgets. */
function stateChangeBlocks(
  summary: PlanSummary,
  listed: readonly ResourceChangeSummary[],
  detail: Detail,
  omitted: Omissions,
): string[][] {
  const replacements = listed.filter((change) => change.kind === "replace");
  const imports = listed.filter((change) => change.importId !== undefined);
  const moves = listed.filter((change) => change.previousAddress !== undefined);
  const forgets = listed.filter((change) => change.kind === "forget");
  return [
    ...(summary.drift.length > 0 ? driftSection(summary.drift, detail, omitted) : []),
    ...(replacements.length > 0 ? [replacementsTable(replacements)] : []),
    ...(imports.length > 0 ? [importsSection(imports, detail, omitted)] : []),
    ...(moves.length > 0 ? [movesSection(moves, detail, omitted)] : []),
    ...(forgets.length > 0 ? [forgetsSection(forgets, detail, omitted)] : []),
  ];
}

/** The collapsed table of every change and each one's attribute changes. */
function changeDetailBlocks(listed: readonly ResourceChangeSummary[], detail: Detail, omitted: Omissions): string[][] {
  if (listed.length === 0) return [];
  const table = changesTable(listed, detail, omitted);
  const attributes = attributeSections(listed, actionOf, detail, omitted);
  return [table, ...(attributes.length > 0 ? [[`#### Attribute changes (${attributes.length})`], ...attributes] : [])];
}

function footerBlocks(summary: PlanSummary): string[][] {
  const outputs = summary.outputChanges.map((output) => `${codeSpan(output.name)} (${output.kind})`);
  return [
    ...(outputs.length > 0 ? [[`Output changes: ${outputs.join(", ")}.`]] : []),
    ...(summary.terraformVersion === undefined ? [] : [[`<sub>Terraform ${summary.terraformVersion}</sub>`]]),
  ];
}

function renderAt(summary: PlanSummary, options: RenderOptions, detail: Detail, maxLength: number): string {
  const omitted: Omissions = { attributeTables: 0, rows: 0 };
  const listed = summary.changes.filter(isListed);
  const head = [[`### ${options.title ?? "Terraform plan"}`], ...(options.run === undefined ? [] : [[runLine(options.run)]])];
  const body = [
    ...overviewBlocks(summary, listed),
    ...stateChangeBlocks(summary, listed, detail, omitted),
    ...changeDetailBlocks(listed, detail, omitted),
    ...footerBlocks(summary),
  ];
  const shortened = omitted.attributeTables + omitted.rows > 0 ? [shortenedNote(maxLength, omitted)] : [];
  return `${[...head, ...shortened, ...body].map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

/**
 * The summary with as much detail as fits in `maxLength` characters. When even the least
 * detail doesn't fit (thousands of stateful changes), the text is longer than asked: a
 * stateful change is never dropped. Callers compare the length to warn.
 */
export function renderMarkdown(summary: PlanSummary, options: RenderOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  let text = "";
  for (const detail of DETAIL_LEVELS) {
    text = renderAt(summary, options, detail, maxLength);
    if (text.length <= maxLength) break;
  }
  return text;
}
