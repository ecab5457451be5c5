/**
 * Terraform names say what a resource is and where (stacks/stable-addresses.ts): never a
 * construct-path hash, in the app's stacks and in the plain module; and every resource moves
 * from the address cdktf gave it before, so an existing deployment replaces nothing.
 */
import { Testing, TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { PINNED_NAME } from "../../constructs/terraform-address";
import { buildStacks } from "../../stacks/app";
import { readableName, StableAddressStack } from "../../stacks/stable-addresses";
import { STATEFUL_RESOURCE_TYPES } from "../../tools/plan-summary/stateful-resources";
import { validationErrorOf } from "../support/construct";
import { TicketsStack } from "../../stacks/tickets-stack";
import { synthStacks, type TerraformJson, testConfig } from "../support/synth";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import before from "../fixtures/addresses-before-readable-names.json";

const THREE_REGIONS = {
  regions: [
    { name: "us-west-2", label: "oregon" },
    { name: "eu-central-1", label: "frankfurt" },
    { name: "ap-northeast-1", label: "tokyo" },
  ],
  routing: "active-active",
  stateBackend: { bucket: "tickets-state", region: "us-west-2", replica: { region: "us-east-2", bucket: "tickets-state-use2" } },
};

/** `[address, kind]` of every resource and data source. */
function namesOf(json: TerraformJson): string[] {
  return [
    ...Object.entries<Record<string, unknown>>(json.resource ?? {}).flatMap(([type, r]) =>
      Object.keys(r).map((n) => `${type}.${n}`),
    ),
    ...Object.entries<Record<string, unknown>>(json.data ?? {}).flatMap(([type, d]) =>
      Object.keys(d).map((n) => `data.${type}.${n}`),
    ),
  ];
}

const resourceAddresses = (json: TerraformJson) =>
  Object.entries<Record<string, unknown>>(json.resource).flatMap(([type, r]) => Object.keys(r).map((n) => `${type}.${n}`));

const moved = (json: TerraformJson): { from: string; to: string }[] => (json.moved as { from: string; to: string }[]) ?? [];

function moduleStack(): TerraformJson {
  const stack = new TicketsStack(Testing.app(), "tickets", { config: testConfig(), deploymentVariables: true });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

describe("readableName", () => {
  test.each([
    ["api-eu-west-1/tickets-get/function", "api_tickets_get_function_eu_west_1"],
    ["failover-dns/client-check-eu-west-1-tickets-get", "failover_dns_client_check_tickets_get_eu_west_1"],
    ["providers/ap-southeast-1-guard", "providers_guard_ap_southeast_1"],
    ["failover-dns/api-primary", "failover_dns_api_primary"],
    ["health-alarms/alarm-ireland", "health_alarms_alarm_ireland"],
    ["replica-bucket", "replica_bucket"],
    // The longest region code wins: us-gov regions and ap-southeast-4 are not cut short.
    ["api-ap-southeast-4/stage", "api_stage_ap_southeast_4"],
  ])("%s -> %s", (path, name) => {
    expect(readableName(path)).toBe(name);
  });
});

describe.each([
  ["the default config", () => synthStacks()],
  ["three regions, active-active, a state replica", () => synthStacks(THREE_REGIONS)],
  ["the plain module", () => ({ module: moduleStack() })],
])("names in %s", (_case, synth) => {
  const stacks = Object.entries(synth() as Record<string, TerraformJson>);

  test("every resource and data source has a snake_case name, none ends in a hash", () => {
    for (const [stack, json] of stacks) {
      for (const address of namesOf(json)) {
        const name = address.split(".").at(-1)!;
        expect({ stack, address, readable: /^[a-z][a-z0-9_]*$/.test(name) && !/_[0-9A-F]{8}$/i.test(name) }).toEqual({
          stack,
          address,
          readable: true,
        });
      }
    }
  });

  test("moves go from cdktf's former name to a resource of the same type, never to themselves", () => {
    for (const [, json] of stacks) {
      const blocks = moved(json);
      expect(blocks.length).toBeGreaterThan(0);
      for (const { from, to } of blocks) {
        expect(resourceAddresses(json)).toContain(to.replace(/\[0\]$/, ""));
        expect(from.split(".")[0]).toBe(to.split(".")[0]);
        expect(from).not.toBe(to);
      }
      expect(new Set(blocks.map((block) => block.from)).size).toBe(blocks.length);
    }
  });
});

describe("an existing deployment of the default config", () => {
  const { tickets, stateBootstrap } = synthStacks();

  test.each([
    ["tickets", tickets, before.tickets],
    ["tickets-state", stateBootstrap, before["tickets-state"]],
  ] as const)("%s: every address before the rename is kept or moves to one of its own", (_stack, json, old) => {
    const current = resourceAddresses(json);
    const movedTo = new Map(moved(json).map(({ from, to }) => [from, to]));
    // Kept: the pinned stateful names. Moved: everything else, from its hashed name.
    const landsAt = old.map((address) => (current.includes(address) ? address : movedTo.get(address)));
    expect(old.filter((_address, index) => landsAt[index] === undefined || !current.includes(landsAt[index]!))).toEqual([]);
    expect(new Set(landsAt).size).toBe(old.length);
    expect(
      old
        .filter((address) => current.includes(address))
        .map((address) => address.split(".")[1])
        .sort(),
    ).toEqual([
      ...(_stack === "tickets"
        ? [
            "alarm_topic",
            "alarm_topic_key",
            "api_access_logs_ap_southeast_1",
            "api_access_logs_eu_west_1",
            "api_execution_logs_ap_southeast_1",
            "api_execution_logs_eu_west_1",
            "health_logs_ap_southeast_1",
            "health_logs_eu_west_1",
            "idempotency_table",
            "tickets_get_logs_ap_southeast_1",
            "tickets_get_logs_eu_west_1",
            "tickets_post_logs_ap_southeast_1",
            "tickets_post_logs_eu_west_1",
            "tickets_table",
          ]
        : ["state_bucket", "state_key", "state_versioning"]),
    ]);
  });
});

describe("records counted only since both routing modes share the module", () => {
  test("move to their instance [0] in the module (a move to the counted resource would delete and re-create them)", () => {
    const json = moduleStack();
    const records = moved(json).filter(({ to }) => /^aws_route53_record\.failover_dns_api_(primary|secondary)/.test(to));
    expect(records.map(({ to }) => to).sort()).toEqual([
      "aws_route53_record.failover_dns_api_primary[0]",
      "aws_route53_record.failover_dns_api_secondary[0]",
    ]);
    // Counted before too (a module input decided them): the whole resource moves, its [0] with it.
    expect(moved(json).find(({ to }) => to.startsWith("aws_acm_certificate."))?.to).not.toMatch(/\[0\]$/);
  });

  test("the app's stack counts nothing there: its moves name the records themselves", () => {
    const { tickets } = synthStacks();
    expect(moved(tickets).filter(({ to }) => to.endsWith("]"))).toEqual([]);
  });
});

describe("stateful resources", () => {
  test.each([
    ["the default config", {}],
    ["three regions, active-active, a state replica", THREE_REGIONS],
  ])("in %s, each has the name its construct pinned, never its path's", (_case, overrides) => {
    const stacks = buildStacks(Testing.app(), testConfig(overrides));
    const stateful = Object.values(stacks)
      .flatMap((stack) => stack.node.findAll())
      .filter((node): node is TerraformResource => node instanceof TerraformResource)
      // The types whose replacement loses data (the plan summary's list), and the alarm topics,
      // whose confirmed e-mail subscriptions a replacement would drop.
      .filter(({ terraformResourceType: type }) => type in STATEFUL_RESOURCE_TYPES || type === "aws_sns_topic");
    expect(stateful.length).toBeGreaterThan(10);
    for (const resource of stateful) {
      const pinned = resource.node.metadata.find((entry) => entry.type === PINNED_NAME)?.data;
      expect({ path: resource.node.path, name: resource.friendlyUniqueId }).toEqual({ path: resource.node.path, name: pinned });
    }
  });
});

test("two elements that would share a Terraform name fail the synth, naming the stack and both paths", () => {
  class TwoTopics extends StableAddressStack {
    constructor() {
      super(Testing.app(), "tickets");
      const provider = new AwsProvider(this, "aws", { region: "eu-west-1" });
      // `alarm-topic/x` and `alarm/topic-x` both read as alarm_topic_x.
      new SnsTopic(new Construct(this, "alarm-topic"), "x", { provider });
      new SnsTopic(new Construct(this, "alarm"), "topic-x", { provider });
      this.addMovedBlocks();
    }
  }
  expect(validationErrorOf(() => new TwoTopics())).toEqual({
    path: "tickets",
    message: '"alarm/topic-x" and "alarm-topic/x" would both be aws_sns_topic.alarm_topic_x',
  });
});
