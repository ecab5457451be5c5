/**
 * What a plan does to the replicas of a DynamoDB global table (`aws_dynamodb_table` with
 * `replica` blocks) beyond what Terraform's actions say: Terraform plans every replica change
 * as an in-place update of the table, yet the AWS provider deletes and re-creates a replica
 * for some of them; and a replica can be configured unlike its table (no point-in-time
 * recovery, another kind of key, no deletion protection). See docs/plan-review.md.
 */
import { isDeepStrictEqual } from "node:util";
import { isJsonObject, type Plan, type PlanResourceChange } from "./plan-schema";
import { configuredResources } from "./provider-regions";
import { byCodeUnits } from "../report-format";

export { configAddress } from "./provider-regions";

/**
 * Replica attributes whose change makes the AWS provider (hashicorp/aws 5.100.0, the version
 * tools/terraform/toolchain.ts pins) delete the replica and create it again, within an in-place
 * update of the table.
 *
 * Source: internal/service/dynamodb/table.go, `updateReplica`. Its "third pass" looks at each
 * region whose replica block changed (the old block is in `o.Difference(n)`, the new one in
 * `n.Difference(o)`) and, under `// like "ForceNew" for the replica - KMS change`, when
 * `ma[names.AttrKMSKeyARN] != mr[names.AttrKMSKeyARN]` appends the old block to `toRemove`
 * and the new one to `toAdd`: `deleteReplicas`, then `createReplicas`. A change of
 * `point_in_time_recovery` takes the `// just update PITR` branch (`updatePITR`,
 * UpdateContinuousBackups in the replica's region: in place), and anything else (`propagate_tags`)
 * `// nothing changed, assuming propagate_tags changed so do nothing here`.
 * `createReplicas`' own comment lists the replica arguments: "region_name can't be updated -
 * new replica; kms_key_arn can't be updated - remove/add replica; propagate_tags - handled
 * elsewhere; point_in_time_recovery - handled elsewhere".
 *
 * History: hashicorp/terraform-provider-aws#29102 (merged January 2023) made a
 * `replica.*.kms_key_arn` change re-create the replica ("you cannot update CMKs - you have to
 * recreate the replica"), and also a `replica.*.point_in_time_recovery` change when the
 * replica's `kms_key_arn` is set; that PITR re-creation was the regression reported against
 * 4.52.0 in #29222 and closed by #29269 ("dynamodb/table: Not recreate on PITR enable"). Later providers (6.x)
 * also re-create on a `consistency_mode` change; 5.100.0's replica has no such attribute
 * (`terraform providers schema -json`: arn, kms_key_arn, point_in_time_recovery,
 * propagate_tags, region_name, stream_arn, stream_label), so it is not listed here.
 * A changed `region_name` is another replica: a removal plus an addition (removedReplicaRegions).
 *
 * Which table.go: the source index holds the pre-5.100 v5 text (`map[string]interface{}`), a
 * later v5 one (`map[string]any`, same third pass) and a 6.x one (adds `consistency_mode` and
 * replica `deletion_protection_enabled` branches); all three send a KMS change to
 * `toRemove`/`toAdd` and a PITR change to `updatePITR`. The 5.100.0 binary in the provider
 * mirror has the messages "updating replica (%s) point in time recovery" and "updating
 * replicas, while deleting/creating" and none of "updating replica (%s) deletion protection",
 * `consistency_mode` or `global_table_witness`: the 6.x branches are not in it.
 */
export const REPLICA_RECREATING_ATTRIBUTES: readonly string[] = ["kms_key_arn"];

/** Why the provider re-creates a replica, per attribute, for the summary. */
export const RECREATION_REASONS: Readonly<Record<string, string>> = {
  kms_key_arn:
    "a replica's KMS key cannot be changed in place: the AWS provider deletes the replica and creates it again under the new key (hashicorp/terraform-provider-aws#29102)",
};

/** One attribute of one side of a replica, as the plan knows it. */
export type ReplicaValue = { readonly known: true; readonly value: unknown } | { readonly known: false };

/** A region whose replica the provider deletes and creates again. */
export interface RecreatedReplica {
  readonly region: string;
  readonly attribute: string;
  readonly before: ReplicaValue;
  readonly after: ReplicaValue;
}

/** Fields a replica should share with its table. */
export type ReplicaField = "point_in_time_recovery" | "kms_key_arn" | "deletion_protection_enabled";

/** A replica, after the plan, configured unlike its table. */
export interface ReplicaMismatch {
  readonly region: string;
  /** The replica's field that differs. */
  readonly field: ReplicaField;
  /**
   * The table's setting and the replica's: `on`/`off` (point_in_time_recovery), `true`/`false`
   * (deletion_protection_enabled), a customer managed key's ARN or `(known after apply)`, or ""
   * for none (kms_key_arn).
   */
  readonly table: string;
  readonly replica: string;
  /** Whether `--fail-on-stateful-change` fails on it: a replica without the table's point-in-time recovery. */
  readonly failsCheck: boolean;
}

type Values = Record<string, unknown>;

