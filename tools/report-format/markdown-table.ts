/**
 * The one Markdown table of the tools' reports (bench, drill, plan summary, module README), in
 * the layout terraform-docs writes: cells unpadded, each column's rule as wide as its header.
 * Not the `markdown-table` package: it is ESM-only (jest runs the tests as CommonJS and can't load it)
 * and can't write this rule without padding every cell, which would rewrite every committed table.
 */

/** A column's alignment: `left` is GitHub's default (no colon). */
export type Alignment = "left" | "right" | "center";

/** One cell's text: a `|` would end the cell (GFM unescapes `\|` even in code spans), a line break the row. */
export function tableCell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

function rule(header: string, alignment: Alignment): string {
  const width = Math.max(header.length, 3);
  if (alignment === "center") return `:${"-".repeat(width - 2)}:`;
  if (alignment === "right") return `${"-".repeat(width - 1)}:`;
  return "-".repeat(width);
}

const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;

/**
 * The table's lines joined with `\n`, without a trailing newline. Every cell is escaped;
 * `align` gives each column's alignment (left when missing).
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Alignment[] = [],
): string {
  const headerCells = header.map(tableCell);
  return [
    row(headerCells),
    row(headerCells.map((cell, index) => rule(cell, align[index] ?? "left"))),
    ...rows.map((cells) => row(cells.map(tableCell))),
  ].join("\n");
}
