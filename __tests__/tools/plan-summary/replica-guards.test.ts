/**
 * Plan review guards the replicas of a global table: real plans (offline, provider 5.100.0,
 * `__tests__/fixtures/plan-summary/replica-*`) of replica changes that Terraform shows as an
 * in-place update of the table. A replica the provider re-creates is called out like a
 * removal; a replica unlike its table is a warning naming the field; and the exit code of
 * `--fail-on-stateful-change` on each.
 */
import { readFileSync } from "node:fs";
import { parsePlan } from "../../../tools/plan-summary/plan-schema";
import { renderMarkdown } from "../../../tools/plan-summary/render-markdown";
import {
  failsStatefulCheck,
  stateLosingChanges,
  summarizePlan,
  unprotectedReplicaChanges,
} from "../../../tools/plan-summary/summarize";
import { KMS_KEYS } from "../../fixtures/plan-summary/prior-state";
import { REPLICA_FIXTURES, type ReplicaFixture, replicaFixturePath } from "../../fixtures/plan-summary/replica-fixtures";
import { type CliResult, startAll } from "./cli-run";
import { changeRow, outsideDetails, summarizeFixture } from "./markdown";

const TABLE = "`aws_dynamodb_table.tickets`";

describe("a replica's KMS key changes (hashicorp/terraform-provider-aws#29102)", () => {
  const { summary, markdown } = summarizeFixture(REPLICA_FIXTURES.replicaKmsChange);

  test("is called out like a removal: the table, the region, the key before and after, and why", () => {
    expect(markdown).toContain(
      `> - ${TABLE}: **replica re-created** in ap-southeast-1 — \`kms_key_arn\` changes (\`${KMS_KEYS.apSoutheast1}\` → \`${KMS_KEYS.apSoutheast1Next}\`); a replica's KMS key cannot be changed in place: the AWS provider deletes the replica and creates it again under the new key (hashicorp/terraform-provider-aws#29102). That region's copy of the items is deleted and copied again from the table; until then the region has no replica to serve or fail over to.`,
    );
    expect(outsideDetails(markdown)).toContain("> **Data loss: 1 stateful resource would be destroyed.**");
    expect(changeRow(markdown, "aws_dynamodb_table.tickets")).toBe(
      "| `aws_dynamodb_table.tickets` | **update** (stateful) | `aws.eu-west-1` | eu-west-1 |  |",
    );
  });

  test("fails the stateful check", () => {
    expect(stateLosingChanges(summary).map((change) => change.recreatedReplicas.map((replica) => replica.region))).toEqual([
      ["ap-southeast-1"],
    ]);
    expect(failsStatefulCheck(summary)).toBe(true);
  });

  test("is no warning: the replica keeps its table's settings", () => {
    expect(markdown).not.toContain("[!WARNING]");
  });
});

describe("a changed replica whose key becomes known only after apply", () => {
  const { summary, markdown } = summarizeFixture(REPLICA_FIXTURES.replicaKeyUnknown);

  test("is called out as a re-creation the plan cannot rule out", () => {
    expect(markdown).toContain(
      `> - ${TABLE}: **replica re-created** in ap-southeast-1 — \`kms_key_arn\` is \`${KMS_KEYS.apSoutheast1}\` and becomes known only after apply: unless it comes out the same, the provider re-creates the replica;`,
    );
    expect(failsStatefulCheck(summary)).toBe(true);
  });

  test("and warns that the replica names no key of its own while its table does", () => {
    expect(markdown).toContain(
      `> - ${TABLE}, replica in ap-southeast-1: \`kms_key_arn\`: the replica uses no customer managed key (DynamoDB's default key), the table (\`server_side_encryption\`) the customer managed key \`${KMS_KEYS.euWest1}\``,
    );
  });
});

describe("a replica's point-in-time recovery turned on (in place since #29269 fixed #29222)", () => {
  const { summary, markdown } = summarizeFixture(REPLICA_FIXTURES.replicaPitrChange);

  test("is an ordinary in-place update: no callout, no warning, the check passes", () => {
    expect(summary.changes.map((change) => change.recreatedReplicas)).toEqual([[]]);
    expect(markdown).not.toContain("[!CAUTION]");
    expect(markdown).not.toContain("[!WARNING]");
    expect(markdown).toContain(`> - ${TABLE}: update in eu-west-1`);
    expect(failsStatefulCheck(summary)).toBe(false);
  });
});

describe("a replica added without its table's point-in-time recovery", () => {
  const { summary, markdown } = summarizeFixture(REPLICA_FIXTURES.replicaWithoutPitr);

  test("is a warning naming the table, the region and the field", () => {
    expect(outsideDetails(markdown)).toContain(
      [
        "> [!WARNING]",
        "> **Replicas unlike their table: 1 difference.** Every replica of a global table should have its table's point-in-time recovery, kind of key and deletion protection.",
        ">",
        `> - ${TABLE}, replica in ap-southeast-1: \`point_in_time_recovery\` is off in the replica, on in the table — a failover to this region leaves the tickets without point-in-time backups (**fails \`--fail-on-stateful-change\`**)`,
        ">",
        "> `--fail-on-stateful-change` fails this check: turn `point_in_time_recovery` on in the replica (an in-place change), see docs/plan-review.md.",
      ].join("\n"),
    );
  });

  test("fails the stateful check without being data loss", () => {
    expect(stateLosingChanges(summary)).toEqual([]);
    expect(markdown).not.toContain("[!CAUTION]");
    expect(unprotectedReplicaChanges(summary).map((change) => change.address)).toEqual(["aws_dynamodb_table.tickets"]);
    expect(failsStatefulCheck(summary)).toBe(true);
  });
});

