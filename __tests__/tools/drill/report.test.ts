/** The report: Markdown + JSON + SVG timeline, and the committed sample under docs/. */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rtoBudget } from "../../../tools/drill/budget";
import type { DrillRecord } from "../../../tools/drill/record";
import { renderMarkdown, reportJson, REPORT_FILES, writeReport } from "../../../tools/drill/report";
import { renderTimelineSvg } from "../../../tools/drill/timeline-svg";
import { drillTimings } from "../../../tools/drill/timings";
import { DRILL_MARKER_TAG } from "../../../tools/drill/targets";
import { FakeDeployment } from "./support/fake-deployment";
import { SAMPLE_DIR, sampleDrill, sampleFiles } from "./support/sample";

describe("a passed drill's report", () => {
  let record: DrillRecord;
  let files: Record<string, string>;

  beforeAll(async () => {
    record = await new FakeDeployment().run();
    const dir = mkdtempSync(join(tmpdir(), "drill-report-"));
    writeReport(record, dir);
    files = Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), "utf8")]));
  });

  test("writes exactly the Markdown, the JSON and the SVG timeline", () => {
    expect(Object.keys(files).sort()).toEqual([REPORT_FILES.timeline, REPORT_FILES.json, REPORT_FILES.markdown].sort());
  });

  test("the Markdown embeds the timeline and states outcome, timings against the budget, steps and probes", () => {
    const markdown = files[REPORT_FILES.markdown]!;
    expect(markdown).toMatch(/^# Failover drill `drill-20261130T090000Z`: passed\n/);
    expect(markdown).toContain(`](${REPORT_FILES.timeline})`);
    const timings = drillTimings(record);
    expect(markdown).toContain(
      `| time to fail over: Route 53 answers a standby | ${(timings.timeToFailOver! / 1000).toFixed(1)} s | 20 s | detection + checker spread and aggregation (one interval, 10 s) |`,
    );
    expect(markdown).toContain("| time to detect: Route 53 counts the primary unhealthy |");
    expect(markdown).toContain("fail over + record TTL 60 s");
    for (const step of record.steps) expect(markdown).toContain(`| ${step.name} | `);
    expect(markdown.match(/\| verified \|$/gm)).toHaveLength(20);
    expect(markdown).not.toContain("## Problems");
  });

  test("the JSON carries every step's timing, every poll, every probe and the budget", () => {
    const json = JSON.parse(files[REPORT_FILES.json]!) as Record<string, any>;
    const timings = drillTimings(record);
    expect(json.timings).toEqual({
      timeToDetectSeconds: Math.round(timings.timeToDetect! / 100) / 10,
      timeToFailOverSeconds: Math.round(timings.timeToFailOver! / 100) / 10,
      timeToHealthySeconds: Math.round(timings.timeToHealthy! / 100) / 10,
      timeToFailBackSeconds: Math.round(timings.timeToFailBack! / 100) / 10,
      resolutionSeconds: 5,
    });
    expect(json.routing).toBe("failover");
    expect(json.drilledRegion).toEqual({ name: "eu-west-1", label: "ireland" });
    expect(json.config.clientSubnet).toBeNull();
    expect(json.budget).toEqual({
      routing: "failover",
      whoMoves: "every client, from the primary to the SECONDARY",
      detectionSeconds: 10,
      checkerSpreadSeconds: 10,
      recordTtlSeconds: 60,
      failoverSeconds: 20,
      clientFailoverSeconds: 80,
    });
    expect(json.steps.map((step: { name: string }) => step.name)).toEqual(record.steps.map((step) => step.name));
    expect(json.steps.every((step: { durationSeconds: number }) => typeof step.durationSeconds === "number")).toBe(true);
    expect(json.samples).toHaveLength(record.samples.length);
    expect(json.probeSummary).toEqual({ written: 20, verified: 20, lost: 0, failed: 0, unverified: 0 });
    expect(json.probes[0]).toMatchObject({
      index: 1,
      outcome: "verified",
      httpStatus: 201,
      servedBy: "eu-west-1",
      readBack: { "eu-west-1": "found", "ap-southeast-1": "found" },
    });
    expect(Object.keys(json.milestones)).toEqual(["broken", "detected", "failedOver", "restored", "healthy", "failedBack"]);
  });

  test("the SVG draws health, DNS answer and probes over time, with a line per milestone", () => {
    const svg = files[REPORT_FILES.timeline]!;
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    for (const lane of ["Primary health check", "api.example.com answers", "Probe tickets"])
      expect(svg).toContain(`>${lane}</text>`);
    expect(svg.match(/<circle /g)).toHaveLength(20);
    expect(svg.match(/stroke-dasharray="4 3"/g)).toHaveLength(6);
    expect(svg).toMatch(/<rect [^>]*fill="#c62828"><title>unhealthy: /);
    expect(svg).toMatch(/<rect [^>]*fill="#ef6c00"><title>ap-southeast-1: /);
  });
});

