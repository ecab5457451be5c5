/**
 * What a plan does to the replicas of a DynamoDB global table (`aws_dynamodb_table` with
 * `replica` blocks) beyond what Terraform's actions say: Terraform plans every replica change
 * as an in-place update of the table, yet the AWS provider deletes and re-creates a replica
 * for some of them; and a replica can be configured unlike its table (no point-in-time
 * recovery, another kind of key, no deletion protection). See docs/plan-review.md.
 */
import { isDeepStrictEqual } from "node:util";
import type { Plan, PlanResourceChange } from "./plan-schema";
import { moduleConfigPath } from "./provider-regions";

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

const isObject = (value: unknown): value is Values => value !== null && typeof value === "object" && !Array.isArray(value);

/** The replica blocks of one side, each with its `after_unknown` marks, keyed by region. */
function replicasByRegion(values: unknown, unknownMarks: unknown): Map<string, { values: Values; unknown: Values }> {
  const replicas = isObject(values) && Array.isArray(values.replica) ? values.replica : [];
  const marks = isObject(unknownMarks) && Array.isArray(unknownMarks.replica) ? unknownMarks.replica : [];
  const byRegion = new Map<string, { values: Values; unknown: Values }>();
  replicas.forEach((replica: unknown, index) => {
    if (!isObject(replica) || typeof replica.region_name !== "string") return;
    const mark: unknown = marks[index];
    byRegion.set(replica.region_name, { values: replica, unknown: isObject(mark) ? mark : {} });
  });
  return byRegion;
}

function valueOf(side: { values: Values; unknown: Values }, attribute: string): ReplicaValue {
  return side.unknown[attribute] === true ? { known: false } : { known: true, value: side.values[attribute] ?? null };
}

/** `null`, `""` and an absent attribute are the same thing to the provider: not set. */
const isUnset = (value: unknown) => value === null || value === undefined || value === "";

/**
 * Regions whose replica an update of `change` deletes and creates again (see
 * REPLICA_RECREATING_ATTRIBUTES), sorted. An attribute known only after apply counts when it
 * was set before: the provider compares whatever it becomes with the current value, so the
 * plan cannot promise the replica survives.
 */
export function recreatedReplicas(change: PlanResourceChange): RecreatedReplica[] {
  if (change.type !== "aws_dynamodb_table" || !change.change.actions.includes("update")) return [];
  const before = replicasByRegion(change.change.before, undefined);
  const after = replicasByRegion(change.change.after, change.change.after_unknown);
  const recreated: RecreatedReplica[] = [];
  for (const [region, old] of before) {
    const next = after.get(region);
    if (next === undefined) continue;
    for (const attribute of REPLICA_RECREATING_ATTRIBUTES) {
      const [was, will] = [valueOf(old, attribute), valueOf(next, attribute)];
      const changes = will.known
        ? !(isUnset(was.known ? was.value : null) && isUnset(will.value)) &&
          !isDeepStrictEqual(was.known ? was.value : null, will.value)
        : was.known && !isUnset(was.value);
      if (changes) {
        recreated.push({ region, attribute, before: was, after: will });
        break;
      }
    }
  }
  return recreated.sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
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
  const visit = (module: NonNullable<NonNullable<Plan["configuration"]>["root_module"]>, path: string): void => {
    for (const resource of module.resources ?? []) {
      if (resource.type !== "aws_dynamodb_table") continue;
      // Block expressions: one object per block, an attribute's key only when it is set.
      const expressions = (resource as { expressions?: unknown }).expressions;
      const sse = isObject(expressions) ? expressions.server_side_encryption : undefined;
      const tableKey = Array.isArray(sse) && isObject(sse[0]) && sse[0].kms_key_arn !== undefined;
      const replicaKeys = new Map<string, boolean>();
      const blocks = isObject(expressions) ? expressions.replica : undefined;
      for (const block of Array.isArray(blocks) ? (blocks as unknown[]) : []) {
        if (!isObject(block) || !isObject(block.region_name)) continue;
        const region = block.region_name.constant_value;
        if (typeof region === "string") replicaKeys.set(region, block.kms_key_arn !== undefined);
      }
      byResource.set(path === "" ? resource.address : `${path}.${resource.address}`, { tableKey, replicaKeys });
    }
    for (const [name, call] of Object.entries(module.module_calls ?? {})) {
      if (call.module !== undefined) visit(call.module, path === "" ? `module.${name}` : `${path}.module.${name}`);
    }
  };
  const root = plan.configuration?.root_module;
  if (root !== undefined) visit(root, "");
  return byResource;
}

