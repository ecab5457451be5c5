/**
 * The failover lever: inverting a region's endpoint check (or any of its checks) makes Route 53
 * count the region unhealthy. The drill and an operator pull it with `UpdateHealthCheck`, and
 * the drill marks the check with a tag while it runs. Terraform ignores both, so an apply
 * during an incident does not send traffic back to a region someone failed away from.
 */
export const FAILOVER_LEVER = {
  attribute: "invert_healthcheck",
  /** The drill's marker: `drill-in-progress=<drill id>` on the primary's endpoint check. */
  markerTag: "drill-in-progress",
} as const;
