import { Construct, type Node } from "constructs";
import { TerraformDataSource, type TerraformElement, TerraformResource, TerraformStack } from "cdktf";
import { AWS_REGIONS } from "../config/aws-regions";
import { NEWLY_COUNTED } from "../constructs/terraform-address";
import { ValidationError } from "../constructs/validation-error";

/** The Terraform version cdktf asks for `moved` blocks. */
export const MOVED_BLOCKS_TERRAFORM = ">= 1.5.0";

/** A region code as one dash-separated part of a construct id (`health-check-eu-west-1`). */
const REGION_IN_ID = new RegExp(`(?:^|-)(${[...AWS_REGIONS].sort((a, b) => b.length - a.length).join("|")})(?=-|$)`);

/**
 * The Terraform name of every resource and data source that has no pinned name: its construct
 * path under the stack in snake case, with the region it belongs to moved to the end, e.g.
 * `api-eu-west-1/tickets-get/function` -> `api_tickets_get_function_eu_west_1`,
 * `failover-dns/client-check-eu-west-1-tickets-get` -> `failover_dns_client_check_tickets_get_eu_west_1`.
 * A path names what a resource is and where, and stays put while its construct does; cdktf's
 * default (the path and a hash of it) reads as noise in every plan and state command.
 */
export function readableName(path: string): string {
  let region: string | undefined;
  const parts = path.split("/").map((id) => {
    // The outermost region is the one the resource lives in; an inner one stays in place
    // (`replication-alarms/eu-west-1/tickets-to-ap-southeast-1`).
    const found = region === undefined ? REGION_IN_ID.exec(id) : null;
    if (found === null) return id;
    region = found[1];
    return id.replace(REGION_IN_ID, "").replace(/^-/, "");
  });
  return [...parts.filter((part) => part !== ""), ...(region === undefined ? [] : [region])].join("_").replaceAll("-", "_");
}

/**
 * A stack whose resources and data sources get readable names (see {@link readableName})
 * instead of cdktf's path hashes, except the stateful resources, whose constructs pin their
 * names (`pinTerraformName` in constructs/terraform-address.ts). Names are allocated when an element first asks for its id (before any reference to
 * it is rendered), and every resource gets a `moved` block from the hashed name cdktf gave it
 * before, so a deployment made before the names changed moves instead of replacing.
 */
export abstract class StableAddressStack extends TerraformStack {
  /**
   * Tells cdktf's synthesizer there are no resource moves, so that it doesn't add its check
   * of the Terraform version: that check runs `terraform version` once per stack in every
   * synth (a process start each time), and fails the synth on a machine without terraform,
   * where synth needs none. The `moved` blocks are still written (each resource renders its
   * own), and Terraform checks the version they need itself: every stack states a
   * `required_version` of at least MOVED_BLOCKS_TERRAFORM, which `terraform init` enforces.
   */
  override hasResourceMove(): boolean {
    return false;
  }

  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = element instanceof Construct ? element.node : element;
    const path = this.relativePath(node);
    const named = element instanceof TerraformResource || element instanceof TerraformDataSource;
    return named ? readableName(path) : super.allocateLogicalId(element);
  }

  /**
   * Call once every construct exists: adds the `moved` blocks, and fails on two resources or
   * data sources of one type with one name (Terraform JSON would keep only one of them).
   */
  protected addMovedBlocks(): void {
    const elements = this.node
      .findAll()
      .filter((node) => node instanceof TerraformResource || node instanceof TerraformDataSource);
    const resources = new Map(
      elements
        .filter((node): node is TerraformResource => node instanceof TerraformResource)
        .map((resource) => [this.relativePath(resource.node), resource]),
    );
    const addresses = new Map<string, string>();
    for (const element of elements) {
      const { terraformResourceType: type, friendlyUniqueId: name } = element as TerraformResource | TerraformDataSource;
      const address = `${element instanceof TerraformDataSource ? "data." : ""}${type}.${name}`;
      const path = this.relativePath(element.node);
      const other = addresses.get(address);
      if (other !== undefined) throw new ValidationError(`"${path}" and "${other}" would both be ${address}`, this);
      addresses.set(address, path);
    }
    // Data sources hold no state: only resources move, and only those whose name changed.
    for (const resource of resources.values()) {
      const former = super.allocateLogicalId(resource);
      if (former !== resource.friendlyUniqueId) this.moveFrom(resource, `${resource.terraformResourceType}.${former}`);
    }
  }

  /**
   * A `moved` block from `from` to `resource`; to its instance `[0]` when the resource is newly
   * counted (see NEWLY_COUNTED): Terraform would otherwise delete and re-create the keyless
   * instance of a deployment from before.
   */
  private moveFrom(resource: TerraformResource, from: string): void {
    resource.moveFromId(from);
    if (resource.node.metadata.some((entry) => entry.type === NEWLY_COUNTED)) {
      // cdktf's moveFromId names the resource; the moved block may name one of its instances.
      const move = (resource as unknown as { _movedById: { to: string; from: string } })._movedById;
      move.to = `${move.to}[0]`;
    }
  }

  private relativePath(node: Node): string {
    return node.path.slice(this.node.path.length + 1);
  }
}
