/**
 * The drill's timeline as an SVG picture: the drilled region's health (the primary's in failover mode) as Route 53 routes on it,
 * the region serving Route 53's answer for `api.<domain>`, and each probe ticket, over time,
 * with the milestones (break, detected, failed over, restored, ...) as vertical lines.
 * Deterministic: the same record gives the same bytes.
 */
import { formatMsAsSeconds, svgDocumentStart, svgElement } from "../report-format";
import { probeOutcome, type DrillRecord, type MilestoneName } from "./record";

const WIDTH = 960;
const PLOT_LEFT = 200;
const PLOT_RIGHT = WIDTH - 24;
const LANE_HEIGHT = 30;
const LANE_GAP = 12;
const FIRST_LANE_TOP = 96;
const LABEL_ROWS = [40, 56, 72];
const CHAR_WIDTH = 6.2;

const COLORS = {
  healthy: "#2e7d32",
  unhealthy: "#c62828",
  unknown: "#9e9e9e",
  laneBackground: "#f3f3f3",
  text: "#212121",
  muted: "#616161",
  primary: "#1565c0",
  standbys: ["#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#558b2f", "#4e342e"],
} as const;

/** Short milestone names: six long labels don't fit above a 750 px plot. */
const MILESTONE_LABELS: Record<MilestoneName, string> = {
  broken: "inverted",
  detected: "unhealthy",
  failedOver: "failed over",
  restored: "un-inverted",
  healthy: "healthy again",
  failedBack: "failed back",
  caughtUp: "caught up",
};

const PROBE_COLORS = { verified: COLORS.healthy, lost: COLORS.unhealthy, failed: "#ffffff", unverified: COLORS.unknown } as const;

/** Fixed decimals keep the output byte-stable. */
function n(value: number): string {
  return value.toFixed(1);
}

interface Segment {
  readonly from: number;
  readonly to: number;
  readonly value: string;
}

/** Runs of equal values: each sample holds until the next one. */
function segments(points: readonly { at: number; value: string }[], end: number): Segment[] {
  const runs: Segment[] = [];
  points.forEach((point, index) => {
    const to = points[index + 1]?.at ?? end;
    const last = runs.at(-1);
    if (last !== undefined && last.value === point.value) runs[runs.length - 1] = { ...last, to };
    else runs.push({ from: point.at, to, value: point.value });
  });
  return runs;
}

/** 1, 2, 5, 10, ... seconds: the smallest step that keeps at most 12 ticks. */
function tickStep(endMs: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
  return (steps.find((step) => endMs / 1000 / step <= 12) ?? 7200) * 1000;
}

/** The drilled region (the primary in failover mode) in blue, the others in turn. */
export function regionColors(record: Pick<DrillRecord, "targets">): Map<string, string> {
  return new Map([
    [record.targets.drilled.name, COLORS.primary],
    ...record.targets.others.map((standby, index): [string, string] => [
      standby.name,
      COLORS.standbys[index % COLORS.standbys.length]!,
    ]),
  ]);
}

/** Where things go on the picture: shared by the steps that draw it. */
interface Plot {
  readonly record: DrillRecord;
  readonly end: number;
  readonly x: (ms: number) => number;
  readonly laneTop: (lane: number) => number;
  readonly plotBottom: number;
  readonly axisY: number;
  readonly legendY: number;
  readonly height: number;
  readonly colors: Map<string, string>;
}

function titleOf(record: DrillRecord): string {
  const { targets } = record;
  const fault = record.fault.kind === "health-check" ? "" : ` (fault ${record.fault.kind})`;
  return targets.routing === "failover"
    ? `Failover drill ${record.drillId}${fault}: ${record.outcome}`
    : `Active-active drill ${record.drillId} of ${targets.drilled.name}${fault}: ${record.outcome}`;
}

function laneLabels(record: DrillRecord): string[] {
  const { targets } = record;
  return targets.routing === "failover"
    ? ["Primary health check", `${targets.apiName} answers`, "Probe tickets"]
    : [`${targets.drilled.name} health check`, `answer in ${targets.drilled.name} area`, "Probe tickets"];
}

