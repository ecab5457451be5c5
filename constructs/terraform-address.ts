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
