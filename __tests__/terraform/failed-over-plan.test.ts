/**
 * An apply must not undo a failover: the `tickets` stack planned against a state whose
 * primary endpoint check is inverted and carries a drill's marker (what `UpdateHealthCheck`
 * and the drill leave) keeps both, and the plan summary says the deployment is failed over.
 */
import { FAILOVER_LEVER } from "../../constructs/failover-lever";
import type { Plan } from "../../tools/plan-summary/plan-schema";
import { renderMarkdown } from "../../tools/plan-summary/render-markdown";
import { summarizePlan } from "../../tools/plan-summary/summarize";
import { FAILED_OVER_DRILL_ID, primaryEndpointCheck } from "./support/failed-over-state";
import { FAILED_OVER_PLAN, readOfflinePlan, readStackJson } from "./support/paths";
import { describeWithTerraform } from "./support/terraform-tests";

describeWithTerraform("a plan of a failed-over deployment", () => {
  let plan: Plan;
  let address: string;
  beforeAll(() => {
    ({ plan } = readOfflinePlan("default", FAILED_OVER_PLAN));
    address = `aws_route53_health_check.${primaryEndpointCheck(readStackJson("default", "tickets"), "ireland")[0]}`;
  });

  test("leaves the inverted, marked health check as it is: no change at all", () => {
    const change = plan.resource_changes!.find((c) => c.address === address)!;
    expect(change.change.actions).toEqual(["no-op"]);
    expect(change.change.before).toMatchObject({
      [FAILOVER_LEVER.attribute]: true,
      tags: expect.objectContaining({ [FAILOVER_LEVER.markerTag]: FAILED_OVER_DRILL_ID }),
    });
    expect(change.change.after).toEqual(change.change.before);
  });

  test("still plans the rest of the stack (the state holds only that check)", () => {
    const creates = plan.resource_changes!.filter((c) => c.change.actions.join() === "create");
    expect(creates.length).toBeGreaterThan(80);
    expect(plan.resource_changes!.filter((c) => !["create", "no-op", "read"].includes(c.change.actions.join()))).toEqual([]);
  });

  test("the plan summary opens with a failed-over warning naming the check and the drill", () => {
    const summary = summarizePlan(plan);
    expect(summary.failedOver).toEqual([{ address, target: "ireland.example.com", drillId: FAILED_OVER_DRILL_ID }]);
    const markdown = renderMarkdown(summary, { title: "tickets" });
    expect(markdown).toMatch(/^### tickets\n\n> \[!WARNING\]\n> \*\*Failed over: 1 health check is inverted\*\*/);
    expect(markdown).toContain(`> - \`${address}\` (\`ireland.example.com\`): drill \`${FAILED_OVER_DRILL_ID}\` in progress`);
  });
});
