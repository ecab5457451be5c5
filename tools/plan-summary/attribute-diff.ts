/**
 * What a change does to an object's attributes, as a reviewer reads it: one row per changed
 * leaf (`tags["Team"]`, `ttl[0].enabled`) rather than two whole objects; JSON documents in
 * string attributes (IAM policies, the OpenAPI body) compared as JSON
 * (`jsondecode(policy).Statement[0].Action`); sensitive values masked; values that only apply
 * can know shown as such. Terraform's JSON carries sensitive values in clear text and marks
 * them in `before_sensitive` / `after_sensitive`, so masking here is what keeps them out of
 * the PR comment.
 */
import { isDeepStrictEqual } from "node:util";
import { isJsonObject } from "./plan-schema";

/** One side of a changed attribute, ready to print. */
export type ShownValue =
  | { readonly kind: "value"; readonly text: string }
  /** The attribute (or list element) doesn't exist on this side. */
  | { readonly kind: "absent" }
  | { readonly kind: "unknown" }
  | { readonly kind: "sensitive" };

export interface AttributeChange {
  /** HCL-style path: `ttl[0].enabled`, `tags["cost center"]`, `jsondecode(policy).Version`. */
  readonly path: string;
  readonly before: ShownValue;
  readonly after: ShownValue;
  /** Terraform's `replace_paths` name this attribute or one it sits in. */
  readonly forcesReplacement: boolean;
}

/** The parts of a plan change (resource change, drift or output) that the diff reads. */
export interface ChangeValues {
  readonly before: unknown;
  readonly after: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  readonly replace_paths?: readonly (readonly (string | number)[])[];
}

/** Longest value text shown; longer ones are cut and say their full length. */
export const MAX_VALUE_CHARS = 200;

/** A step into a string attribute that holds JSON. */
const JSON_STEP: unique symbol = Symbol("jsondecode");
type Step = string | number | typeof JSON_STEP;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A path as HCL would write it: `attribute[0].name`, `tags["Env"]`, `jsondecode(policy).Version`. */
export function formatAttributePath(path: readonly Step[]): string {
  let text = "";
  for (const step of path) {
    if (step === JSON_STEP) text = `jsondecode(${text})`;
    else if (typeof step === "number") text = `${text}[${step}]`;
    else if (text === "" && IDENTIFIER.test(step)) text = step;
    else text = IDENTIFIER.test(step) ? `${text}.${step}` : `${text}[${JSON.stringify(step)}]`;
  }
  return text;
}

/** Nothing there: absent, null, or an empty list or map. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isJsonObject(value) && Object.keys(value).length === 0;
}

/** The mark (`true`, or a nested shape) for one key or index of a marked value. */
function markAt(marks: unknown, step: string | number): unknown {
  if (marks === null || typeof marks !== "object") return undefined;
  return (marks as Record<string | number, unknown>)[step];
}