/** One replica block of one side of a change, with its `after_unknown` marks. */
interface ReplicaBlock {
  readonly values: Values;
  readonly unknown: Values;
}

/** The replica blocks of one side, each with its `after_unknown` marks, keyed by region. */
function replicasByRegion(values: unknown, unknownMarks: unknown): Map<string, ReplicaBlock> {
  const replicas = isJsonObject(values) && Array.isArray(values.replica) ? values.replica : [];
  const marks = isJsonObject(unknownMarks) && Array.isArray(unknownMarks.replica) ? unknownMarks.replica : [];
  const byRegion = new Map<string, ReplicaBlock>();
  replicas.forEach((replica: unknown, index) => {
    if (!isJsonObject(replica) || typeof replica.region_name !== "string") return;
    const mark: unknown = marks[index];
    byRegion.set(replica.region_name, { values: replica, unknown: isJsonObject(mark) ? mark : {} });
  });
  return byRegion;
}

function valueOf(side: ReplicaBlock, attribute: string): ReplicaValue {
  return side.unknown[attribute] === true ? { known: false } : { known: true, value: side.values[attribute] ?? null };
}

/** `null`, `""` and an absent attribute are the same thing to the provider: not set. */
const isUnset = (value: unknown) => value === null || value === undefined || value === "";

/**
 * Whether the provider, applying `will` over `was`, sees a change. An attribute known only after
 * apply counts when it was set before: the provider compares whatever it becomes with the
 * current value, so the plan cannot promise the replica survives.
 */
function replicaAttributeChanges(was: ReplicaValue, will: ReplicaValue): boolean {
  if (!will.known) return was.known && !isUnset(was.value);
  const old = was.known ? was.value : null;
  return !(isUnset(old) && isUnset(will.value)) && !isDeepStrictEqual(old, will.value);
}

/**
 * Regions whose replica an update of `change` deletes and creates again (see
 * REPLICA_RECREATING_ATTRIBUTES), sorted, each with the first attribute that re-creates it.
 */
export function recreatedReplicas(change: PlanResourceChange): RecreatedReplica[] {
  if (change.type !== "aws_dynamodb_table" || !change.change.actions.includes("update")) return [];
  const before = replicasByRegion(change.change.before, undefined);
  const after = replicasByRegion(change.change.after, change.change.after_unknown);
  const recreated: RecreatedReplica[] = [];
  for (const [region, old] of before) {
    const next = after.get(region);
    if (next === undefined) continue;
    const attribute = REPLICA_RECREATING_ATTRIBUTES.find((name) =>
      replicaAttributeChanges(valueOf(old, name), valueOf(next, name)),
    );
    if (attribute !== undefined)
      recreated.push({ region, attribute, before: valueOf(old, attribute), after: valueOf(next, attribute) });
  }
  return recreated.sort((a, b) => byCodeUnits(a.region, b.region));
}

/** Which customer managed keys a table's configuration names: its own, and each replica's. */
export interface EncryptionConfig {
  /** `server_side_encryption { kms_key_arn = … }` is set. */
  readonly tableKey: boolean;
  /** Per replica region (a literal `region_name`): whether its block sets `kms_key_arn`. */
  readonly replicaKeys: ReadonlyMap<string, boolean>;
}

/**
 * The keys each DynamoDB table's configuration names, by module path + address. Read from the
 * configuration rather than the values: after a refresh the provider records the ARN of the
 * AWS managed key too, which no value tells apart from a customer managed key's.
 */
export function encryptionConfigs(plan: Plan): Map<string, EncryptionConfig> {
  const byResource = new Map<string, EncryptionConfig>();
  for (const { key, resource } of configuredResources(plan.configuration?.root_module)) {
    if (resource.type !== "aws_dynamodb_table") continue;
    // Block expressions: one object per block, an attribute's key only when it is set.
    const expressions = (resource as { expressions?: unknown }).expressions;
    byResource.set(key, encryptionConfig(isJsonObject(expressions) ? expressions : {}));
  }
  return byResource;
}

/** The keys one table's block expressions name. */
function encryptionConfig(expressions: Values): EncryptionConfig {
  const sse = firstBlock(expressions, "server_side_encryption");
  const replicaKeys = new Map<string, boolean>();
  const blocks = Array.isArray(expressions.replica) ? (expressions.replica as unknown[]) : [];
  for (const block of blocks) {
    if (!isJsonObject(block) || !isJsonObject(block.region_name)) continue;
    const region = block.region_name.constant_value;
    if (typeof region === "string") replicaKeys.set(region, block.kms_key_arn !== undefined);
  }
  return { tableKey: sse?.kms_key_arn !== undefined, replicaKeys };
}

/** The first block of a nested `list` block (`point_in_time_recovery`, `server_side_encryption`). */
function firstBlock(values: Values, name: string): Values | undefined {
  const blocks = values[name];
  return Array.isArray(blocks) && isJsonObject(blocks[0]) ? blocks[0] : undefined;
}

const onOff = (enabled: boolean) => (enabled ? "on" : "off");

