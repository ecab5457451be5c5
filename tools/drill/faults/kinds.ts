/** The fault kinds and what a fault leaves in the record: a leaf module, imported by the record and the options alike. */

export const FAULT_KINDS = ["health-check", "functions", "replication"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const DEFAULT_FAULT: FaultKind = "health-check";

/** What a fault leaves in the record, for the report. */
export interface FaultRecord {
  readonly kind: FaultKind;
  /** What the fault does, in one line. */
  readonly title: string;
  /** Terraform drift while the fault is in place (resources and attributes). */
  readonly drift: readonly string[];
  /** What the fault found before breaking and checked after restoring, in words. */
  readonly restoredCheck: string | undefined;
  /** Fault-specific measurements (replication: the stranded window and catch-up), in ms or counts. */
  readonly measures: Readonly<Record<string, number>>;
}