describe("a replica added without the customer managed key its table has", () => {
  const { summary, markdown } = summarizeFixture(REPLICA_FIXTURES.replicaEncryptionDiffers);

  test("is a warning naming the field and both keys", () => {
    expect(outsideDetails(markdown)).toContain(
      `> - ${TABLE}, replica in ap-southeast-1: \`kms_key_arn\`: the replica uses no customer managed key (DynamoDB's default key), the table (\`server_side_encryption\`) the customer managed key \`${KMS_KEYS.euWest1}\`\n`,
    );
  });

  test("does not fail the stateful check", () => {
    expect(summary.changes.flatMap((change) => change.replicaMismatches.map((mismatch) => mismatch.field))).toEqual([
      "kms_key_arn",
    ]);
    expect(failsStatefulCheck(summary)).toBe(false);
    expect(markdown).not.toContain("fails this check");
  });
});

/**
 * Provider 5.100.0's replica block has no `deletion_protection_enabled` (its schema: arn,
 * kms_key_arn, point_in_time_recovery, propagate_tags, region_name, stream_arn, stream_label),
 * so no plan made here can set it. This is the real PITR plan with the attribute added to the
 * replica as a provider that has it (6.x) writes it.
 */
describe("a replica without its table's deletion protection (a 6.x provider's plan)", () => {
  const plan = parsePlan(readFileSync(replicaFixturePath(REPLICA_FIXTURES.replicaPitrChange), "utf8"));
  const change = plan.resource_changes![0]!;
  const withReplicaProtection = (values: unknown, enabled: boolean) => {
    const object = values as { replica: Record<string, unknown>[] };
    return { ...object, replica: object.replica.map((replica) => ({ ...replica, deletion_protection_enabled: enabled })) };
  };
  const summarize = (enabled: boolean) => {
    const summary = summarizePlan({
      ...plan,
      resource_changes: [{ ...change, change: { ...change.change, after: withReplicaProtection(change.change.after, enabled) } }],
    });
    return { summary, markdown: renderMarkdown(summary) };
  };

  test("is a warning naming the field; the check passes", () => {
    const { summary, markdown } = summarize(false);
    expect(markdown).toContain(
      `> - ${TABLE}, replica in ap-southeast-1: \`deletion_protection_enabled\` is \`false\` in the replica, \`true\` in the table\n`,
    );
    expect(failsStatefulCheck(summary)).toBe(false);
  });

  test("is nothing when the replica is protected like its table", () => {
    expect(summarize(true).markdown).not.toContain("[!WARNING]");
  });
});

describe("--fail-on-stateful-change on the same plans (the CLI, as CI runs it)", () => {
  const failOn = (fixture: ReplicaFixture) => [replicaFixturePath(fixture), "--fail-on-stateful-change"];
  const runs = {
    kmsChange: failOn(REPLICA_FIXTURES.replicaKmsChange),
    keyUnknown: failOn(REPLICA_FIXTURES.replicaKeyUnknown),
    withoutPitr: failOn(REPLICA_FIXTURES.replicaWithoutPitr),
    withoutPitrNoFlag: [replicaFixturePath(REPLICA_FIXTURES.replicaWithoutPitr)],
    pitrChange: failOn(REPLICA_FIXTURES.replicaPitrChange),
    encryptionDiffers: failOn(REPLICA_FIXTURES.replicaEncryptionDiffers),
  };
  let results: Record<keyof typeof runs, Promise<CliResult>>;
  beforeAll(() => {
    results = startAll(runs);
  });

  test.each([
    ["a replica whose KMS key changes (the provider re-creates it)", "kmsChange", "**replica re-created** in ap-southeast-1"],
    ["a changed replica whose key is known only after apply", "keyUnknown", "**replica re-created** in ap-southeast-1"],
    [
      "a replica without its table's point-in-time recovery",
      "withoutPitr",
      "replica in ap-southeast-1: `point_in_time_recovery`",
    ],
  ] as const)("fails with 2 on %s, after printing the summary", async (_, name, line) => {
    const result = await results[name];
    expect(result.status).toBe(2);
    expect(result.stdout).toContain(line);
    expect(result.stderr).toBe("");
  });

  test.each([
    [
      "a replica's point-in-time recovery turned on in place",
      "pitrChange",
      "> - `aws_dynamodb_table.tickets`: update in eu-west-1",
    ],
    [
      "a replica without its table's customer managed key (a warning only)",
      "encryptionDiffers",
      "replica in ap-southeast-1: `kms_key_arn`: the replica uses no customer managed key",
    ],
    [
      "a replica without point-in-time recovery, without --fail-on-stateful-change",
      "withoutPitrNoFlag",
      "replica in ap-southeast-1: `point_in_time_recovery`",
    ],
  ] as const)("passes with 0 on %s, after printing the summary", async (_, name, line) => {
    const result = await results[name];
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^### Terraform plan\n/);
    expect(result.stdout).toContain(line);
    expect(result.stdout).not.toContain("> [!CAUTION]");
  });
});
