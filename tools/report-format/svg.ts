/**
 * The scaffolding both hand-written SVG pictures share (the bench charts, the drill timeline):
 * the document's opening, and elements with their attributes and text escaped. Plain SVG 1.1,
 * no scripts; numbers are formatted by the caller, so the same input gives the same bytes.
 */
import { escapeXml } from "./xml";

export type SvgAttributes = Readonly<Record<string, string | number>>;

const attributeText = (attributes: SvgAttributes) =>
  Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join("");

/**
 * One element. `text` is escaped; `tooltip` becomes a `<title>` child (what a browser shows on
 * hover). Without either, the element closes itself.
 */
export function svgElement(name: string, attributes: SvgAttributes, content: { text?: string; tooltip?: string } = {}): string {
  const inner = `${content.text === undefined ? "" : escapeXml(content.text)}${content.tooltip === undefined ? "" : `<title>${escapeXml(content.tooltip)}</title>`}`;
  return inner === "" && content.text === undefined
    ? `<${name}${attributeText(attributes)}/>`
    : `<${name}${attributeText(attributes)}>${inner}</${name}>`;
}

/**
 * The opening lines of a picture: the `<svg>` root, named for screen readers by `title`, with
 * `rootAttributes` after the standard ones, the `<title>` and a white background. The caller
 * ends the picture with `</svg>`.
 */
export function svgDocumentStart(width: number, height: number, title: string, rootAttributes: SvgAttributes = {}): string[] {
  const root = {
    xmlns: "http://www.w3.org/2000/svg",
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": title,
  };
  return [
    `<svg${attributeText({ ...root, ...rootAttributes })}>`,
    svgElement("title", {}, { text: title }),
    svgElement("rect", { width, height, fill: "#ffffff" }),
  ];
}
