/**
 * The Lambda section's arithmetic and record: our share of a cold start is per round whole −
 * bare (which one starts first alternates), and the committed record of bundle changes is
 * well formed. No process is spawned: the rounds run against a fake `node`.
 */
import { HANDLER_NAMES } from "../../contract/handlers";
import { coldStartMs, readBundleChanges } from "../../tools/bench/lambdas";

describe("coldStartMs", () => {
  test("ours is the median of each round's whole − bare: a drift of the machine between rounds cancels out", () => {
    // A machine whose speed drifts between rounds: each pair shares the moment it ran in.
    const drift = [0, 30, 5, 60, 10];
    const scripts: string[] = [];
    let call = 0;
    const run = (script: string) => {
      scripts.push(script);
      const round = Math.floor(call++ / 2);
      return drift[round]! + (script.includes("import(") ? 100 : 40);
    };
    const times = coldStartMs(5, run);
    expect(times.oursMs).toEqual({ runs: 5, median: 60, min: 60, max: 60 });
    expect(times.bareMs).toEqual({ runs: 5, median: 50, min: 40, max: 100 });
    expect(times.wholeMs).toEqual({ runs: 5, median: 110, min: 100, max: 160 });
    // Bare first in even rounds, the import first in odd ones.
    expect(scripts.map((script) => (script.includes("import(") ? "whole" : "bare"))).toEqual([
      "bare",
      "whole",
      "whole",
      "bare",
      "bare",
      "whole",
      "whole",
      "bare",
      "bare",
      "whole",
    ]);
  });

  test("both processes run the same kind of script: an ES module with a top-level await", () => {
    const scripts: string[] = [];
    coldStartMs(1, (script) => (scripts.push(script), 1));
    expect(scripts).toEqual(["await 0;", 'await import("./index.mjs");']);
  });
});

describe("bench/bundle-changes.json", () => {
  test("every change names its commit and baseline, and gives before and after bytes of known handlers", () => {
    const changes = readBundleChanges();
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) {
      expect(change.change).toMatch(/\S/);
      expect(change.commit).toMatch(/^([0-9a-f]{7,40}|not kept)$/);
      expect(change.before).toMatch(/\S/);
      for (const sizes of [change.zipBytes, change.codeBytes]) {
        expect(Object.keys(sizes).length).toBeGreaterThan(0);
        for (const [handler, size] of Object.entries(sizes)) {
          expect(HANDLER_NAMES).toContain(handler);
          expect(Number.isInteger(size!.before) && size!.before > 0).toBe(true);
          expect(Number.isInteger(size!.after) && size!.after > 0).toBe(true);
        }
      }
    }
  });

  test("the emulator settings' move (issue 27) is recorded for every handler", () => {
    const move = readBundleChanges().find((change) => change.commit === "148858a");
    expect(move?.before).toBe("f93099e");
    expect(Object.keys(move!.zipBytes).sort()).toEqual([...HANDLER_NAMES].sort());
    expect(Object.keys(move!.codeBytes).sort()).toEqual([...HANDLER_NAMES].sort());
  });
});
