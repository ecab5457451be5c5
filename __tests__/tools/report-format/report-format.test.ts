/** The helpers every report shares: the Markdown table, the XML escape, the duration formatters. */
import {
  escapeXml,
  formatMs,
  formatMsAsMinutes,
  formatMsAsSeconds,
  formatSeconds,
  markdownTable,
} from "../../../tools/report-format";

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
