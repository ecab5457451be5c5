/**
 * The order of every sorted list in the tools' output (report rows, module files, archive
 * entries): by UTF-16 code units, the same on every machine and locale (`localeCompare`
 * isn't), so the same input gives the same bytes.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
