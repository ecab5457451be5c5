/** The fault kinds in words, for `--help` and the error naming them (no AWS client imported). */
import { FAULT_KINDS, type FaultKind } from "./kinds";

export const FAULT_SUMMARIES: Readonly<Record<FaultKind, string>> = {
  "health-check": "invert the drilled region's health check: Route 53's routing, not a real outage",
  functions: "reserved concurrency 0 on the drilled region's functions: the region really stops answering",
  replication: 'pause both tables\' replication with AWS FIS (needs "drill": { "replicationFault": true })',
};

export function isFaultKind(name: string): name is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(name);
}
