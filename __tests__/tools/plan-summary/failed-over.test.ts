/**
 * The plan summary says when a deployment is failed over: a health check inverted in the
 * state (the operator's or the drill's lever), which the stack's Terraform leaves as it is.
 */
import { parsePlan } from "../../../tools/plan-summary/plan-schema";
import { renderMarkdown } from "../../../tools/plan-summary/render-markdown";
import { summarizePlan } from "../../../tools/plan-summary/summarize";

const check = (name: string, before: Record<string, unknown> | null, actions = ["no-op"]) => ({
  address: `aws_route53_health_check.${name}`,
  mode: "managed",
  type: "aws_route53_health_check",
  name,
  provider_name: "registry.terraform.io/hashicorp/aws",
  change: { actions, before, after: before },
});
const planOf = (...changes: unknown[]) =>
  parsePlan(
    JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", planned_values: {}, resource_changes: changes }),
  );

test("an inverted check is listed first, with what it probes and the drill that inverted it", () => {
  const summary = summarizePlan(
    planOf(
      check("ireland", {
        type: "HTTPS",
        fqdn: "ireland.example.com",
        invert_healthcheck: true,
        tags: { "drill-in-progress": "drill-1" },
      }),
      check("singapore", { type: "HTTPS", fqdn: "singapore.example.com", invert_healthcheck: false, tags: {} }),
      check("routing", { type: "CALCULATED", invert_healthcheck: true, tags: { Name: "ireland-routing" } }),
    ),
  );
  expect(summary.failedOver).toEqual([
    { address: "aws_route53_health_check.ireland", target: "ireland.example.com", drillId: "drill-1" },
    { address: "aws_route53_health_check.routing", target: "ireland-routing", drillId: undefined },
  ]);
  const markdown = renderMarkdown(summary, { title: "tickets" });
  expect(markdown).toMatch(/^### tickets\n\n> \[!WARNING\]\n> \*\*Failed over: 2 health checks are inverted\*\*/);
  expect(markdown).toContain("> - `aws_route53_health_check.ireland` (`ireland.example.com`): drill `drill-1` in progress");
  expect(markdown).toContain("> - `aws_route53_health_check.routing` (`ireland-routing`)\n");
});

test("no inverted check, no warning; a check created inverted is not a failover", () => {
  const summary = summarizePlan(
    planOf(
      check("ireland", { type: "HTTPS", fqdn: "ireland.example.com", invert_healthcheck: false }),
      check("new", null, ["create"]),
    ),
  );
  expect(summary.failedOver).toEqual([]);
  expect(renderMarkdown(summary)).not.toContain("Failed over");
});