/** A string that holds a JSON object or array, parsed; `undefined` for anything else. */
function parseJsonDocument(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function cut(text: string): string {
  return text.length <= MAX_VALUE_CHARS ? text : `${text.slice(0, MAX_VALUE_CHARS - 20)}… (${text.length} chars)`;
}

/** A value in one line, HCL-like, with sensitive and unknown parts replaced by their marks. */
function compactText(value: unknown, sensitive: unknown, unknown: unknown): string {
  if (sensitive === true) return "(sensitive value)";
  if (unknown === true) return "(known after apply)";
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => compactText(item, markAt(sensitive, index), markAt(unknown, index))).join(", ")}]`;
  }
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return "{}";
    const entries = keys.map((key) => {
      const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
      return `${name} = ${compactText(value[key], markAt(sensitive, key), markAt(unknown, key))}`;
    });
    return `{ ${entries.join(", ")} }`;
  }
  return value === undefined ? "null" : JSON.stringify(value);
}

function shown(value: unknown, sensitive: unknown, unknown: unknown): ShownValue {
  if (sensitive === true) return { kind: "sensitive" };
  if (unknown === true) return { kind: "unknown" };
  if (value === undefined) return { kind: "absent" };
  return { kind: "value", text: cut(compactText(value, sensitive, unknown)) };
}

/** One side of the walk: the value with its sensitive and unknown marks. */
interface Side {
  readonly value: unknown;
  readonly sensitive: unknown;
  readonly unknown: unknown;
}

const ABSENT: Side = { value: undefined, sensitive: undefined, unknown: undefined };
const stepInto = (side: Side, step: string | number): Side => ({
  value:
    Array.isArray(side.value) || isJsonObject(side.value) ? (side.value as Record<string | number, unknown>)[step] : undefined,
  sensitive: markAt(side.sensitive, step),
  unknown: markAt(side.unknown, step),
});

interface Row {
  readonly path: Step[];
  readonly before: ShownValue;
  readonly after: ShownValue;
  /**
   * Nothing becomes "known after apply": a computed attribute the provider fills in, which
   * says nothing about the change, unless it is all that changes.
   */
  readonly computedOnly: boolean;
}

/** The row for a changed leaf: the attribute as a whole, shown on each side. */
function leafRow(path: Step[], before: Side, after: Side): Row {
  return {
    path,
    before: shown(before.value, before.sensitive, undefined),
    after: shown(after.value, after.sensitive, after.unknown),
    computedOnly: after.unknown === true && isEmpty(before.value),
  };
}

/** Compares two sides and adds a row for each changed leaf, going into maps, lists and JSON documents. */
function walk(path: Step[], before: Side, after: Side, rows: Row[]): void {
  if (after.unknown === true) {
    rows.push(leafRow(path, before, after));
  } else if (before.sensitive === true || after.sensitive === true) {
    // A sensitive value is one leaf: its parts are not shown, even when they differ.
    if (!isDeepStrictEqual(before.value, after.value) || before.sensitive !== after.sensitive)
      rows.push(leafRow(path, before, after));
  } else if (isJsonObject(before.value) && isJsonObject(after.value)) {
    walkMap(path, before, after, rows);
  } else if (Array.isArray(before.value) && Array.isArray(after.value)) {
    walkList(path, before, after, rows);
  } else {
    walkScalar(path, before, after, rows);
  }
}

function walkMap(path: Step[], before: Side, after: Side, rows: Row[]): void {
  // Terraform leaves unknown values out of `after`; their keys are in `after_unknown`.
  const unknownKeys = isJsonObject(after.unknown) ? Object.keys(after.unknown) : [];
  const beforeKeys = Object.keys(before.value as Record<string, unknown>);
  const afterKeys = Object.keys(after.value as Record<string, unknown>);
  const keys = [...new Set([...beforeKeys, ...afterKeys, ...unknownKeys])].sort();
  for (const key of keys) walk([...path, key], stepInto(before, key), stepInto(after, key), rows);
}

/** A leaf, unless both sides are strings holding different JSON documents: those are compared as JSON. */
function walkScalar(path: Step[], before: Side, after: Side, rows: Row[]): void {
  const documents = changedJsonDocuments(before.value, after.value);
  if (documents !== undefined) {
    walk([...path, JSON_STEP], { ...ABSENT, value: documents.before }, { ...ABSENT, value: documents.after }, rows);
  } else if (!isDeepStrictEqual(before.value, after.value)) {
    rows.push(leafRow(path, before, after));
  }
}

/** Both values are strings holding JSON documents that differ as JSON, parsed; else `undefined`. */
function changedJsonDocuments(before: unknown, after: unknown): { before: unknown; after: unknown } | undefined {
  if (typeof before !== "string" || typeof after !== "string" || before === after) return undefined;
  const [beforeDoc, afterDoc] = [parseJsonDocument(before), parseJsonDocument(after)];
  if (beforeDoc === undefined || afterDoc === undefined || isDeepStrictEqual(beforeDoc, afterDoc)) return undefined;
  return { before: beforeDoc, after: afterDoc };
}

/**
 * Lists of the same length are compared element by element (blocks edited in place). When the
 * length changes, elements are matched by value instead, so adding one element to a set
 * shows one addition rather than a shift of every element after it.
 */
function walkList(path: Step[], before: Side, after: Side, rows: Row[]): void {
  const [left, right] = [before.value as unknown[], after.value as unknown[]];
  if (left.length === right.length) {
    left.forEach((_, index) => walk([...path, index], stepInto(before, index), stepInto(after, index), rows));
    return;
  }
  const unmatched = right.map((_, index) => index);
  const removed: number[] = [];
  left.forEach((item, index) => {
    const match = unmatched.findIndex((candidate) => isDeepStrictEqual(right[candidate], item));
    if (match >= 0) unmatched.splice(match, 1);
    else removed.push(index);
  });
  for (const index of removed) walk([...path, index], stepInto(before, index), ABSENT, rows);
  for (const index of unmatched) walk([...path, index], ABSENT, stepInto(after, index), rows);
}

/** `path` lies inside (or is) one of the replace paths. */
function forcesReplacement(path: readonly Step[], replacePaths: ChangeValues["replace_paths"]): boolean {
  return (replacePaths ?? []).some(
    (replacePath) => replacePath.length <= path.length && replacePath.every((step, index) => path[index] === step),
  );
}

/**
 * Every changed leaf of a change, in attribute order; attributes that go from nothing to
 * "known after apply" only when nothing else changes.
 */
export function attributeChanges(change: ChangeValues): AttributeChange[] {
  const all: Row[] = [];
  walk(
    [],
    { value: change.before ?? {}, sensitive: change.before_sensitive, unknown: undefined },
    { value: change.after ?? {}, sensitive: change.after_sensitive, unknown: change.after_unknown },
    all,
  );
  const meaningful = all.filter((row) => !row.computedOnly);
  const rows = meaningful.length > 0 ? meaningful : all;
  return rows.map((row) => ({
    path: formatAttributePath(row.path),
    before: row.before,
    after: row.after,
    forcesReplacement: forcesReplacement(row.path, change.replace_paths),
  }));
}
