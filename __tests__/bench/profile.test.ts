/** The CPU profile summary: self time by package or file, bundled code traced back to its source. */
import { bundleLayout, moduleOf, summarizeProfile, type CpuProfile } from "../../tools/bench/profile";

const ROOT = "/work/project";
const BUNDLE_URL = `file://${ROOT}/dist/app.cjs`;
const bundle = bundleLayout(
  BUNDLE_URL,
  [
    "var __commonJS = () => {};",
    "// node_modules/zod/v4/core/core.js",
    "zod code",
    "// constructs/global-table.ts",
    "class GlobalTable {}",
  ].join("\n"),
);

const frame = (url: string, lineNumber = 0, functionName = "f") => ({ functionName, url, lineNumber });

describe("moduleOf", () => {
  test.each([
    [frame(`file://${ROOT}/node_modules/cdktf/lib/app.js`), "cdktf"],
    [frame(`file://${ROOT}/node_modules/cdktf/node_modules/lodash/merge.js`), "cdktf › lodash"],
    [frame(`file://${ROOT}/node_modules/@cdktf/provider-aws/lib/x/index.js`), "@cdktf/provider-aws"],
    [frame(`file://${ROOT}/tools/run-app.mjs`), "tools/run-app.mjs"],
    [frame("node:internal/modules/cjs/loader"), "node: module loading"],
    [frame("node:internal/deps/cjs-module-lexer/lexer"), "node: module loading"],
    [frame("node:fs"), "node:fs"],
    [frame("node:internal/errors"), "node:internal/errors"],
    [frame("", 0, "(garbage collector)"), "V8: garbage collection"],
    [frame("", 0, "(idle)"), "idle (waiting for I/O or the CPU)"],
    [frame("", 0, "(program)"), "V8: compiling and running (unattributed)"],
    [frame("", 0, "readFileUtf8"), "node: native calls (fs, crypto)"],
  ])("%j -> %s", (callFrame, expected) => {
    expect(moduleOf(callFrame, ROOT, [bundle])).toBe(expected);
  });

  test("code in the bundle goes to the module it came from, by line", () => {
    expect(moduleOf(frame(BUNDLE_URL, 0), ROOT, [bundle])).toBe("(esbuild runtime helpers)");
    expect(moduleOf(frame(BUNDLE_URL, 2), ROOT, [bundle])).toBe("zod (bundled)");
    expect(moduleOf(frame(BUNDLE_URL, 4), ROOT, [bundle])).toBe("constructs/global-table.ts");
  });
});

describe("summarizeProfile", () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("", 0, "(root)") },
      { id: 2, callFrame: frame(`file://${ROOT}/node_modules/cdktf/lib/app.js`) },
      { id: 3, callFrame: frame(`file://${ROOT}/node_modules/cdktf/lib/tokens/resolve.js`) },
      { id: 4, callFrame: frame(BUNDLE_URL, 2) },
      { id: 5, callFrame: frame("", 0, "(garbage collector)") },
    ],
    samples: [2, 3, 3, 4, 5, 2],
    timeDeltas: [100_000, 50_000, 50_000, 100_000, 50_000, 150_000], // µs
    startTime: 0,
    endTime: 500_000,
  };

  test("sums self time per module, largest first, with shares", () => {
    const summary = summarizeProfile(profile, { root: ROOT, bundles: [bundle] });
    expect(summary.totalMs).toBe(500);
    expect(summary.rows).toEqual([
      { module: "cdktf", selfMs: 350, share: 0.7 },
      { module: "zod (bundled)", selfMs: 100, share: 0.2 },
      { module: "V8: garbage collection", selfMs: 50, share: 0.1 },
    ]);
  });

  test("past `top` rows, the rest is one 'other' row", () => {
    const summary = summarizeProfile(profile, { root: ROOT, bundles: [bundle], top: 1 });
    expect(summary.rows).toEqual([
      { module: "cdktf", selfMs: 350, share: 0.7 },
      { module: "other (2 more)", selfMs: 150, share: 0.3 },
    ]);
  });
});
