import type { TerraformResource } from "cdktf";

/**
 * `aws_x.name`, the resource's address, for hand-written Terraform expressions (`for`
 * expressions over a resource's blocks, which cdktf can't build). `resource.fqn` won't do:
 * it renders as an interpolation of its own and can't sit inside another one.
 */
export function terraformAddress(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}
