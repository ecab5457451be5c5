/** The hand-written SVG charts: axis maths, number labels, escaped text. */
import { barChart, formatNumber, niceAxis, panelChart } from "../../tools/bench/svg";
import { expectWellFormedXml } from "./xml";

describe("niceAxis", () => {
  test.each([
    [0.73, 1, 0.2],
    [1.7, 2, 0.5],
    [41, 50, 10],
    [312.5, 500, 100],
    [100, 100, 25],
  ])("%d -> max %d, step %d", (value, max, step) => {
    expect(niceAxis(value)).toEqual({ max, step });
  });

  test("zero or nonsense still gives a usable axis", () => {
    expect(niceAxis(0)).toEqual({ max: 1, step: 0.5 });
    expect(niceAxis(Number.NaN)).toEqual({ max: 1, step: 0.5 });
  });
});

test("formatNumber keeps three significant digits", () => {
  expect([0, 0.614, 18.34, 312.5, 4000, 0.05].map(formatNumber)).toEqual(["0", "0.614", "18.3", "313", "4000", "0.05"]);
});

test("the well-formedness check catches a repeated attribute", () => {
  expect(() => expectWellFormedXml('<svg><text fill="a" fill="b">x</text></svg>')).toThrow();
  expect(() => expectWellFormedXml("<svg><g></svg>")).toThrow();
});

describe("charts", () => {
  test("a bar per value, labelled, escaped", () => {
    const svg = barChart({
      title: "Synth <wall>",
      unit: "s",
      bars: [
        { label: "ours & fast", value: 0.6 },
        { label: "baseline", value: 18 },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain("<title>Synth &lt;wall&gt;</title>");
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg).toContain(">ours &amp; fast</text>");
    expect(svg).toContain(">18 s</text>");
    expectWellFormedXml(svg);
  });

  test("a panel per measure, a point per x value", () => {
    const svg = panelChart({
      title: "Cost",
      xLabel: "regions",
      panels: [
        {
          title: "resources",
          unit: "count",
          points: [
            { x: 2, y: 11 },
            { x: 3, y: 16 },
            { x: 5, y: 26 },
          ],
        },
        {
          title: "plan",
          unit: "s",
          points: [
            { x: 2, y: 6 },
            { x: 3, y: 7 },
          ],
        },
      ],
    });
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(5);
    expect(svg).toContain("<title>5: 26 count</title>");
    expect(svg).toContain(">resources (count)</text>");
    expectWellFormedXml(svg);
  });
});
