/** The bench's arithmetic: statistics, GNU time parsing, scaling configs and growth, the failover budget. */
import { parseConfig } from "../../config/load";
import { rtoBudget } from "../../tools/drill/budget";
import { failoverBudget, drillSeconds, failoverDrills, PRODUCTION_HEALTH_CHECK } from "../../tools/bench/failover";
import { loadVerdict } from "../../tools/bench/machine";
import { median, parseGnuTime, percentile, processSpreadOf, spreadOf } from "../../tools/bench/measure";
import { parseArgs } from "../../tools/bench/main";
import {
  countResources,
  growthOf,
  linearFit,
  resourcesPerRegion,
  scalingConfig,
  SCALING_REGIONS,
} from "../../tools/bench/scaling";
import { fakeResults } from "./fake-results";

describe("statistics", () => {
  test("median of odd and even counts", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test("nearest-rank percentiles", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  test("no values is an error, not NaN", () => {
    expect(() => median([])).toThrow("median of no values");
    expect(() => percentile([], 50)).toThrow("percentile of no values");
  });

  test("spread and process spread; CPU and memory only when every run has them", () => {
    expect(spreadOf([2, 1, 3])).toEqual({ runs: 3, median: 2, min: 1, max: 3 });
    expect(
      processSpreadOf([
        { wallSeconds: 1, exitCode: 0, cpuSeconds: 0.5, maxRssMb: 100 },
        { wallSeconds: 3, exitCode: 0, cpuSeconds: 1.5, maxRssMb: 120 },
      ]),
    ).toEqual({
      wallSeconds: { runs: 2, median: 2, min: 1, max: 3 },
      cpuSeconds: { runs: 2, median: 1, min: 0.5, max: 1.5 },
      maxRssMb: { runs: 2, median: 110, min: 100, max: 120 },
    });
    expect(
      processSpreadOf([
        { wallSeconds: 1, exitCode: 0 },
        { wallSeconds: 2, exitCode: 0, cpuSeconds: 1 },
      ]),
    ).toEqual({
      wallSeconds: { runs: 2, median: 1.5, min: 1, max: 2 },
    });
  });
});

describe("parseGnuTime", () => {
  test("user + system CPU and peak RSS in MB", () => {
    expect(parseGnuTime("0.91 0.33 131072\n")).toEqual({ cpuSeconds: 0.91 + 0.33, maxRssMb: 128 });
  });

  test("anything else is an error naming the line", () => {
    expect(() => parseGnuTime("Command exited with non-zero status 1")).toThrow(
      'unexpected GNU time output: "Command exited with non-zero status 1"',
    );
    expect(() => parseGnuTime("1 2")).toThrow("unexpected GNU time output");
  });
});

describe("loadVerdict", () => {
  test.each([
    [0.9, 2, "idle"],
    [1.0, 2, "busy"],
    [2.9, 2, "busy"],
    [3.0, 2, "overloaded"],
  ] as const)("load %d on %d cores is %s", (load, cores, verdict) => {
    expect(loadVerdict(load, cores)).toBe(verdict);
  });
});

describe("scaling configs", () => {
  test.each([2, 3, 5, 8])("%d regions: valid settings with that many distinct regions and labels", (regions) => {
    const config = parseConfig(scalingConfig(regions), "bench");
    expect(config.regions).toHaveLength(regions);
    expect(new Set(config.regions.map((region) => region.name)).size).toBe(regions);
    expect(new Set(config.regions.map((region) => region.label)).size).toBe(regions);
    expect(config.regions[0]).toEqual({ name: "eu-west-1", label: "ireland" });
  });

  test("sizes outside 2..8 are refused", () => {
    expect(() => scalingConfig(1)).toThrow(`scaling: regions must be 2..${SCALING_REGIONS.length}, got 1`);
    expect(() => scalingConfig(SCALING_REGIONS.length + 1)).toThrow("got 9");
  });

  test("countResources counts resources per type and provider blocks", () => {
    const counts = countResources({
      resource: { aws_lambda_function: { a: {}, b: {} }, aws_sns_topic: { t: {} } },
      provider: { aws: [{}, {}, {}] },
    });
    expect(counts).toEqual({ resources: 3, resourcesByType: { aws_lambda_function: 2, aws_sns_topic: 1 }, providers: 3 });
    expect(countResources({})).toEqual({ resources: 0, resourcesByType: {}, providers: 0 });
  });

  test("growth is per added region between consecutive sizes, whatever the input order", () => {
    const points = fakeResults().scaling as Exclude<ReturnType<typeof fakeResults>["scaling"], { skipped: string }>;
    const growth = growthOf([...points].reverse());

    expect(growth.map((step) => [step.from, step.to])).toEqual([
      [2, 3],
      [3, 5],
      [5, 8],
    ]);
    expect(growth[1]!.perRegion.resources).toBe(5);
    expect(growth[1]!.perRegion.synthSeconds).toBeCloseTo(0.05);
    expect(growth[2]!.perRegion.jsonKb).toBeCloseTo(40_000 / 1024);
    expect(growth[0]!.perRegion.maxRssMb).toBeCloseTo(4);
  });

  test("resourcesPerRegion lists the types that grow, largest first; fixed ones are left out", () => {
    const points = fakeResults().scaling as Exclude<ReturnType<typeof fakeResults>["scaling"], { skipped: string }>;
    expect(resourcesPerRegion(points)).toEqual({
      aws_lambda_function: 3,
      aws_api_gateway_rest_api: 1,
      aws_route53_health_check: 1,
    });
    expect(resourcesPerRegion(points.slice(0, 1))).toEqual({});
  });
});

describe("linearFit", () => {
  test("points on a line: its intercept and slope, R² 1", () => {
    const fit = linearFit([2, 3, 5, 8].map((x) => ({ x, y: 0.5 + 0.04 * x })));
    expect(fit.intercept).toBeCloseTo(0.5);
    expect(fit.slope).toBeCloseTo(0.04);
    expect(fit.r2).toBeCloseTo(1);
  });

  test("growth faster than linear lowers R²", () => {
    expect(linearFit([2, 3, 5, 8].map((x) => ({ x, y: x ** 3 }))).r2).toBeLessThan(0.95);
  });

  test("a flat line has R² 1; too few or identical x values are refused", () => {
    expect(
      linearFit([
        { x: 2, y: 1 },
        { x: 3, y: 1 },
      ]),
    ).toEqual({ intercept: 1, slope: 0, r2: 1 });
    expect(() => linearFit([{ x: 2, y: 1 }])).toThrow("linearFit needs at least two points");
    expect(() =>
      linearFit([
        { x: 2, y: 1 },
        { x: 2, y: 3 },
      ]),
    ).toThrow("at least two different x values");
  });
});

describe("failover budget", () => {
  test("defaults, 10 s x 1: detection 10 s, + one interval, + 60 s TTL = 80 s; 82% of checkers by 8.2 s", () => {
    const budget = failoverBudget("defaults", { requestInterval: 10, failureThreshold: 1 });
    expect(budget.quorumSeconds).toBeCloseTo(8.2);
    expect(budget.detectionSeconds).toBe(10);
    expect(budget.checkerSpreadSeconds).toBe(10);
    expect(budget.failoverSeconds).toBe(20);
    expect(budget.clientFailoverSeconds).toBe(80);
  });

  test("the README's production advice, 30 s x 3: 90 s + 30 s + 60 s = 180 s; 82% of checkers by 84.6 s", () => {
    const budget = failoverBudget("production", PRODUCTION_HEALTH_CHECK);
    expect(budget.quorumSeconds).toBeCloseTo(84.6);
    expect(budget.failoverSeconds).toBe(120);
    expect(budget.clientFailoverSeconds).toBe(180);
  });

  test("the same budget as the failover drill's report", () => {
    const settings = { requestInterval: 30, failureThreshold: 2 };
    expect(failoverBudget("any", settings)).toMatchObject(rtoBudget(settings));
  });

  test("the drills share the computed routing steps; only the manual ones are estimates", () => {
    const budget = failoverBudget("defaults", { requestInterval: 10, failureThreshold: 1 });
    const [workshop, project] = failoverDrills(budget);
    for (const drill of [workshop!, project!]) {
      expect(drill.steps.filter((step) => step.basis === "computed").map((step) => step.seconds)).toEqual([10, 10, 60]);
    }
    expect(drillSeconds(workshop!)).toBe(120 + 60 + 10 + 10 + 60);
    expect(drillSeconds(project!)).toBe(5 + 10 + 10 + 60);
  });
});

describe("npm run bench arguments", () => {
  test("--quick or nothing", () => {
    expect(parseArgs([])).toEqual({ mode: "full" });
    expect(parseArgs(["--quick"])).toEqual({ mode: "quick" });
  });

  test("--only lambdas, with or without --quick, in any order", () => {
    expect(parseArgs(["--only", "lambdas"])).toEqual({ mode: "full", only: "lambdas" });
    expect(parseArgs(["--only", "lambdas", "--quick"])).toEqual({ mode: "quick", only: "lambdas" });
    expect(parseArgs(["--quick", "--only", "lambdas"])).toEqual({ mode: "quick", only: "lambdas" });
  });

  test("--only with another section or none is refused", () => {
    expect(() => parseArgs(["--only", "synth"])).toThrow("npm run bench: --only takes one of lambdas, not synth");
    expect(() => parseArgs(["--only"])).toThrow("npm run bench: --only takes one of lambdas, not nothing");
  });

  test("anything else is refused, naming it", () => {
    expect(() => parseArgs(["--fast"])).toThrow(
      "npm run bench: unknown argument --fast; the options are --quick and --only lambdas",
    );
  });
});
