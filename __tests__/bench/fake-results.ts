/** Made-up benchmark results for the report writer's tests: every section present. */
import type { BenchResults } from "../../tools/bench/report";
import type { ProcessSpread, Spread } from "../../tools/bench/measure";
import { benchFailover } from "../../tools/bench/failover";

export const spread = (median: number, min = median, max = median, runs = 5): Spread => ({ runs, median, min, max });
export const processSpread = (wall: number, cpu = wall * 0.9, rss = 120): ProcessSpread => ({
  wallSeconds: spread(wall, wall * 0.9, wall * 1.2),
  cpuSeconds: spread(cpu),
  maxRssMb: spread(rss),
});

/** A cold start whose share (ours) is `median (min–max)` over 7 rounds, on a bare start of 40 ms. */
export const coldStart = (median: number, min: number, max: number) => ({
  wholeMs: spread(median + 40, min + 38, max + 45, 7),
  bareMs: spread(40, 38, 45, 7),
  oursMs: spread(median, min, max, 7),
});

const byType = (regions: number) => ({
  aws_lambda_function: 3 * regions,
  aws_api_gateway_rest_api: regions,
  aws_route53_health_check: regions,
  aws_sns_topic: 1,
});

export function fakeResults(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    mode: "full",
    machine: {
      cores: 8,
      cpuModel: "Fake CPU 9000",
      memoryGb: 16,
      os: "Linux 6.1",
      node: "v20.20.2",
      terraform: "Terraform v1.11.4",
      loadAtStart: [0.42, 0.3, 0.2],
      loadAtEnd: [1.5, 0.9, 0.4],
      startedAt: "2026-11-27T12:00:00.000Z",
    },
    durationSeconds: 321,
    synth: {
      npmSynth: processSpread(0.61),
      app: processSpread(0.43),
      cold: { wallSeconds: 1.9, exitCode: 0, cpuSeconds: 2.1, maxRssMb: 150 },
      baseline: processSpread(18.3, 24.1, 900),
    },
    scaling: [2, 3, 5, 8].map((regions) => ({
      regions,
      synth: processSpread(0.6 + 0.05 * (regions - 2), 0.5 + 0.04 * (regions - 2), 120 + 4 * (regions - 2)),
      resources: 5 * regions + 1,
      resourcesByType: byType(regions),
      providers: regions + 1,
      jsonBytes: 40_000 * regions,
      ...(regions <= 3 ? { planSeconds: 4 + regions } : {}),
    })),
    terraform: [
      {
        stack: "tickets-state",
        plannedChanges: 7,
        steps: { init: spread(0.4), validate: spread(2.9), plan: spread(3.3), show: spread(3.1) },
      },
      {
        stack: "tickets",
        plannedChanges: 73,
        steps: { init: spread(0.5), validate: spread(3.2), plan: spread(5.8), show: spread(3.6) },
      },
    ],
    lambdas: {
      bundles: [
        { handler: "tickets-get", zipBytes: 120_000, codeBytes: 400_000, ...coldStart(48, 45, 60) },
        { handler: "tickets-post", zipBytes: 125_000, codeBytes: 410_000, ...coldStart(51, 47, 66) },
        { handler: "health", zipBytes: 118_000, codeBytes: 395_000, ...coldStart(46, 44, 58) },
      ],
      changes: [
        {
          change: "Emulator settings out",
          commit: "148858a",
          before: "f93099e",
          zipBytes: { "tickets-get": { before: 119_695, after: 119_424 }, health: { before: 119_002, after: 118_768 } },
          codeBytes: { "tickets-get": { before: 370_216, after: 369_785 } },
        },
      ],
      load: [1, 20, 100].flatMap((concurrency) => [
        {
          request: "POST /ticket" as const,
          concurrency,
          requests: 500,
          requestsPerSecond: 900 + concurrency,
          p50Ms: 1.1,
          p99Ms: 4.2,
          unexpected: 0,
        },
        {
          request: "GET /ticket?limit=100" as const,
          concurrency,
          requests: 500,
          requestsPerSecond: 400 + concurrency,
          p50Ms: 2.5,
          p99Ms: 9.8,
          unexpected: 0,
        },
      ]),
    },
    tests: {
      npmTest: { spread: processSpread(95), failedRuns: 0 },
      phases: [
        { label: "`tsc --noEmit` (incremental)", result: { spread: processSpread(5, 8), failedRuns: 0 } },
        {
          label: "`npm run lint` (prettier, eslint, dependency-cruiser)",
          result: { spread: processSpread(6, 7), failedRuns: 0 },
        },
        { label: "unit group (`npm run test:unit`)", result: { spread: processSpread(40, 70), failedRuns: 0 } },
        {
          label: "terraform group (`jest --selectProjects terraform`)",
          result: { spread: processSpread(60, 110), failedRuns: 1 },
        },
      ],
      unitFile: { spread: processSpread(3.5), failedRuns: 0 },
    },
    failover: benchFailover(),
    ...overrides,
  };
}
