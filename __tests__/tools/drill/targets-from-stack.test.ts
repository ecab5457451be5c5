/**
 * The names the drill's faults act on are the names the stack gives: the functions fault
 * throttles `<namePrefix>-get`, `-post` and `-health` in each region, the replication fault
 * pauses both global tables. A renamed function or table fails here, not in a drill.
 */
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { drillTargets } from "../../../tools/drill/targets";
import { resourcesOf, synthStacks, testConfig } from "../../support/synth";

test("function and table names match the synthesized stack's, per region", () => {
  const overrides = { namePrefix: "wr" };
  const { tickets } = synthStacks(overrides);
  const targets = drillTargets(testConfig(overrides));
  const functions = Object.values(resourcesOf(tickets, LambdaFunction));
  for (const region of targets.regions) {
    const names = functions.filter((fn) => fn.provider === `aws.${region.name}`).map((fn) => fn.function_name);
    expect([...names].sort()).toEqual([...targets.functionNames].sort());
  }
  expect(targets.functionNames).toEqual(["wr-get", "wr-post", "wr-health"]);
  const tables = Object.values(resourcesOf(tickets, DynamodbTable)).map((table) => table.name);
  expect([...tables].sort()).toEqual([...targets.tableNames].sort());
});
