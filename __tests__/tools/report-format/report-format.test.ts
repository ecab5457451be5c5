/** The helpers every report shares: the Markdown table, the XML escape, the duration formatters, the SVG scaffolding. */
import {
  byCodeUnits,
  escapeXml,
  formatMs,
  formatMsAsMinutes,
  formatMsAsSeconds,
  formatSeconds,
  markdownTable,
  svgDocumentStart,
  svgElement,
} from "../../../tools/report-format";
import { expectWellFormedXml } from "../../bench/xml";

describe("markdownTable", () => {
  test("GIVEN headers and alignments WHEN rendered THEN each rule is as wide as its header, with the alignment's colons", () => {
    expect(markdownTable(["Name", "#", "Required"], [["a", "1", "yes"]], ["left", "right", "center"])).toBe(
      ["| Name | # | Required |", "| ---- | --: | :------: |", "| a | 1 | yes |"].join("\n"),
    );
  });

  test("GIVEN a cell with a pipe and a line break WHEN rendered THEN the pipe is escaped and the break folded", () => {
    expect(markdownTable(["a|b"], [['`x["y|z"]`\r\nnext']])).toBe('| a\\|b |\n| ---- |\n| `x["y\\|z"]` next |');
  });
});

test("escapeXml escapes markup characters", () => {
  expect(escapeXml(`a<b & "c">`)).toBe("a&lt;b &amp; &quot;c&quot;&gt;");
});

test("each formatter takes the unit its name says", () => {
  expect([0.614, 21.34, 125.4].map(formatSeconds)).toEqual(["0.61 s", "21.3 s", "125 s"]);
  expect([3.46, -3.46, 120.4].map(formatMs)).toEqual(["3.5 ms", "-3.5 ms", "120 ms"]);
  expect(formatMsAsSeconds(12_345)).toBe("12.3 s");
  expect([42_400, 185_000].map(formatMsAsMinutes)).toEqual(["42 s", "3 min 5 s"]);
});

describe("SVG scaffolding", () => {
  test("GIVEN text and a tooltip WHEN an element is written THEN both are escaped, and an empty element closes itself", () => {
    expect(svgElement("text", { x: 1.5, fill: "#222" }, { text: "a < b & c" })).toBe(
      '<text x="1.5" fill="#222">a &lt; b &amp; c</text>',
    );
    expect(svgElement("circle", { r: 3 }, { tooltip: 'probe "1"' })).toBe(
      '<circle r="3"><title>probe &quot;1&quot;</title></circle>',
    );
    expect(svgElement("rect", { width: 2 })).toBe('<rect width="2"/>');
  });

  test("GIVEN a title WHEN a picture is opened THEN the root, its accessible name and the background come first", () => {
    const start = svgDocumentStart(100, 50, "Cost <regions>", { "font-size": 12 });
    expect(start).toEqual([
      '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50" role="img" aria-label="Cost &lt;regions&gt;" font-size="12">',
      "<title>Cost &lt;regions&gt;</title>",
      '<rect width="100" height="50" fill="#ffffff"/>',
    ]);
    expectWellFormedXml(`${start.join("\n")}</svg>`);
  });
});

describe("byCodeUnits", () => {
  test("orders by UTF-16 code units, whatever the locale: capitals before small letters, ä after z", () => {
    expect(["b", "ä", "a", "B", "a-b", "a_b"].sort(byCodeUnits)).toEqual(["B", "a", "a-b", "a_b", "b", "ä"]);
    expect(byCodeUnits("x", "x")).toBe(0);
  });
});
