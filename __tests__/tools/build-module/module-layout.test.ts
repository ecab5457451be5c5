import { toModule } from "../../../tools/build-module/module-json";
import { CONCERNS, fileOf, mergeModuleFiles, splitModule, UnplacedBlockError } from "../../../tools/build-module/module-layout";
import { SMALL_RELEASE, smallStack } from "./small-stack";

const at = (path: string) => ({ "//": { metadata: { path: `tickets/${path}` } } });

describe("the module's files by concern", () => {
  test.each([
    ["providers/eu-west-1-guard", "providers.tf.json"],
    ["global-table/table", "table.tf.json"],
    ["idempotency-table/replica-protection-ap-southeast-1", "table.tf.json"],
    ["api-eu-west-1/tickets-get/function", "api-eu-west-1.tf.json"],
    ["api-ap-southeast-1/api-gateway-logging/role", "api-ap-southeast-1.tf.json"],
    ["api-us-gov-west-1/stage", "api-us-gov-west-1.tf.json"],
    ["certificates/validation-record", "domains.tf.json"],
    ["domains-ap-southeast-1/regional-record", "domains.tf.json"],
    ["failover-dns/health-check-eu-west-1", "dns.tf.json"],
    ["failover-dns/api-primary", "dns.tf.json"],
    ["client-errors-eu-west-1/tickets-get", "alarms.tf.json"],
    ["health-alarms/topic-key", "alarms.tf.json"],
    ["replication-alarms/ap-southeast-1/topic-key-policy-document", "alarms.tf.json"],
    ["operations/dashboard", "alarms.tf.json"],
  ])("%s goes to %s", (path, file) => {
    expect(fileOf("aws_x.y", at(path))).toBe(file);
  });

  test("a construct no concern holds fails, naming the block, its construct and where the rule lives", () => {
    expect(() => fileOf("aws_sqs_queue.dead_letters", at("dead-letters/queue"))).toThrow(
      new UnplacedBlockError(
        'aws_sqs_queue.dead_letters (construct dead-letters/queue) matches no concern of tools/build-module/module-layout.ts; add its top-level construct "dead-letters" to exactly one of CONCERNS',
      ),
    );
    const body = { resource: { aws_sqs_queue: { dead_letters: at("dead-letters/queue") } } };
    expect(() => splitModule(body)).toThrow(UnplacedBlockError);
  });

  test("a block without a construct path fails, naming it", () => {
    expect(() => splitModule({ data: { aws_region: { here: { provider: "aws.eu-west-1" } } } })).toThrow(
      'data.aws_region.here has no construct path ("//".metadata.path), so no file can be chosen for it',
    );
  });

  test("a kind of top-level block the layout has no file for fails", () => {
    expect(() => splitModule({ locals: { a: 1 } })).toThrow('top-level "locals" block');
  });

  test("each top-level construct id matches one concern at most (the rules don't overlap)", () => {
    for (const id of [
      "providers",
      "global-table",
      "api-eu-west-1",
      "certificates",
      "domains-eu-west-1",
      "failover-dns",
      "health-alarms",
    ]) {
      expect({ id, matches: CONCERNS.filter((concern) => concern.ids.test(id)).length }).toEqual({ id, matches: 1 });
    }
  });

  test("the small stack: fixed files first, then one file per concern, each opened by a comment saying what it holds", () => {
    const { layout } = toModule(smallStack(), SMALL_RELEASE);
    expect(Object.keys(layout)).toEqual([
      "variables.tf.json",
      "outputs.tf.json",
      "moved.tf.json",
      "alarms.tf.json",
      "api-ap-southeast-1.tf.json",
      "api-eu-west-1.tf.json",
      "providers.tf.json",
      "table.tf.json",
    ]);
    expect(layout["table.tf.json"]).toEqual({
      "//": "The DynamoDB global tables (tickets and idempotency records), their replicas' resource policies, and the drill's replication fault (with `drill.replicationFault`).",
      resource: { aws_dynamodb_table: { tickets_table: expect.objectContaining({ name: "${var.table_name}" }) } },
    });
    expect(Object.keys(layout["alarms.tf.json"]!.resource)).toEqual(["aws_sns_topic", "aws_sns_topic_subscription"]);
    expect(Object.keys(layout["providers.tf.json"]!.data.aws_region)).toEqual(["eu-guard", "ap-guard", "us-guard"]);
  });

  test("the files merged are the one-file body, block for block", () => {
    const { main, layout } = toModule(smallStack(), SMALL_RELEASE);
    expect(mergeModuleFiles(layout)).toEqual(main);
  });

  test("merging refuses a block defined in two files, as Terraform does", () => {
    const table = { resource: { aws_dynamodb_table: { t: {} } } };
    expect(() => mergeModuleFiles({ "a.tf.json": table, "b.tf.json": table })).toThrow(
      "resource.aws_dynamodb_table.t is defined in both a.tf.json and b.tf.json",
    );
    expect(() => mergeModuleFiles({ "a.tf.json": { variable: { x: {} } }, "b.tf.json": { variable: { x: {} } } })).toThrow(
      "variable.x is defined in both",
    );
  });

  test("merging concatenates moved blocks and leaves the files' comments out", () => {
    expect(
      mergeModuleFiles({
        "a.tf.json": { "//": "a", moved: [{ from: "a.b", to: "a.c" }] },
        "b.tf.json": { "//": "b", moved: [{ from: "d.e", to: "d.f" }] },
      }),
    ).toEqual({
      moved: [
        { from: "a.b", to: "a.c" },
        { from: "d.e", to: "d.f" },
      ],
    });
  });
});
