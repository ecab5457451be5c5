/** Turns a parsed plan into the model the renderer prints: one entry per resource change. */
import { type AttributeChange, attributeChanges, formatAttributePath } from "./attribute-diff";
import type { Plan, PlanAction, PlanResourceChange } from "./plan-schema";
import { placeResources } from "./provider-regions";
import {
  configAddress,
  encryptionConfigs,
  type RecreatedReplica,
  recreatedReplicas,
  type ReplicaMismatch,
  replicaMismatches,
} from "./replicas";
import { statefulReason } from "./stateful-resources";
import { byCodeUnits } from "../report-format";
import { FAILOVER_LEVER } from "../../constructs/failover-lever";

export type ChangeKind = "create" | "update" | "replace" | "delete" | "read" | "forget" | "no-op";

/** Kinds in the order the totals list them. */
export const CHANGE_KINDS: readonly ChangeKind[] = ["create", "update", "replace", "delete", "forget", "read", "no-op"];

/** One object that changes: in the plan, or outside Terraform (drift). */
export interface ObjectChange {
  readonly address: string;
  /** Set for a deposed object (left over by a failed create-before-destroy). */
  readonly deposed: string | undefined;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly provider: string | undefined;
  readonly region: string | undefined;
  readonly regionSource: "configuration" | "state" | undefined;
  /** Why this type holds data (see STATEFUL_RESOURCE_TYPES); `undefined` if it doesn't. */
  readonly statefulReason: string | undefined;
  /** The changed attributes of an update or a replacement; empty for other kinds. */
  readonly attributeChanges: readonly AttributeChange[];
}

export interface ResourceChangeSummary extends ObjectChange {
  /** The address in the prior state when a `moved` block (or a rename) moves the object. */
  readonly previousAddress: string | undefined;
  /** The id an `import` block imports the object with. */
  readonly importId: string | undefined;
  /** For replacements: whether the new object exists before the old one goes. */
  readonly replaceOrder: "create-before-destroy" | "destroy-before-create" | undefined;
  /** Terraform's `action_reason`, e.g. `replace_because_cannot_update`. */
  readonly reason: string | undefined;
  /** Attributes that force a replacement, e.g. `hash_key`, `attribute[0].name`. */
  readonly replacedBy: readonly string[];
  /** Regions whose global-table replica the change drops (an in-place update of the table). */
  readonly removedReplicaRegions: readonly string[];
  /** Replicas the provider deletes and creates again within this in-place update (see replicas.ts). */
  readonly recreatedReplicas: readonly RecreatedReplica[];
  /** Replicas that, after the plan, differ from their table (point-in-time recovery, key, deletion protection). */
  readonly replicaMismatches: readonly ReplicaMismatch[];
  /** A stateful object, or a region's replica of one, is destroyed (or re-created): the data it holds is lost. */
  readonly losesData: boolean;
}

export interface PlanSummary {
  readonly terraformVersion: string | undefined;
  /** Every resource change, no-ops and reads included, sorted by address. */
  readonly changes: readonly ResourceChangeSummary[];
  /** Objects that refresh found changed or deleted outside Terraform, sorted by address. */
  readonly drift: readonly ObjectChange[];
  readonly counts: Readonly<Record<ChangeKind, number>>;
  /** Root outputs whose value changes, sorted by name. */
  readonly outputChanges: readonly { readonly name: string; readonly kind: ChangeKind }[];
  /** Health checks inverted in the state (a region failed away from), sorted by address. */
  readonly failedOver: readonly FailedOverCheck[];
}

/** A Route 53 health check whose failover lever is pulled: inverted, perhaps by a running drill. */
export interface FailedOverCheck {
  readonly address: string;
  /** What it probes (`ireland.example.com`), or its Name tag for a check of another type. */
  readonly target: string | undefined;
  /** The drill's marker (`drill-in-progress=<drill id>`) on it, if any. */
  readonly drillId: string | undefined;
}

/** Checks that are inverted before the plan: the stack ignores the lever, so they stay inverted after it. */
export function failedOverChecks(plan: Plan): FailedOverCheck[] {
  return (plan.resource_changes ?? [])
    .filter((change) => change.mode === "managed" && change.type === "aws_route53_health_check")
    .filter((change) => change.change.before?.[FAILOVER_LEVER.attribute] === true)
    .map((change) => {
      const before = change.change.before as { fqdn?: string; tags?: Record<string, string> | null };
      return {
        address: change.address,
        target: before.fqdn ?? before.tags?.Name ?? undefined,
        drillId: before.tags?.[FAILOVER_LEVER.markerTag],
      };
    })
    .sort((a, b) => byCodeUnits(a.address, b.address));
}

/** Terraform's action list -> one kind. A replacement is a create plus a delete (or forget). */
export function changeKind(actions: readonly PlanAction[]): ChangeKind {
  const has = (action: PlanAction) => actions.includes(action);
  if (has("create") && (has("delete") || has("forget"))) return "replace";
  if (has("delete")) return "delete";
  if (has("forget")) return "forget";
  if (has("create")) return "create";
  if (has("update")) return "update";
  if (has("read")) return "read";
  return "no-op";
}

