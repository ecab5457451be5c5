/** Text or an attribute value inside XML (the SVG charts) or HTML (`<summary>`): markup characters escaped. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
