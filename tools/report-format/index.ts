/**
 * What the tools' reports share (bench, drill, plan summary, module README): one Markdown
 * table, one code span, one XML escape, the duration formatters and the SVG charts' scaffolding.
 */
export { codeSpan } from "./code-span";
export { type Alignment, markdownTable, tableCell } from "./markdown-table";
export { escapeXml } from "./xml";
export { byCodeUnits } from "./order";
export { formatMs, formatMsAsMinutes, formatMsAsSeconds, formatSeconds } from "./time";
export { type SvgAttributes, svgDocumentStart, svgElement } from "./svg";
