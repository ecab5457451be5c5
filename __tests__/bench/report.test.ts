/**
 * The report writer, on made-up results: every section and the machine header appear, figures
 * come from the results, skipped sections say so, charts are drawn where promised. The real
 * bench never runs inside jest.
 */
import { renderReport, replaceLambdasSection, SECTION_TITLES, CHART_DIR } from "../../tools/bench/report";
import { fakeResults, processSpread } from "./fake-results";
import { expectWellFormedXml } from "./xml";

describe("renderReport", () => {
  test("has the machine header: cores, CPU, Node, Terraform, load at start and end", () => {
    const { markdown } = renderReport(fakeResults());

    expect(markdown).toMatch(/^# Benchmarks\n/);
    expect(markdown).toContain("| cores | 8 |");
    expect(markdown).toContain("| CPU | Fake CPU 9000 |");
    expect(markdown).toContain("| Node.js | v20.20.2 |");
    expect(markdown).toContain("| Terraform | Terraform v1.11.4 |");
    expect(markdown).toContain("| load average at start (1/5/15 min) | 0.42 / 0.30 / 0.20 (idle) |");
    expect(markdown).toContain("| load average at end | 1.50 / 0.90 / 0.40 |");
  });

  test("writes every section, in order, from full results", () => {
    const { markdown } = renderReport(fakeResults());

    const positions = SECTION_TITLES.map((title) => markdown.indexOf(`\n## ${title}\n`));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(markdown).not.toContain("Not measured in this run");
  });

  test("flags a busy machine at the top, and an idle one not", () => {
    const busy = fakeResults();
    const { markdown } = renderReport({ ...busy, machine: { ...busy.machine, cores: 2, loadAtStart: [9.43, 4.8, 1.91] } });

    expect(markdown).toContain("> **Measured on an overloaded machine**: load average 9.43 / 4.80 / 1.91");
    expect(renderReport(fakeResults()).markdown).not.toContain("Measured on");
  });

  test("a busy machine is called busy", () => {
    const results = fakeResults();
    const { markdown } = renderReport({ ...results, machine: { ...results.machine, cores: 2, loadAtStart: [1.2, 1, 1] } });
    expect(markdown).toContain("> **Measured on a busy machine**: load average 1.20 / 1.00 / 1.00");
  });

  test("headline: the ratio, the goal, the cost of a region, the Lambdas, the failover", () => {
    const { markdown } = renderReport(fakeResults());
    expect(markdown).toContain(
      "**0.61 s**, against 18.3 s for the cdktf template's set-up synthesizing only the global table: **30x faster**",
    );
    expect(markdown).toContain("- Each added region (2 → 3): +5 resources, +50 ms synth wall time, +40 ms synth CPU.");
    expect(markdown).toContain(
      "- Lambda zips at most 122.1 KB (budget 200 KB); our share of a cold start at most 51 ms (budget 100 ms), the whole `node` process up to 91 ms.",
    );
    expect(markdown).toContain(
      "- Clients on the standby within 80.0 s of a failure with the defaults, 180 s with the production settings (computed).",
    );
  });

  test("synth: the three commands, the ratio to the baseline, and the goal verdict", () => {
    const { markdown } = renderReport(fakeResults());

    expect(markdown).toContain("| `npm run synth` (whole system) | 5 | 0.61 s | 0.55 s – 0.73 s | 0.55 s | 120 MB |");
    expect(markdown).toContain("| `npm run synth`, first run without caches | 1 | 1.90 s | – | 2.10 s | 150 MB |");
    expect(markdown).toContain("| baseline: `npx ts-node main.ts` (bench/baseline) | 5 | 18.3 s |");
    expect(markdown).toContain("the baseline takes 30x as long as the whole system (CPU: 43.9x)");
    expect(markdown).toContain("**Goal**: at most 0.8 s: met.");
    expect(markdown).not.toContain("What the goal would take");
    expect(markdown).toContain("- Goal (at most 0.8 s and at least 20x): **met** in this run.");
  });

  test("synth: a missed goal says by how much, and the profile is summarized", () => {
    const results = fakeResults();
    const { markdown } = renderReport({
      ...results,
      synth: {
        ...results.synth,
        npmSynth: processSpread(1.25),
        profile: {
          totalMs: 1000,
          rows: [
            { module: "cdktf", selfMs: 400, share: 0.4 },
            { module: "zod (bundled)", selfMs: 100, share: 0.1 },
          ],
        },
      },
    });

    expect(markdown).toContain("**Goal**: at most 0.8 s: missed by 0.45 s.");
    expect(markdown).toContain("**missed** in this run");
    // npm's start-up (1.25 s - 0.43 s) alone is over the goal here.
    expect(markdown).toContain(
      "**What the goal would take**: the whole system in 0.80 s through npm, which npm's own start-up alone exceeds, so only the app without npm could; the app takes 0.43 s.",
    );
    expect(markdown).toContain("### Where a synth's time goes");
    expect(markdown).toContain("| cdktf | 400 ms | 40.0% |");
    expect(markdown).toContain("| zod (bundled) | 100 ms | 10.0% |");
  });

  test("scaling: a row per size, per-region growth, what grows, and the chart", () => {
    const { markdown, charts } = renderReport(fakeResults());

    expect(markdown).toContain("| 8 | 9 | 41 | 312.5 KB |");
    expect(markdown).toContain("| 2 → 3 | +5 | +39.1 KB | +50 ms | +40 ms | +4.0 MB |");
    expect(markdown).toContain(
      "every added region adds the same 5 resources (linear): 3 `aws_lambda_function`, 1 `aws_api_gateway_rest_api`, 1 `aws_route53_health_check`",
    );
    expect(markdown).toContain("| synth CPU median | 0.42 s | 40 ms | 1.000 |");
    expect(markdown).toContain("| cdk.tf.json | 0.0 KB | 39.1 KB | 1.000 |");
    expect(markdown).toContain(`![Cost against regions](${CHART_DIR}/scaling.svg)`);
    const chart = charts[`${CHART_DIR}/scaling.svg`]!;
    expect(chart).toContain("<title>Cost against regions</title>");
    expect(chart.match(/<polyline /g)).toHaveLength(5); // wall, resources, JSON, RSS, plan
    expectWellFormedXml(chart);
  });

  test("terraform: each stack's steps as median (min–max)", () => {
    const { markdown } = renderReport(fakeResults());
    expect(markdown).toContain(
      "| `tickets` | 73 | 0.50 s (0.50 s–0.50 s) | 3.20 s (3.20 s–3.20 s) | 5.80 s (5.80 s–5.80 s) | 3.60 s (3.60 s–3.60 s) |",
    );
  });

  test("lambdas: zip and cold start per handler (whole, bare, ours), the local API at every concurrency", () => {
    const { markdown } = renderReport(fakeResults());
    expect(markdown).toContain("| handler | zip | index.mjs | whole | bare | ours |");
    expect(markdown).toContain(
      "| `tickets-post` | 122.1 KB | 400.4 KB | 91 ms (85 ms–111 ms) | 40 ms (38 ms–45 ms) | 51 ms (47 ms–66 ms) |",
    );
    expect(markdown).toContain("**ours** = whole − bare, the median of the rounds' differences");
    expect(markdown).toContain("100 ms judged on ours (aim 50 ms)");
    expect(markdown).toContain("| POST /ticket | 100 | 500 | 1000 | 1.1 ms | 4.2 ms | 0 |");
    expect(markdown).toContain("| GET /ticket?limit=100 | 1 | 500 | 401 | 2.5 ms | 9.8 ms | 0 |");
    expect(markdown).not.toContain("Load budget missed");
    expect(markdown).toContain("**Load budget met** on our share (above the 50 ms aim: `tickets-post`).");
  });

  test("lambdas: the budget is judged on our share, not on the whole process", () => {
    const results = fakeResults();
    if (!("bundles" in results.lambdas)) throw new Error("the fake results measure the Lambdas");
    // Whole processes of 150 ms, our share 60 ms: within the budget, above the aim.
    const bundles = results.lambdas.bundles.map((bundle) => ({ ...bundle, wholeMs: { ...bundle.wholeMs, median: 150 } }));
    const { markdown } = renderReport({ ...results, lambdas: { ...results.lambdas, bundles } });
    expect(markdown).toContain("**Load budget met**");
    expect(markdown).not.toContain("Load budget missed");
  });

  test("lambdas: a share over the budget says by how much and the code size that would meet it", () => {
    const results = fakeResults();
    if (!("bundles" in results.lambdas)) throw new Error("the fake results measure the Lambdas");
    const [first, ...others] = results.lambdas.bundles;
    const slow = { ...first!, codeBytes: 1000 * 1024, oursMs: { ...first!.oursMs, median: 120 } };
    const { markdown } = renderReport({ ...results, lambdas: { ...results.lambdas, bundles: [slow, ...others] } });
    expect(markdown).toContain("**Load budget missed** on our share by up to 20 ms (`tickets-get`).");
    // (120 + 51 + 46) ms over (1000 + 400.4 + 385.7) KB of code: about 12 ms per 100 KB, so 100 ms at about 823 KB.
    expect(markdown).toContain("(about 12 ms per 100 KB of `index.mjs`), so 100 ms would take an `index.mjs` of about 823.1 KB");
  });

  test("lambdas: the recorded bundle changes, one row per handler measured, before → after in bytes", () => {
    const { markdown } = renderReport(fakeResults());
    expect(markdown).toContain("recorded in `bench/bundle-changes.json`, not rebuilt by this run");
    expect(markdown).toContain("| change | commit | before | handler | zip | index.mjs |");
    expect(markdown).toContain(
      "| Emulator settings out | 148858a | f93099e | `tickets-get` | 119,695 → 119,424 (-271) | 370,216 → 369,785 (-431) |",
    );
    expect(markdown).toContain("| Emulator settings out | 148858a | f93099e | `health` | 119,002 → 118,768 (-234) | – |");
    expect(markdown).not.toContain("| Emulator settings out | 148858a | f93099e | `tickets-post` |");
  });

  test("lambdas: no recorded changes, no table", () => {
    const results = fakeResults();
    if (!("bundles" in results.lambdas)) throw new Error("the fake results measure the Lambdas");
    const { markdown } = renderReport({ ...results, lambdas: { ...results.lambdas, changes: [] } });
    expect(markdown).not.toContain("Bundle size changes");
  });

  test("--only lambdas: section 4 and the headline's Lambda line replaced, the rest of the file kept", () => {
    const results = fakeResults();
    if (!("bundles" in results.lambdas)) throw new Error("the fake results measure the Lambdas");
    const before = renderReport(results).markdown;
    const bundles = results.lambdas.bundles.map((bundle) => ({ ...bundle, oursMs: { ...bundle.oursMs, median: 30 } }));
    const lambdas = { ...results.lambdas, bundles };
    const machine = { ...results.machine, startedAt: "2026-12-24T10:00:00.000Z", loadAtEnd: [0.5, 0.4, 0.3] as const };
    const after = replaceLambdasSection(before, lambdas, machine);

    const section = (markdown: string, title: string) =>
      markdown.slice(markdown.indexOf(`## ${title}`), markdown.indexOf("\n## ", markdown.indexOf(`## ${title}`)));
    expect(section(after, SECTION_TITLES[3])).toContain(
      "Measured apart from the rest of this file, by `npm run bench -- --only lambdas` on 2026-12-24: " +
        "load average 0.42 / 0.30 / 0.20 (1/5/15 min) at the start (idle), 0.50 / 0.40 / 0.30 at the end, 8 cores, Node v20.20.2.",
    );
    expect(section(after, SECTION_TITLES[3])).toContain("| 30 ms (47 ms–66 ms) |");
    expect(after).toContain("our share of a cold start at most 30 ms (budget 100 ms)");
    expect(after).not.toContain("our share of a cold start at most 51 ms");
    // Everything else as it was, and replacing again gives the same file.
    const without = (markdown: string) =>
      markdown.replace(section(markdown, SECTION_TITLES[3]), "").replace(/^- Lambda zips at most .*$/m, "");
    expect(without(after)).toBe(without(before));
    expect(replaceLambdasSection(after, lambdas, machine)).toBe(after);
    expect(after).toContain("|\n\n## 5. Tests");
  });

  test("--only lambdas refuses a file without section 4", () => {
    const results = fakeResults();
    if (!("bundles" in results.lambdas)) throw new Error("the fake results measure the Lambdas");
    expect(() => replaceLambdasSection("# Benchmarks\n", results.lambdas as never, results.machine)).toThrow(
      'no "## 4. Lambdas" section followed by another one to replace',
    );
  });

  test("tests and failover", () => {
    const { markdown } = renderReport(fakeResults());
    expect(markdown).toContain(
      "| `npm test` (type check, lint, every test, offline terraform plans; the first of 3 runs with `.cache/tsc` and `.cache/lint` emptied) | 5 | 95.0 s |",
    );
    // The phases alone, a failing one marked, and the floor their CPU sets on the machine's cores (8).
    expect(markdown).toContain("| `tsc --noEmit` (incremental) | 5 | 5.00 s | 4.50 s – 6.00 s | 8.00 s |");
    expect(markdown).toContain("| unit group (`npm run test:unit`) | 5 | 40.0 s | 36.0 s – 48.0 s | 70.0 s |");
    expect(markdown).toContain("| terraform group (`jest --selectProjects terraform`) **failed in 1 of 5 runs** | 5 | 60.0 s |");
    expect(markdown).toContain("Together 195 s of CPU: on 8 cores no schedule runs them in less than 24.4 s of wall time.");
    expect(markdown).toContain("| `npx jest __tests__/config/config.test.ts` (one unit test file) | 5 | 3.50 s |");
    expect(markdown).toContain(
      "| default config (workshop) | 10 s x 1 | 8.20 s | 10.0 s | 10.0 s | 20.0 s | 60 s | **80.0 s** |",
    );
    expect(markdown).toContain("| README's production advice | 30 s x 3 | 84.6 s | 90.0 s | 30.0 s | 120 s | 60 s | **180 s** |");
    expect(markdown).toContain("**workshop, by hand in the console**: about 260 s");
    expect(markdown).toContain("**this project, `npm run drill`**: about 85.0 s");
    expect(markdown).toMatch(/\| Deploy API to stage prod \| 60 \| estimate \|/);
  });

  test("skipped sections say why; charts that have no data are not drawn", () => {
    const results = fakeResults();
    const { synth } = results;
    const { markdown, charts } = renderReport({
      ...results,
      mode: "quick",
      synth: { npmSynth: synth.npmSynth, app: synth.app },
      scaling: { skipped: "failed: boom" },
      terraform: { skipped: "--quick leaves terraform out" },
      lambdas: { skipped: "failed: no port" },
      tests: { unitFile: { spread: processSpread(3.5), failedRuns: 2 } },
    });

    expect(markdown).toContain("`npm run bench -- --quick`");
    expect(markdown).toContain("## 2. Scaling with regions\n\nNot measured in this run: failed: boom.");
    expect(markdown).toContain("## 3. Terraform\n\nNot measured in this run: --quick leaves terraform out.");
    expect(markdown).toContain("## 4. Lambdas\n\nNot measured in this run: failed: no port.");
    expect(markdown).not.toContain("`npm test` (type check");
    expect(markdown).not.toContain("| unit group");
    expect(markdown).not.toContain("Together");
    expect(markdown).toContain(
      "| `npx jest __tests__/config/config.test.ts` (one unit test file) **failed in 2 of 5 runs** | 5 | 3.50 s |",
    );
    expect(markdown).toContain("(baseline not run with --quick)");
    expect(Object.keys(charts)).toEqual([]);
  });

  test("the synth chart compares the whole system with the baseline", () => {
    const chart = renderReport(fakeResults()).charts[`${CHART_DIR}/synth.svg`]!;
    expect(chart).toContain(">0.61 s</text>");
    expect(chart).toContain(">18.3 s</text>");
    expectWellFormedXml(chart);
  });
});
