/**
 * The drill's report: JSON for machines, Markdown for people (embedding the SVG timeline),
 * written together into `--out`. How to read it: docs/failover-drill.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatMsAsMinutes, formatMsAsSeconds, markdownTable } from "../report-format";
import { describeClientSubnet } from "./client-subnets";
import { faultMilestoneLabels, MILESTONES, probeOutcome, type DrillRecord, type MilestoneName } from "./record";
import { theDrilled } from "./targets";
import { drillTimings, faultWindow } from "./timings";
import { renderTimelineSvg } from "./timeline-svg";

export const REPORT_FILES = {
  json: "failover-drill.json",
  markdown: "failover-drill.md",
  timeline: "failover-drill-timeline.svg",
} as const;

/** Milliseconds to seconds with one decimal; null when not measured. */
function seconds(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.round(ms / 100) / 10;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function probeSummary(record: Pick<DrillRecord, "probes">) {
  const count = (outcome: ReturnType<typeof probeOutcome>) =>
    record.probes.filter((probe) => probeOutcome(probe) === outcome).length;
  return {
    written: record.probes.filter((probe) => probe.outcome === "written").length,
    verified: count("verified"),
    lost: count("lost"),
    failed: count("failed"),
    unverified: count("unverified"),
  };
}

function configJson(record: DrillRecord) {
  const { targets } = record;
  return {
    source: record.configSource,
    domainName: targets.domainName,
    hostedZoneId: targets.hostedZoneId,
    apiName: targets.apiName,
    standbySetName: targets.standbySetName ?? null,
    primary: { name: targets.primary.name, label: targets.primary.label },
    standbys: targets.standbys.map(({ name, label }) => ({ name, label })),
    healthCheck: { requestInterval: targets.requestInterval, failureThreshold: targets.failureThreshold },
    clientSubnet:
      targets.clientSubnet === undefined
        ? null
        : { ip: targets.clientSubnet.ip, mask: targets.clientSubnet.mask, source: targets.clientSubnet.source },
  };
}

function timingsJson(record: DrillRecord) {
  const timings = drillTimings(record);
  return {
    timeToDetectSeconds: seconds(timings.timeToDetect),
    timeToFailOverSeconds: seconds(timings.timeToFailOver),
    timeToHealthySeconds: seconds(timings.timeToHealthy),
    timeToFailBackSeconds: seconds(timings.timeToFailBack),
    resolutionSeconds: record.settings.pollSeconds,
  };
}

/** The fault: what broke, its window, its own measures, the probes at the end, the drift it caused. */
export function faultJson(record: DrillRecord) {
  const window = faultWindow(record);
  const timings = drillTimings(record);
  const probes = probeSummary(record);
  return {
    kind: record.fault.kind,
    title: record.fault.title,
    window:
      window === undefined
        ? null
        : {
            fromSeconds: seconds(window.from),
            toSeconds: seconds(window.to),
            seconds: seconds(window.to - window.from),
            open: window.open,
          },
    timeToDetectSeconds: seconds(timings.timeToDetect),
    timeToFailOverSeconds: seconds(timings.timeToFailOver),
    timeToFailBackSeconds: seconds(timings.timeToFailBack),
    strandedWindowSeconds: seconds(timings.strandedWindow),
    catchUpSeconds: seconds(timings.catchUp),
    probesWritten: probes.written,
    probesReadableEverywhere: probes.verified,
    drift: record.fault.drift,
    restoredCheck: record.fault.restoredCheck ?? null,
  };
}

function stepsAndSamplesJson(record: DrillRecord) {
  return {
    steps: record.steps.map((step) => ({
      name: step.name,
      offsetSeconds: seconds(step.startedAt),
      durationSeconds: seconds(step.endedAt - step.startedAt),
      outcome: step.outcome,
      detail: step.detail,
    })),
    samples: record.samples.map((sample) => ({
      offsetSeconds: seconds(sample.at),
      phase: sample.phase,
      health: sample.health,
      healthyCheckers: sample.healthyCheckers,
      checkers: sample.checkers,
      answer: sample.answer ?? null,
      addresses: sample.addresses,
      note: sample.note ?? null,
    })),
  };
}

function probesJson(record: DrillRecord) {
  return record.probes.map((probe) => ({
    index: probe.index,
    idempotencyKey: probe.idempotencyKey,
    offsetSeconds: seconds(probe.at),
    address: probe.address ?? null,
    servedBy: probe.servedBy ?? null,
    outcome: probeOutcome(probe),
    httpStatus: probe.httpStatus ?? null,
    attempts: probe.attempts,
    ticketId: probe.ticketId ?? null,
    error: probe.error ?? null,
    readBack: probe.readBack ?? null,
  }));
}

export function reportJson(record: DrillRecord): string {
  const { targets } = record;
  const report = {
    drillId: record.drillId,
    outcome: record.outcome,
    exitCode: record.exitCode,
    routing: targets.routing,
    drilledRegion: { name: targets.drilled.name, label: targets.drilled.label },
    startedAt: iso(record.startedAt),
    finishedAt: iso(record.finishedAt),
    durationSeconds: seconds(record.finishedAt - record.startedAt),
    config: configJson(record),
    settings: record.settings,
    healthChecks: record.healthChecks,
    failoverRegion: record.failoverRegion ?? null,
    fault: faultJson(record),
    timings: timingsJson(record),
    budget: record.budget,
    milestones: Object.fromEntries(
      (Object.keys(MILESTONES) as MilestoneName[])
        .filter((name) => record.milestones[name] !== undefined)
        .map((name) => [
          name,
          { offsetSeconds: seconds(record.milestones[name]), at: iso(record.startedAt + record.milestones[name]!) },
        ]),
    ),
    ...stepsAndSamplesJson(record),
    probes: probesJson(record),
    probeSummary: probeSummary(record),
    problems: record.problems,
    warnings: record.warnings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function measured(ms: number | undefined): string {
  return ms === undefined ? "not observed" : formatMsAsSeconds(ms);
}

/** Where the API moved and back, in a sentence; `timeToFailOver` was measured. */
function failedOverSentence(record: DrillRecord, timeToFailOver: number, timeToFailBack: number | undefined): string {
  const { targets } = record;
  const region = targets.drilled.name;
  const [moved, checkOf, back] =
    targets.routing === "active-active"
      ? [`For clients in ${region}'s area, \`${targets.apiName}\` moved from ${region} to`, `${region}'s`, `${region} there`]
      : [`\`${targets.apiName}\` failed over from ${targets.primary.name} to`, "the primary's", targets.primary.name];
  const returned =
    timeToFailBack === undefined
      ? `; it was not seen answering ${back} again.`
      : `, and answered ${back} again ${formatMsAsSeconds(timeToFailBack)} after the health check was restored.`;
  return `${moved} ${record.failoverRegion} ${formatMsAsSeconds(timeToFailOver)} after ${checkOf} health check was inverted${returned}`;
}

/** What happened to the routing: refused, failed over (and back), or not seen to. */
function routingSentence(record: DrillRecord): string {
  const { targets } = record;
  const timings = drillTimings(record);
  if (record.outcome === "refused") {
    return "The drill refused to start: preflight found the problems listed below. Nothing was changed.";
  }
  if (timings.timeToFailOver !== undefined) return failedOverSentence(record, timings.timeToFailOver, timings.timeToFailBack);
  if (record.milestones.broken === undefined)
    return `The drill stopped before ${theDrilled(targets)}'s health check was inverted.`;
  return targets.routing === "failover"
    ? `\`${targets.apiName}\` was not seen failing over.`
    : `\`${targets.apiName}\` was not seen moving away from ${targets.drilled.name} in its area.`;
}

function probesSentence(record: DrillRecord): string {
  const probes = probeSummary(record);
  const problems = [
    ...(probes.lost > 0 ? [`${probes.lost} lost`] : []),
    ...(probes.failed > 0 ? [`${probes.failed} not written`] : []),
    ...(probes.unverified > 0 ? [`${probes.unverified} not verified`] : []),
  ];
  return `${probes.verified} of ${record.settings.probes} probe tickets were written and found in every region${problems.map((problem) => `; ${problem}`).join("")}.`;
}

function summary(record: DrillRecord): string {
  return [routingSentence(record), ...(record.probes.length > 0 ? [probesSentence(record)] : [])].join(" ");
}

function budgetRows(record: DrillRecord): string[][] {
  const { budget, targets } = record;
  const timings = drillTimings(record);
  const role = theDrilled(targets);
  const answersOther =
    targets.routing === "failover" ? "Route 53 answers a standby" : `Route 53 answers another region in ${role}'s area`;
  return [
    [
      `time to detect: Route 53 counts ${role} unhealthy`,
      measured(timings.timeToDetect),
      `${budget.detectionSeconds} s`,
      `request interval ${targets.requestInterval} s × failure threshold ${targets.failureThreshold}`,
    ],
    [
      `time to fail over: ${answersOther}`,
      measured(timings.timeToFailOver),
      `${budget.failoverSeconds} s`,
      `detection + checker spread and aggregation (one interval, ${budget.checkerSpreadSeconds} s)`,
    ],
    [
      "clients fail over: cached answers expired",
      timings.timeToFailOver === undefined
        ? "not observed"
        : `at most ${formatMsAsSeconds(timings.timeToFailOver + budget.recordTtlSeconds * 1000)}`,
      `${budget.clientFailoverSeconds} s`,
      `fail over + record TTL ${budget.recordTtlSeconds} s (an alias record has the TTL of its API Gateway target)`,
    ],
    [
      "time to healthy after the restore",
      measured(timings.timeToHealthy),
      "—",
      record.fault.kind === "health-check"
        ? "not budgeted: the check itself never failed"
        : "not budgeted: more than 18 % of the checkers succeeding again, about one request interval",
    ],
    [
      `time to fail back: Route 53 answers ${role} again`,
      measured(timings.timeToFailBack),
      `${budget.failoverSeconds} s`,
      "as for failing over",
    ],
  ];
}

function budgetSection(record: DrillRecord): string[] {
  const { budget, targets } = record;
  const timings = drillTimings(record);
  const interval = targets.requestInterval;
  const role = theDrilled(targets);
  const failover = targets.routing === "failover";
  const lines = [
    "## Recovery times against the budget",
    "",
    `Each time runs from the moment the change was in place and is accurate to the polling interval (${record.settings.pollSeconds} s).`,
    "",
    ...(failover
      ? []
      : [
          `Routing is active-active: breaking ${role} moves ${budget.whoMoves}. The budget is the failover budget ` +
            "(the same routing check, the same alias-target TTL); clients elsewhere never moved.",
          "",
        ]),
    markdownTable(["", "measured", "budget", "budget from"], budgetRows(record), ["left", "right", "right", "left"]),
    "",
  ];
  // A poll sees a change up to one polling interval late: only the earliest possible time counts against the budget.
  const pollMs = record.settings.pollSeconds * 1000;
  const over = timings.timeToFailOver === undefined ? 0 : timings.timeToFailOver - pollMs - budget.failoverSeconds * 1000;
  if (over > 0) {
    lines.push(
      `> [!WARNING]`,
      `> Failing over took at least ${formatMsAsSeconds(over)} longer than the budget (the measured time less one polling interval).`,
      "",
    );
  }
  if (targets.failureThreshold > 1) {
    lines.push(
      `An inverted health check counts unhealthy at each checker's next check, without ${targets.failureThreshold} failed checks in a row: ` +
        `a real outage takes up to ${(targets.failureThreshold - 1) * interval} s longer to detect than this drill shows.`,
      "",
    );
  }
  return lines;
}

function regionRows(record: DrillRecord): [string, string][] {
  const { targets } = record;
  const checkOf = (region: string) => record.healthChecks.find((check) => check.region === region)?.id;
  const endpoint = (region: (typeof targets.regions)[number]) => {
    const id = checkOf(region.name);
    return `${region.name} (\`${region.endpoint}\`)${id === undefined ? "" : `, health check \`${id}\``}`;
  };
  if (targets.routing === "failover") {
    return [
      ["primary", endpoint(targets.primary)],
      [
        targets.standbys.length > 1 ? `standbys (latency set \`${targets.standbySetName}\`)` : "standby",
        targets.standbys.map(endpoint).join("; "),
      ],
    ];
  }
  return [
    ["routing", "active-active: one latency record per region, each with its region's routing check"],
    ["drilled region", endpoint(targets.drilled)],
    [targets.others.length > 1 ? "other regions" : "other region", targets.others.map(endpoint).join("; ")],
    [
      "asked from",
      targets.clientSubnet === undefined
        ? "—"
        : `EDNS0 client subnet \`${describeClientSubnet(targets.clientSubnet)}\` (${targets.clientSubnet.source})`,
    ],
  ];
}

function headerSection(record: DrillRecord): string[] {
  const { targets } = record;
  const failover = targets.routing === "failover";
  return [
    failover
      ? `# Failover drill \`${record.drillId}\`: ${record.outcome}`
      : `# Active-active drill \`${record.drillId}\` of ${targets.drilled.name}: ${record.outcome}`,
    "",
    markdownTable(
      ["", ""],
      [
        ["API", `\`${targets.apiName}\` in hosted zone \`${targets.hostedZoneId}\``],
        ...regionRows(record),
        ["fault", `\`${record.fault.kind}\`: ${record.fault.title}`],
        ["started", `${iso(record.startedAt)}, took ${formatMsAsMinutes(record.finishedAt - record.startedAt)}`],
        ["config", record.configSource],
        [
          "settings",
          `${record.settings.probes} probes, timeout ${record.settings.timeoutSeconds} s, polls every ${record.settings.pollSeconds} s`,
        ],
        ["exit code", String(record.exitCode)],
      ],
    ),
    "",
    summary(record),
    "",
    `![Timeline: ${theDrilled(targets)}'s health check, Route 53's answer for ${targets.apiName}${failover ? "" : ` in ${targets.drilled.name}'s area`} and the probe tickets over time](${REPORT_FILES.timeline})`,
    "",
  ];
}

/** What the fault did: its window, per-fault times, probes at the end, the drift it caused. */
function faultSection(record: DrillRecord): string[] {
  const fault = faultJson(record);
  const shown = (value: number | null, notApplicable?: string) =>
    value === null ? (notApplicable ?? "not observed") : formatMsAsSeconds(value * 1000);
  const noFailover = record.fault.kind === "replication" ? "not applicable: the region stays in DNS" : undefined;
  const window = fault.window;
  return [
    `## Fault: \`${fault.kind}\``,
    "",
    window === null
      ? "The fault was never put in place."
      : `In place from ${shown(window.fromSeconds)} to ${shown(window.toSeconds)} (${shown(window.seconds)})${window.open ? ", and not undone: see the problems" : ""}.`,
    "",
    markdownTable(
      ["", "measured"],
      [
        ["time to detect", shown(fault.timeToDetectSeconds)],
        ["time to fail over", shown(fault.timeToFailOverSeconds, noFailover)],
        ["time to fail back", shown(fault.timeToFailBackSeconds, noFailover)],
        ...(record.fault.kind === "replication"
          ? [
              ["writes a failover would strand: the pause window", shown(fault.strandedWindowSeconds)],
              ["catch-up: every probe in every standby after the pause", shown(fault.catchUpSeconds)],
            ]
          : []),
        ["probes written", `${fault.probesWritten} of ${record.settings.probes}`],
        ["probes readable in every region at the end", String(fault.probesReadableEverywhere)],
      ],
      ["left", "right"],
    ),
    "",
    "Terraform drift while the fault was in place:",
    "",
    ...fault.drift.map((line) => `- ${line}`),
    "",
    ...(fault.restoredCheck === null ? [] : [`After the restore: ${fault.restoredCheck}.`, ""]),
  ];
}

function stepsSection(record: DrillRecord): string[] {
  return [
    "## Steps",
    "",
    markdownTable(
      ["step", "at", "took", "outcome", "detail"],
      record.steps.map((step) => [
        step.name,
        formatMsAsSeconds(step.startedAt),
        formatMsAsSeconds(step.endedAt - step.startedAt),
        step.outcome,
        step.detail,
      ]),
      ["left", "right", "right"],
    ),
    "",
  ];
}

function milestonesSection(record: DrillRecord): string[] {
  const labels = faultMilestoneLabels(record.targets, record.fault.kind);
  const rows = (Object.keys(MILESTONES) as MilestoneName[])
    .filter((name) => record.milestones[name] !== undefined)
    .map((name) => [labels[name], formatMsAsSeconds(record.milestones[name]!), iso(record.startedAt + record.milestones[name]!)]);
  return rows.length === 0 ? [] : ["## Milestones", "", markdownTable(["", "at", "time"], rows, ["left", "right"]), ""];
}

function probesSection(record: DrillRecord): string[] {
  const { targets } = record;
  if (record.probes.length === 0) return [];
  const regions = targets.regions.map((region) => region.name);
  return [
    "## Probe tickets",
    "",
    `Written with \`POST ${targets.apiUrl}ticket\` to an address of Route 53's current answer, then read back with \`GET /ticket\` on each region's own endpoint.`,
    "",
    markdownTable(
      ["#", "at", "sent to", "HTTP", "ticket", ...regions, "result"],
      record.probes.map((probe) => [
        String(probe.index),
        formatMsAsSeconds(probe.at),
        `${probe.servedBy ?? "unknown region"}${probe.address === undefined ? "" : ` (${probe.address})`}`,
        `${probe.httpStatus ?? "—"}${probe.attempts > 1 ? ` (${probe.attempts} attempts)` : ""}`,
        probe.ticketId === undefined ? (probe.error ?? "—") : `\`${probe.ticketId}\``,
        ...regions.map((region) => probe.readBack?.[region] ?? "—"),
        probeOutcome(probe),
      ]),
      ["right", "right", "left", "right"],
    ),
    "",
  ];
}

export function renderMarkdown(record: DrillRecord): string {
  const lines: string[] = [...headerSection(record)];
  if (record.problems.length > 0) lines.push("## Problems", "", ...record.problems.map((problem) => `- ${problem}`), "");
  if (record.warnings.length > 0) lines.push("## Warnings", "", ...record.warnings.map((warning) => `- ${warning}`), "");
  lines.push(...faultSection(record));
  if (record.milestones.broken !== undefined && record.fault.kind !== "replication") lines.push(...budgetSection(record));
  lines.push(...stepsSection(record), ...milestonesSection(record), ...probesSection(record));
  lines.push(
    `The same data, with every poll, is in [${REPORT_FILES.json}](${REPORT_FILES.json}). How to read this report: docs/failover-drill.md in the repository.`,
    "",
  );
  return lines.join("\n");
}

/** Writes the three report files into `outDir` (created if needed); returns their paths. */
export function writeReport(record: DrillRecord, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const files: [string, string][] = [
    [REPORT_FILES.markdown, renderMarkdown(record)],
    [REPORT_FILES.json, reportJson(record)],
    [REPORT_FILES.timeline, renderTimelineSvg(record)],
  ];
  return files.map(([name, content]) => {
    const path = join(outDir, name);
    writeFileSync(path, content);
    return path;
  });
}
