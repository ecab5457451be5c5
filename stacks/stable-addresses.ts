import { Construct, type Node } from "constructs";
import { type TerraformElement, TerraformResource, TerraformStack } from "cdktf";

/**
 * The Terraform names of the resources whose replacement loses data (the table, the state
 * bucket and its key, log groups, the alarm key and topic), by construct path under their
 * stack. cdktf would name them after a hash of the construct path, so renaming or moving a
 * construct would plan destroy + create of the table and its data; pinned, a refactoring can't
 * move them by accident, and a test fails when a stateful resource is not in this list.
 *
 * To rename one on purpose, change its name here, add a `moved` block from the old name
 * (`resource.moveFromId`), and check that the plan shows a move, not a replacement.
 */
export function ticketsStatefulAddresses(regions: readonly string[]): Record<string, string> {
  const perRegion = regions.flatMap((region) => {
    const suffix = region.replaceAll("-", "_");
    return [
      [`api-${region}/tickets-get/log-group`, `tickets_get_logs_${suffix}`],
      [`api-${region}/tickets-post/log-group`, `tickets_post_logs_${suffix}`],
      [`api-${region}/health/log-group`, `health_logs_${suffix}`],
      [`api-${region}/access-logs`, `api_access_logs_${suffix}`],
      [`api-${region}/execution-logs`, `api_execution_logs_${suffix}`],
    ];
  });
  return Object.fromEntries([
    ["global-table/table", "tickets_table"],
    ["idempotency-table/table", "idempotency_table"],
    ["health-alarms/topic-key", "alarm_topic_key"],
    ["health-alarms/topic", "alarm_topic"],
    ...perRegion,
  ]);
}

/** The Terraform version cdktf asks for `moved` blocks. */
export const MOVED_BLOCKS_TERRAFORM = ">= 1.5.0";

/** The state bootstrap stack's stateful resources. */
export const STATE_STACK_ADDRESSES: Readonly<Record<string, string>> = {
  "state-key": "state_key",
  "state-bucket": "state_bucket",
  "state-versioning": "state_versioning",
};

/** The same for the state bucket's replica, when the config asks for one. */
export const STATE_REPLICA_ADDRESSES: Readonly<Record<string, string>> = {
  "replica-key": "replica_key",
  "replica-bucket": "replica_bucket",
  "replica-versioning": "replica_versioning",
};

/**
 * A stack whose listed resources get their fixed names instead of cdktf's path hashes. The
 * names are allocated when an element first asks for its id (before any reference to it is
 * rendered), and each pinned resource gets a `moved` block from the hashed name cdktf gave it
 * before, so a deployment made before the names were pinned moves instead of replacing.
 */
export abstract class StableAddressStack extends TerraformStack {
  private readonly stableAddresses = new Map<string, string>();

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

  /** Pins the names of `addresses` (construct path under this stack -> Terraform name). */
  protected pinAddresses(addresses: Readonly<Record<string, string>>): void {
    for (const [path, name] of Object.entries(addresses)) this.stableAddresses.set(path, name);
  }

  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = element instanceof Construct ? element.node : element;
    return this.stableAddresses.get(this.relativePath(node)) ?? super.allocateLogicalId(element);
  }

  /**
   * Call once every construct exists: adds the `moved` blocks, and fails on a listed path that
   * matches no resource (a renamed construct would otherwise lose its pin silently).
   */
  protected checkPinnedAddresses(): void {
    const resources = new Map(
      this.node
        .findAll()
        .filter((node): node is TerraformResource => node instanceof TerraformResource)
        .map((resource) => [this.relativePath(resource.node), resource]),
    );
    for (const path of this.stableAddresses.keys()) {
      const resource = resources.get(path);
      if (resource === undefined) {
        throw new Error(`${this.node.id}: no resource at "${path}" for its pinned address; was a construct renamed?`);
      }
      resource.moveFromId(`${resource.terraformResourceType}.${super.allocateLogicalId(resource)}`);
    }
  }

  private relativePath(node: Node): string {
    return node.path.slice(this.node.path.length + 1);
  }
}