function drawLanes(plot: Plot, out: string[], title: string): void {
  out.push(
    ...svgDocumentStart(WIDTH, plot.height, title, {
      "font-family": "system-ui, -apple-system, Segoe UI, sans-serif",
      "font-size": 12,
    }),
    svgElement("text", { x: 16, y: 22, "font-size": 15, "font-weight": "bold", fill: COLORS.text }, { text: title }),
  );
  laneLabels(plot.record).forEach((label, lane) => {
    const top = plot.laneTop(lane);
    out.push(
      svgElement("text", { x: 16, y: top + LANE_HEIGHT / 2 + 4, fill: COLORS.text }, { text: label }),
      svgElement("rect", {
        x: PLOT_LEFT,
        y: top,
        width: PLOT_RIGHT - PLOT_LEFT,
        height: LANE_HEIGHT,
        fill: COLORS.laneBackground,
      }),
    );
  });
}

/** The fault window (from the break to its undoing) as a band behind the lanes; nothing when never broken. */
function drawFaultWindow(plot: Plot, out: string[]): void {
  const { broken, restored } = plot.record.milestones;
  if (broken === undefined) return;
  const to = restored ?? plot.end;
  const left = plot.x(broken);
  out.push(
    svgElement(
      "rect",
      {
        x: n(left),
        y: plot.laneTop(0) - 4,
        width: n(Math.max(plot.x(to) - left, 1)),
        height: n(plot.plotBottom - plot.laneTop(0) + 8),
        fill: COLORS.unhealthy,
        "fill-opacity": "0.08",
      },
      { tooltip: `fault ${plot.record.fault.kind} in place: ${formatMsAsSeconds(broken)} to ${formatMsAsSeconds(to)}` },
    ),
  );
}

function drawRuns(plot: Plot, out: string[], lane: number, runs: Segment[], color: (value: string) => string): void {
  const top = plot.laneTop(lane);
  for (const run of runs) {
    const left = plot.x(run.from);
    const width = Math.max(plot.x(run.to) - left, 1);
    out.push(
      svgElement(
        "rect",
        { x: n(left), y: top, width: n(width), height: LANE_HEIGHT, fill: color(run.value) },
        { tooltip: `${run.value}: ${formatMsAsSeconds(run.from)} to ${formatMsAsSeconds(run.to)}` },
      ),
    );
    if (width >= run.value.length * CHAR_WIDTH + 8) {
      out.push(svgElement("text", { x: n(left + 4), y: top + LANE_HEIGHT / 2 + 4, fill: "#ffffff" }, { text: run.value }));
    }
  }
}

/**
 * Probes written back to back would overlap: a circle takes the first of three rows where it
 * clears the previous one, and only when all rows are taken does it move right.
 */
function drawProbes(plot: Plot, out: string[]): void {
  const probeRows = [plot.laneTop(2) + 7, plot.laneTop(2) + 15, plot.laneTop(2) + 23];
  const probeRowEnds = probeRows.map(() => -Infinity);
  const probeRadius = 3.5;
  const verifiedShapes: string[] = [];
  const problemShapes: string[] = [];
  for (const probe of plot.record.probes) {
    const wanted = plot.x(probe.at);
    let row = probeRowEnds.findIndex((rowEnd) => wanted >= rowEnd + 1);
    if (row === -1) row = probeRowEnds.indexOf(Math.min(...probeRowEnds));
    const cx = Math.max(wanted, probeRowEnds[row]! + 1 + probeRadius);
    probeRowEnds[row] = cx + probeRadius * 2;
    const outcome = probeOutcome(probe);
    const stroke = outcome === "failed" ? COLORS.unhealthy : (plot.colors.get(probe.servedBy ?? "") ?? COLORS.unknown);
    const shape = svgElement(
      "circle",
      { cx: n(cx), cy: probeRows[row]!, r: probeRadius, fill: PROBE_COLORS[outcome], stroke, "stroke-width": "1.5" },
      {
        tooltip: `probe ${probe.index} at ${formatMsAsSeconds(probe.at)}: ${outcome}, sent to ${probe.servedBy ?? "an unknown region"}`,
      },
    );
    (outcome === "verified" ? verifiedShapes : problemShapes).push(shape);
  }
  // Problems drawn last, on top, where a crowd of good probes cannot hide them.
  out.push(...verifiedShapes, ...problemShapes);
}

