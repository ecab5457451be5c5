/**
 * The sections of docs/runbook.md that alarm descriptions name: what fired, what it means for
 * clients, the first thing to run. A test checks that each anchor exists in the runbook.
 */
export const RUNBOOK_SECTIONS = {
  regionUnhealthy: "docs/runbook.md#a-region-is-unhealthy",
  clientErrors: "docs/runbook.md#a-client-route-answers-5xx",
  replicationLag: "docs/runbook.md#a-replica-is-behind",
} as const;
