import { type TerraformResource, Token } from "cdktf";

/**
 * `aws_x.name`, the resource's address, for hand-written Terraform expressions (`for`
 * expressions over a resource's blocks, which cdktf can't build). `resource.fqn` won't do:
 * it renders as an interpolation of its own and can't sit inside another one.
 */
export function terraformAddress(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/**
 * An attribute of `resource` as read by a peer. Where both exist once or not at all (the
 * same `count` of 0 or 1, decided at plan time), the peer reads its own index:
 * `aws_x.name[count.index].arn`.
 */
export function peerAttribute(resource: TerraformResource, name: string, counted: boolean): string {
  return counted ? Token.asString(`\${${terraformAddress(resource)}[count.index].${name}}`) : resource.getStringAttribute(name);
}

/**
 * Metadata on a resource that takes `count` only since this release, where it had none: a
 * deployment from before holds its one instance without a key, and Terraform deletes and
 * re-creates such an instance when an explicit `moved` block moves it to a counted resource
 * ("delete_because_wrong_repetition"). The stack moves it to instance `[0]` instead.
 */
export const NEWLY_COUNTED = "tickets:newly-counted";

/** Marks `resource` as {@link NEWLY_COUNTED}. */
export function markNewlyCounted(resource: TerraformResource): void {
  resource.node.addMetadata(NEWLY_COUNTED, true);
}

/**
 * Metadata on a resource whose Terraform name is fixed by its construct rather than derived
 * from its construct path: the resources whose replacement loses data (a table, a log group,
 * a key, a topic with its subscriptions). Moving or renaming the construct then can't plan a
 * destroy and create of them by accident; a stack test checks that every stateful resource
 * carries it.
 */
export const PINNED_NAME = "tickets:pinned-name";

/**
 * Fixes `resource`'s Terraform name to `name` (see {@link PINNED_NAME}). Call it right after
 * creating the resource, before anything refers to it. To rename one on purpose, add a
 * `moved` block from the old name (`resource.moveFromId`) and check that the plan shows a
 * move, not a replacement.
 */
export function pinTerraformName(resource: TerraformResource, name: string): void {
  resource.overrideLogicalId(name);
  resource.node.addMetadata(PINNED_NAME, name);
}

/** A Terraform name from parts (`tickets-get`, `logs`, `eu-west-1` -> `tickets_get_logs_eu_west_1`). */
export function terraformName(...parts: readonly string[]): string {
  return parts.join("_").replaceAll("-", "_");
}