/** The configuration key of a resource change (no instance keys), as encryptionConfigs keys it. */
export function configAddress(change: PlanResourceChange): string {
  const path = moduleConfigPath(change.module_address);
  const address = `${change.type}.${change.name}`;
  return path === "" ? address : `${path}.${address}`;
}

/** The first block of a nested `list` block (`point_in_time_recovery`, `server_side_encryption`). */
function firstBlock(values: Values, name: string): Values | undefined {
  const blocks = values[name];
  return Array.isArray(blocks) && isObject(blocks[0]) ? blocks[0] : undefined;
}

const onOff = (enabled: boolean) => (enabled ? "on" : "off");

/**
 * Replicas that, after the plan, differ from their table in point-in-time recovery, in the
 * kind of key that encrypts them, or (providers whose replica block has it, 6.x) in deletion
 * protection. Values known only after apply are not compared. `encryption` is the table's
 * configuration (encryptionConfigs); without it, or for a replica whose region is not a literal
 * there, encryption is not compared.
 */
export function replicaMismatches(change: PlanResourceChange, encryption: EncryptionConfig | undefined): ReplicaMismatch[] {
  if (change.type !== "aws_dynamodb_table" || change.mode !== "managed") return [];
  const { after, after_unknown: unknownMarks } = change.change;
  if (!isObject(after)) return [];
  const marks = isObject(unknownMarks) ? unknownMarks : {};
  const mismatches: ReplicaMismatch[] = [];

  // Point-in-time recovery: the table's block, the replica's boolean (unset = off).
  const pitr = firstBlock(after, "point_in_time_recovery");
  const pitrUnknown = marks.point_in_time_recovery === true || firstBlock(marks, "point_in_time_recovery")?.enabled === true;
  const tablePitr = pitrUnknown ? undefined : pitr?.enabled === true;

  // Encryption: whether a customer managed key encrypts the table (`server_side_encryption`
  // with a `kms_key_arn`) and the replica (its own `kms_key_arn`, that region's key). A replica
  // can't choose between the AWS owned and the AWS managed key: it follows its table.
  const sse = firstBlock(after, "server_side_encryption");
  const sseKeyUnknown =
    marks.server_side_encryption === true || firstBlock(marks, "server_side_encryption")?.kms_key_arn === true;
  const tableKeyText = sseKeyUnknown ? "(known after apply)" : isUnset(sse?.kms_key_arn) ? undefined : String(sse?.kms_key_arn);

  const tableProtected = marks.deletion_protection_enabled === true ? undefined : after.deletion_protection_enabled === true;

  for (const [region, replica] of replicasByRegion(after, unknownMarks)) {
    const pitrValue = valueOf(replica, "point_in_time_recovery");
    if (tablePitr !== undefined && pitrValue.known && tablePitr !== (pitrValue.value === true)) {
      mismatches.push({
        region,
        field: "point_in_time_recovery",
        table: onOff(tablePitr),
        replica: onOff(!tablePitr),
        failsCheck: tablePitr,
      });
    }

    const replicaKey = encryption?.replicaKeys.get(region);
    if (encryption !== undefined && replicaKey !== undefined && replicaKey !== encryption.tableKey) {
      const keyValue = valueOf(replica, "kms_key_arn");
      const replicaKeyText = !keyValue.known
        ? "(known after apply)"
        : isUnset(keyValue.value)
          ? undefined
          : String(keyValue.value);
      // "" for no customer managed key; the key's ARN, or "(known after apply)", for one.
      const keyText = (configured: boolean, text: string | undefined) => (configured ? (text ?? "(known after apply)") : "");
      mismatches.push({
        region,
        field: "kms_key_arn",
        table: keyText(encryption.tableKey, tableKeyText),
        replica: keyText(replicaKey, replicaKeyText),
        failsCheck: false,
      });
    }

    // Only providers whose replica block has the attribute (6.x) say what the replica's is.
    if (Object.prototype.hasOwnProperty.call(replica.values, "deletion_protection_enabled") && tableProtected !== undefined) {
      const replicaProtected = valueOf(replica, "deletion_protection_enabled");
      if (replicaProtected.known && (replicaProtected.value === true) !== tableProtected) {
        mismatches.push({
          region,
          field: "deletion_protection_enabled",
          table: String(tableProtected),
          replica: String(!tableProtected),
          failsCheck: false,
        });
      }
    }
  }
  return mismatches.sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : a.field < b.field ? -1 : 1));
}