/** Milestones: dashed lines, each label in the first row where it overlaps no other label. */
function drawMilestones(plot: Plot, out: string[]): void {
  const taken = LABEL_ROWS.map((): [number, number][] => []);
  for (const [name, at] of Object.entries(plot.record.milestones) as [MilestoneName, number][]) {
    const lineX = plot.x(at);
    const label = `${MILESTONE_LABELS[name]} ${formatMsAsSeconds(at)}`;
    const width = label.length * CHAR_WIDTH;
    const anchorEnd = lineX + 3 + width > WIDTH - 4;
    const span: [number, number] = anchorEnd ? [lineX - 3 - width, lineX] : [lineX, lineX + 3 + width];
    const clear = (row: [number, number][]) => row.every(([left, right]) => span[0] > right + 6 || span[1] < left - 6);
    let row = taken.findIndex(clear);
    if (row === -1) row = taken.length - 1;
    taken[row]!.push(span);
    out.push(
      `<line x1="${n(lineX)}" y1="${LABEL_ROWS[row]! + 4}" x2="${n(lineX)}" y2="${plot.plotBottom}" stroke="${COLORS.text}" stroke-width="1" stroke-dasharray="4 3"/>`,
      svgElement(
        "text",
        {
          x: n(anchorEnd ? lineX - 3 : lineX + 3),
          y: LABEL_ROWS[row]!,
          fill: COLORS.text,
          "font-size": 11,
          ...(anchorEnd ? { "text-anchor": "end" } : {}),
        },
        { text: label },
      ),
    );
  }
}

function drawAxis(plot: Plot, out: string[]): void {
  const { axisY, end, x } = plot;
  out.push(`<line x1="${PLOT_LEFT}" y1="${axisY}" x2="${PLOT_RIGHT}" y2="${axisY}" stroke="${COLORS.muted}"/>`);
  const step = tickStep(end);
  for (let tick = 0; tick <= end; tick += step) {
    out.push(
      `<line x1="${n(x(tick))}" y1="${axisY}" x2="${n(x(tick))}" y2="${axisY + 5}" stroke="${COLORS.muted}"/>`,
      `<text x="${n(x(tick))}" y="${axisY + 18}" fill="${COLORS.muted}" text-anchor="middle">${tick / 1000} s</text>`,
    );
  }
  out.push(`<text x="16" y="${axisY + 18}" fill="${COLORS.muted}">seconds since start</text>`);
}

function drawLegend(plot: Plot, out: string[]): void {
  const legend: [string, string, string][] = [
    ["healthy", COLORS.healthy, COLORS.healthy],
    ["unhealthy", COLORS.unhealthy, COLORS.unhealthy],
    ...[...plot.colors].map(([region, color]): [string, string, string] => [region, color, color]),
    ["probe verified", PROBE_COLORS.verified, COLORS.muted],
    ["probe lost", PROBE_COLORS.lost, COLORS.muted],
    ["probe not written", PROBE_COLORS.failed, COLORS.unhealthy],
  ];
  let legendX = 16;
  for (const [label, fill, stroke] of legend) {
    out.push(
      svgElement("rect", { x: n(legendX), y: plot.legendY - 10, width: 12, height: 12, fill, stroke }),
      svgElement("text", { x: n(legendX + 17), y: plot.legendY, fill: COLORS.text }, { text: label }),
    );
    legendX += 17 + label.length * CHAR_WIDTH + 16;
  }
}

function plotOf(record: DrillRecord): Plot {
  const end = Math.max(record.finishedAt - record.startedAt, 1000);
  const laneTop = (lane: number) => FIRST_LANE_TOP + lane * (LANE_HEIGHT + LANE_GAP);
  const plotBottom = laneTop(laneLabels(record).length) - LANE_GAP;
  const axisY = plotBottom + 18;
  const legendY = axisY + 40;
  return {
    record,
    end,
    x: (ms) => PLOT_LEFT + (Math.min(Math.max(ms, 0), end) / end) * (PLOT_RIGHT - PLOT_LEFT),
    laneTop,
    plotBottom,
    axisY,
    legendY,
    height: legendY + 28,
    colors: regionColors(record),
  };
}

export function renderTimelineSvg(record: DrillRecord): string {
  const plot = plotOf(record);
  const out: string[] = [];
  drawLanes(plot, out, titleOf(record));
  drawFaultWindow(plot, out);
  const healthRuns = segments(
    record.samples.map((sample) => ({ at: sample.at, value: sample.health })),
    plot.end,
  );
  drawRuns(plot, out, 0, healthRuns, (value) => (value === "healthy" ? COLORS.healthy : COLORS.unhealthy));
  const answerRuns = segments(
    record.samples.map((sample) => ({ at: sample.at, value: sample.answer ?? "unknown" })),
    plot.end,
  );
  drawRuns(plot, out, 1, answerRuns, (value) => plot.colors.get(value) ?? COLORS.unknown);
  drawProbes(plot, out);
  drawMilestones(plot, out);
  drawAxis(plot, out);
  drawLegend(plot, out);
  out.push("</svg>", "");
  return out.join("\n");
}