test("a lost probe shows in red in the picture and in the report's problems", async () => {
  const deployment = new FakeDeployment();
  deployment.lostReplicas.set(2, new Set(["ap-southeast-1"]));
  const record = await deployment.run({ probes: 4 });
  expect(renderTimelineSvg(record)).toMatch(/<circle [^>]*fill="#c62828"[^>]*><title>probe 2 at [\d.]+ s: lost/);
  const markdown = renderMarkdown(record);
  expect(markdown).toContain("## Problems\n\n- probe 2 (ticket ");
  expect(markdown).toContain("3 of 4 probe tickets were written and found in every region; 1 lost.");
});

test("a refused drill's report says nothing was changed and has no budget section", async () => {
  const deployment = new FakeDeployment();
  deployment.primaryCheck.tags.set(DRILL_MARKER_TAG, "drill-20261130T080000Z");
  const record = await deployment.run();
  const markdown = renderMarkdown(record);
  expect(markdown).toContain("The drill refused to start: preflight found the problems listed below. Nothing was changed.");
  expect(markdown).not.toContain("## Recovery times");
  expect(JSON.parse(reportJson(record)).outcome).toBe("refused");
});

test("a failover slower than the budget (beyond one polling interval) is flagged", async () => {
  const record = await new FakeDeployment({ failoverAfterMs: 40_000 }).run({ probes: 0 });
  expect(renderMarkdown(record)).toMatch(/> \[!WARNING\]\n> Failing over took at least [\d.]+ s longer than the budget/);
  const inBudget = await new FakeDeployment({ failoverAfterMs: 19_000 }).run({ probes: 0 });
  expect(renderMarkdown(inBudget)).not.toContain("[!WARNING]");
});

test("with a failure threshold above 1 the report says an inverted check detects faster than a real outage", async () => {
  const deployment = new FakeDeployment({ failureThreshold: 3 });
  const record = await deployment.run({ probes: 0 });
  expect(renderMarkdown(record)).toContain("a real outage takes up to 20 s longer to detect than this drill shows");
});

test("the RTO budget follows config: interval × threshold, one interval of spread, the alias target's 60 s TTL", () => {
  const times = {
    detectionSeconds: 90,
    checkerSpreadSeconds: 30,
    recordTtlSeconds: 60,
    failoverSeconds: 120,
    clientFailoverSeconds: 180,
  };
  expect(rtoBudget({ requestInterval: 30, failureThreshold: 3 })).toEqual({
    routing: "failover",
    whoMoves: "every client, from the primary to the SECONDARY",
    ...times,
  });
  expect(rtoBudget({ requestInterval: 30, failureThreshold: 3, routing: "failover" })).toEqual(
    rtoBudget({ requestInterval: 30, failureThreshold: 3 }),
  );
  // Active-active: the same arithmetic (same routing check, same alias-target TTL); other clients move.
  expect(rtoBudget({ requestInterval: 30, failureThreshold: 3, routing: "active-active" })).toEqual({
    routing: "active-active",
    whoMoves: "the clients nearest the drilled region, to their next-lowest-latency healthy region",
    ...times,
  });
  expect(rtoBudget({ requestInterval: 10, failureThreshold: 1, routing: "active-active" })).toMatchObject({
    failoverSeconds: 20,
    clientFailoverSeconds: 80,
  });
});

test("the same fake run gives byte-identical reports", async () => {
  const [first, second] = [await sampleDrill(), await sampleDrill()];
  expect(sampleFiles(second)).toEqual(sampleFiles(first));
});

test("docs/drill-sample/ is what the fake run produces (regenerate: node --import tsx __tests__/tools/drill/support/write-sample.ts)", async () => {
  const expected = sampleFiles(await sampleDrill());
  const committed = Object.fromEntries(Object.keys(expected).map((name) => [name, readFileSync(join(SAMPLE_DIR, name), "utf8")]));
  expect(committed).toEqual(expected);
  expect(readdirSync(SAMPLE_DIR).sort()).toEqual(Object.keys(expected).sort());
});