/** Replica regions of a DynamoDB table. */
function replicaRegions(values: Record<string, unknown> | null | undefined): string[] {
  const replicas = values?.replica;
  if (!Array.isArray(replicas)) return [];
  return replicas
    .map((replica) => (replica as { region_name?: unknown }).region_name)
    .filter((r): r is string => typeof r === "string");
}

/**
 * Regions whose replica an update removes. Terraform plans this as an in-place update of the
 * table, yet DynamoDB deletes that region's copy of the data.
 */
export function removedReplicaRegions(change: PlanResourceChange): string[] {
  if (change.type !== "aws_dynamodb_table") return [];
  const after = new Set(replicaRegions(change.change.after));
  return replicaRegions(change.change.before)
    .filter((region) => !after.has(region))
    .sort();
}

/** What a plan entry and a drift entry share: where the object is and what changes in it. */
function summarizeObject(change: PlanResourceChange, place: ReturnType<typeof placeResources>): ObjectChange {
  const kind = changeKind(change.change.actions);
  const placement = place(change);
  return {
    address: change.address,
    deposed: change.deposed,
    type: change.type,
    kind,
    provider: placement.provider,
    region: placement.region,
    regionSource: placement.regionSource,
    statefulReason: change.mode === "managed" ? statefulReason(change.type) : undefined,
    attributeChanges: kind === "update" || kind === "replace" ? attributeChanges(change.change) : [],
  };
}

function summarizeChange(
  change: PlanResourceChange,
  place: ReturnType<typeof placeResources>,
  encryption: ReturnType<typeof encryptionConfigs>,
): ResourceChangeSummary {
  const object = summarizeObject(change, place);
  const { actions } = change.change;
  const managed = change.mode === "managed";
  const removedReplicas = managed ? removedReplicaRegions(change) : [];
  const recreated = managed ? recreatedReplicas(change) : [];
  return {
    ...object,
    previousAddress: change.previous_address,
    importId: change.change.importing?.id,
    replaceOrder:
      object.kind !== "replace" ? undefined : actions[0] === "create" ? "create-before-destroy" : "destroy-before-create",
    reason: change.action_reason,
    replacedBy: (change.change.replace_paths ?? []).map(formatAttributePath).sort(),
    removedReplicaRegions: removedReplicas,
    recreatedReplicas: recreated,
    replicaMismatches: managed ? replicaMismatches(change, encryption.get(configAddress(change))) : [],
    losesData:
      object.statefulReason !== undefined && (actions.includes("delete") || removedReplicas.length > 0 || recreated.length > 0),
  };
}

/** Code-point order, so the output is the same on every machine and locale. */
function byAddress(a: ObjectChange, b: ObjectChange): number {
  const left = `${a.address}\u0000${a.deposed ?? ""}`;
  const right = `${b.address}\u0000${b.deposed ?? ""}`;
  return byCodeUnits(left, right);
}

export function summarizePlan(plan: Plan): PlanSummary {
  const place = placeResources(plan);
  const encryption = encryptionConfigs(plan);
  const changes = (plan.resource_changes ?? []).map((change) => summarizeChange(change, place, encryption)).sort(byAddress);
  const drift = (plan.resource_drift ?? []).map((change) => summarizeObject(change, place)).sort(byAddress);
  const counts = Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as Record<ChangeKind, number>;
  for (const change of changes) counts[change.kind] += 1;
  const outputChanges = Object.entries(plan.output_changes ?? {})
    .map(([name, output]) => ({ name, kind: changeKind(output.actions) }))
    .filter((output) => output.kind !== "no-op")
    .sort((a, b) => byCodeUnits(a.name, b.name));
  return { terraformVersion: plan.terraform_version, changes, drift, counts, outputChanges, failedOver: failedOverChecks(plan) };
}

/** Stateful objects the plan destroys: a deletion, a replacement, a replica removed or re-created. */
export function stateLosingChanges(summary: PlanSummary): ResourceChangeSummary[] {
  return summary.changes.filter((change) => change.losesData);
}

/** Tables left with a replica that fails the check: one without the table's point-in-time recovery. */
export function unprotectedReplicaChanges(summary: PlanSummary): ResourceChangeSummary[] {
  return summary.changes.filter((change) => change.replicaMismatches.some((mismatch) => mismatch.failsCheck));
}

/**
 * What `--fail-on-stateful-change` fails on: some stateful object would be destroyed, or a
 * global table would keep a replica without its point-in-time recovery (the region we fail
 * over to would have no backups). See docs/plan-review.md.
 */
export function failsStatefulCheck(summary: PlanSummary): boolean {
  return stateLosingChanges(summary).length > 0 || unprotectedReplicaChanges(summary).length > 0;
}
