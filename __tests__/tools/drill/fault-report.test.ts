/** The report's fault part: the window, per-fault times, probes at the end, the drift, in Markdown, JSON and the timeline. */
import { renderMarkdown, reportJson } from "../../../tools/drill/report";
import { renderTimelineSvg } from "../../../tools/drill/timeline-svg";
import { FakeDeployment } from "./support/fake-deployment";

test("functions: the fault window, times against the budget, probes at the end and the reservations' drift", async () => {
  const record = await new FakeDeployment().run({ fault: "functions", probes: 4 });
  const json = JSON.parse(reportJson(record));
  expect(json.fault).toMatchObject({
    kind: "functions",
    window: { open: false },
    probesWritten: 4,
    probesReadableEverywhere: 4,
    restoredCheck: expect.stringContaining("tickets-health 10; after:"),
  });
  expect(json.fault.timeToFailOverSeconds).toBeGreaterThan(0);
  expect(json.fault.window.seconds).toBeGreaterThan(json.fault.timeToFailOverSeconds);
  const markdown = renderMarkdown(record);
  expect(markdown).toContain("## Fault: `functions`");
  expect(markdown).toContain("| probes readable in every region at the end | 4 |");
  expect(markdown).toContain(
    "- aws_lambda_function tickets-health: reserved_concurrent_executions 10 in Terraform, 0 while broken",
  );
  expect(markdown).toContain("## Recovery times against the budget");
  expect(markdown).toContain("| primary's functions throttled |");
  expect(renderTimelineSvg(record)).toContain("<title>fault functions in place: ");
});

test("replication: the pause window (the writes a failover would strand) and the catch-up; no failover, no failover budget", async () => {
  const record = await new FakeDeployment({ replicationFault: true }).run({ fault: "replication", probes: 4 });
  const json = JSON.parse(reportJson(record));
  expect(json.fault.strandedWindowSeconds).toBe(json.fault.window.seconds);
  expect(json.fault.catchUpSeconds).toBeGreaterThan(0);
  expect(json.fault.timeToFailOverSeconds).toBeNull();
  const markdown = renderMarkdown(record);
  expect(markdown).toContain("| time to fail over | not applicable: the region stays in DNS |");
  expect(markdown).toContain("| writes a failover would strand: the pause window |");
  expect(markdown).toContain("| replication paused (experiment running) |");
  expect(markdown).not.toContain("## Recovery times against the budget");
});

test("a fault never put in place (refused) has no window", async () => {
  const record = await new FakeDeployment().run({ fault: "replication" });
  expect(JSON.parse(reportJson(record)).fault.window).toBeNull();
  expect(renderMarkdown(record)).toContain("The fault was never put in place.");
});
