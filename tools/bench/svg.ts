/**
 * Two small SVG charts for BENCHMARKS.md: horizontal bars for a few values of one unit, and
 * small multiples (one line panel per measure, each with its own axis) for measures against a
 * shared x axis. System fonts; the document scaffolding is tools/report-format's.
 *
 * Written by hand, not with vega-lite and vega's `toSVG` (measured for issue 27): both are
 * ESM-only, which jest (running the tests as CommonJS) can't load; they add 76 packages (18 MiB) to
 * `npm ci`, take about a second to import and render where this takes milliseconds, and drew
 * no better picture without as much configuration as these functions.
 */
import { type SvgAttributes, svgDocumentStart, svgElement } from "../report-format";

const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const COLORS = ["#3b6fb6", "#d9822b", "#3a9a5b", "#9c4fb5", "#c23b4b"] as const;

/** Rounds for labels: 3 significant digits, no trailing zeros. */
export function formatNumber(value: number): string {
  if (value === 0) return "0";
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return String(Number(value.toFixed(Math.min(digits, 3))));
}

/** An axis maximum >= `value` of the form 1, 2 or 5 x 10^n, and its tick step. */
export function niceAxis(value: number): { max: number; step: number } {
  if (!(value > 0)) return { max: 1, step: 0.5 };
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const max = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= value)!;
  const step = max / (max / magnitude <= 2 ? 4 : 5);
  return { max, step };
}

/** One element on a line of its own. */
const line = (name: string, attributes: SvgAttributes, content?: { text?: string; tooltip?: string }) =>
  `${svgElement(name, attributes, content)}\n`;

const svgOpen = (width: number, height: number, title: string) => `${svgDocumentStart(width, height, title).join("\n")}\n`;

/** A text element; `attributes` override the defaults (size 12, dark grey). */
function text(x: number, y: number, content: string, attributes: Readonly<Record<string, string>> = {}): string {
  const merged = { "font-size": "12", fill: "#222", ...attributes };
  return line("text", { x: x.toFixed(1), y: y.toFixed(1), "font-family": FONT_FAMILY, ...merged }, { text: content });
}

export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** Horizontal bars, one per value, with the value written after each bar. */
export function barChart(options: { title: string; unit: string; bars: readonly Bar[] }): string {
  const width = 720;
  const labelWidth = 260;
  const barHeight = 22;
  const top = 40;
  const height = top + options.bars.length * (barHeight + 12) + 30;
  const { max } = niceAxis(Math.max(...options.bars.map((bar) => bar.value)));
  const scale = (width - labelWidth - 90) / max;
  let svg = svgOpen(width, height, options.title);
  svg += text(12, 22, options.title, { "font-size": "14", "font-weight": "600" });
  options.bars.forEach((bar, index) => {
    const y = top + index * (barHeight + 12);
    const length = Math.max(1, bar.value * scale);
    svg += text(labelWidth - 8, y + barHeight * 0.7, bar.label, { "text-anchor": "end" });
    svg += line("rect", {
      x: labelWidth,
      y,
      width: length.toFixed(1),
      height: barHeight,
      fill: COLORS[index % COLORS.length]!,
    });
    svg += text(labelWidth + length + 6, y + barHeight * 0.7, `${formatNumber(bar.value)} ${options.unit}`);
  });
  return `${svg}</svg>\n`;
}

export interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** Small multiples: one line chart per panel, side by side, sharing the x values. */
export function panelChart(options: { title: string; xLabel: string; panels: readonly Panel[] }): string {
  const panelWidth = 230;
  const panelHeight = 170;
  const columns = Math.min(3, options.panels.length);
  const rows = Math.ceil(options.panels.length / columns);
  const width = columns * panelWidth + 20;
  const height = 40 + rows * (panelHeight + 50);
  let svg = svgOpen(width, height, options.title);
  svg += text(12, 22, options.title, { "font-size": "14", "font-weight": "600" });
  const xs = [...new Set(options.panels.flatMap((panel) => panel.points.map((point) => point.x)))].sort((a, b) => a - b);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);

  options.panels.forEach((panel, index) => {
    const left = 20 + (index % columns) * panelWidth + 40;
    const top = 40 + Math.floor(index / columns) * (panelHeight + 50) + 24;
    const plotWidth = panelWidth - 70;
    const plotHeight = panelHeight - 50;
    const { max, step } = niceAxis(Math.max(...panel.points.map((point) => point.y)));
    const px = (x: number) => left + (xMax === xMin ? plotWidth / 2 : ((x - xMin) / (xMax - xMin)) * plotWidth);
    const py = (y: number) => top + plotHeight - (y / max) * plotHeight;
    const color = COLORS[index % COLORS.length]!;

    svg += text(left - 30, top - 10, `${panel.title} (${panel.unit})`, { "font-weight": "600" });
    for (let tick = 0; tick <= max + step / 2; tick += step) {
      const y = py(tick).toFixed(1);
      svg += line("line", { x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: "#e4e4e4" });
      svg += text(left - 6, py(tick) + 4, formatNumber(tick), { "text-anchor": "end", "font-size": "10", fill: "#666" });
    }
    for (const x of xs) {
      svg += text(px(x), top + plotHeight + 16, String(x), { "text-anchor": "middle", "font-size": "10", fill: "#666" });
    }
    svg += text(left + plotWidth / 2, top + plotHeight + 32, options.xLabel, {
      "text-anchor": "middle",
      "font-size": "10",
      fill: "#666",
    });
    const path = panel.points.map((point) => `${px(point.x).toFixed(1)},${py(point.y).toFixed(1)}`).join(" ");
    svg += line("polyline", { points: path, fill: "none", stroke: color, "stroke-width": 2 });
    for (const point of panel.points) {
      svg += line(
        "circle",
        { cx: px(point.x).toFixed(1), cy: py(point.y).toFixed(1), r: 3.5, fill: color },
        { tooltip: `${point.x}: ${formatNumber(point.y)} ${panel.unit}` },
      );
    }
  });
  return `${svg}</svg>\n`;
}