/** The table's settings, after the plan, that its replicas should share; `undefined` where known only after apply. */
interface TableSettings {
  readonly pointInTimeRecovery: boolean | undefined;
  /** The customer managed key's ARN, `(known after apply)`, or `undefined` for none. */
  readonly keyText: string | undefined;
  readonly deletionProtection: boolean | undefined;
}

function tableSettings(after: Values, marks: Values): TableSettings {
  // Point-in-time recovery: the table's block (the replica's is a boolean, unset = off).
  const pitr = firstBlock(after, "point_in_time_recovery");
  const pitrUnknown = marks.point_in_time_recovery === true || firstBlock(marks, "point_in_time_recovery")?.enabled === true;
  // Encryption: whether a customer managed key encrypts the table (`server_side_encryption`
  // with a `kms_key_arn`). A replica can't choose between the AWS owned and the AWS managed
  // key: it follows its table.
  const sse = firstBlock(after, "server_side_encryption");
  const sseKeyUnknown =
    marks.server_side_encryption === true || firstBlock(marks, "server_side_encryption")?.kms_key_arn === true;
  return {
    pointInTimeRecovery: pitrUnknown ? undefined : pitr?.enabled === true,
    keyText: sseKeyUnknown ? "(known after apply)" : keyArnText(sse?.kms_key_arn),
    deletionProtection: marks.deletion_protection_enabled === true ? undefined : after.deletion_protection_enabled === true,
  };
}

/** A key ARN as text; `undefined` when no key is set. */
const keyArnText = (arn: unknown): string | undefined => (isUnset(arn) ? undefined : String(arn));

/** A replica without the table's point-in-time recovery, or with it where the table has none. */
function pitrMismatch(region: string, replica: ReplicaBlock, table: TableSettings): ReplicaMismatch | undefined {
  const tablePitr = table.pointInTimeRecovery;
  const pitrValue = valueOf(replica, "point_in_time_recovery");
  if (tablePitr === undefined || !pitrValue.known || tablePitr === (pitrValue.value === true)) return undefined;
  return { region, field: "point_in_time_recovery", table: onOff(tablePitr), replica: onOff(!tablePitr), failsCheck: tablePitr };
}

/** A replica encrypted by another kind of key than its table: a customer managed key or not. */
function keyMismatch(
  region: string,
  replica: ReplicaBlock,
  table: TableSettings,
  encryption: EncryptionConfig | undefined,
): ReplicaMismatch | undefined {
  const replicaKey = encryption?.replicaKeys.get(region);
  if (encryption === undefined || replicaKey === undefined || replicaKey === encryption.tableKey) return undefined;
  const keyValue = valueOf(replica, "kms_key_arn");
  const replicaKeyText = keyValue.known ? keyArnText(keyValue.value) : "(known after apply)";
  // "" for no customer managed key; the key's ARN, or "(known after apply)", for one.
  const keyText = (configured: boolean, text: string | undefined) => (configured ? (text ?? "(known after apply)") : "");
  return {
    region,
    field: "kms_key_arn",
    table: keyText(encryption.tableKey, table.keyText),
    replica: keyText(replicaKey, replicaKeyText),
    failsCheck: false,
  };
}

/** A replica protected from deletion unlike its table; only providers whose replica block has the attribute (6.x) say. */
function protectionMismatch(region: string, replica: ReplicaBlock, table: TableSettings): ReplicaMismatch | undefined {
  const tableProtected = table.deletionProtection;
  if (!Object.prototype.hasOwnProperty.call(replica.values, "deletion_protection_enabled") || tableProtected === undefined) {
    return undefined;
  }
  const replicaProtected = valueOf(replica, "deletion_protection_enabled");
  if (!replicaProtected.known || (replicaProtected.value === true) === tableProtected) return undefined;
  return {
    region,
    field: "deletion_protection_enabled",
    table: String(tableProtected),
    replica: String(!tableProtected),
    failsCheck: false,
  };
}

/**
 * Replicas that, after the plan, differ from their table in point-in-time recovery, in the
 * kind of key that encrypts them, or (providers whose replica block has it, 6.x) in deletion
 * protection, sorted by region and field. Values known only after apply are not compared.
 * `encryption` is the table's configuration (encryptionConfigs); without it, or for a replica
 * whose region is not a literal there, encryption is not compared.
 */
export function replicaMismatches(change: PlanResourceChange, encryption: EncryptionConfig | undefined): ReplicaMismatch[] {
  if (change.type !== "aws_dynamodb_table" || change.mode !== "managed") return [];
  const { after, after_unknown: unknownMarks } = change.change;
  if (!isJsonObject(after)) return [];
  const table = tableSettings(after, isJsonObject(unknownMarks) ? unknownMarks : {});
  const mismatches = [...replicasByRegion(after, unknownMarks)].flatMap(([region, replica]) =>
    [
      pitrMismatch(region, replica, table),
      keyMismatch(region, replica, table, encryption),
      protectionMismatch(region, replica, table),
    ].filter((mismatch) => mismatch !== undefined),
  );
  return mismatches.sort((a, b) => byCodeUnits(a.region, b.region) || byCodeUnits(a.field, b.field));
}
