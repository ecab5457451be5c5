/**
 * Numbers, no assertions: bundle time, zip sizes (budget 200 KB), module load time of each
 * bundle in a fresh Node (budget 100 ms), and the local API's throughput and latency against
 * dynalite. Only 127.0.0.1, bounded request counts.
 *
 * Load time: each bundle is extracted alone into a temp dir (no node_modules anywhere up the
 * tree: the bundle carries the SDK) and imported by a fresh `node`, with the functions'
 * environment set, timing the dynamic import with performance.now().
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { unzipSync } from "fflate";
import { HANDLER_NAMES, type HandlerName } from "../../contract/handlers";
import { BUNDLE_ENTRY_FILE, bundleHandler, type HandlerBundle } from "../../build/lambda-bundle";

const PROJECT_ROOT = resolve(__dirname, "..", "..");
const LOAD_RUNS = 7;
const REQUESTS = 2_000;
const CONCURRENCY = 20;

const median = (values: number[]) => percentile(values, 50);
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function table(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  console.log(`\n${title}`);
  cells.forEach((row, r) => {
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
    if (r === 0) console.log(widths.map((width) => "-".repeat(width)).join("  "));
  });
}

function loadTimeMs(dir: string): number {
  const script = `const t = performance.now(); await import("./index.mjs"); console.log(performance.now() - t);`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      TABLE_NAME: "SXRTickets",
      CORS_ALLOW_ORIGIN: "*",
      AWS_REGION: "eu-west-1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    encoding: "utf8",
  });
  if (child.status !== 0) throw new Error(`loading ${dir}/index.mjs failed:\n${child.stderr}`);
  return Number(child.stdout.trim());
}

function benchBundles(workDir: string): void {
  const started = performance.now();
  const bundles = Object.fromEntries(HANDLER_NAMES.map((name) => [name, bundleHandler(name, join(workDir, "zips"))])) as Record<
    HandlerName,
    HandlerBundle
  >;
  const bundleMs = performance.now() - started;
  // Again, as every synth after the first does (zips already there, unchanged).
  const again = performance.now();
  HANDLER_NAMES.forEach((name) => bundleHandler(name, join(workDir, "zips")));
  const rebundleMs = performance.now() - again;

  const rows = HANDLER_NAMES.map((name) => {
    const dir = join(workDir, name);
    mkdirSync(dir);
    const files = unzipSync(readFileSync(bundles[name].zipPath));
    writeFileSync(join(dir, BUNDLE_ENTRY_FILE), files[BUNDLE_ENTRY_FILE]!);
    const loads = Array.from({ length: LOAD_RUNS }, () => loadTimeMs(dir));
    return [
      name,
      bundles[name].bytes,
      (bundles[name].bytes / 1024).toFixed(1),
      (files[BUNDLE_ENTRY_FILE]!.byteLength / 1024).toFixed(1),
      median(loads).toFixed(1),
      Math.min(...loads).toFixed(1),
      Math.max(...loads).toFixed(1),
    ];
  });
  table(
    `Bundles (budgets: zip <= 200 KB, load <= 100 ms; load = median of ${LOAD_RUNS} fresh node processes)`,
    ["handler", "zip bytes", "zip KB", "index.mjs KB", "load ms (median)", "min", "max"],
    rows,
  );
  console.log(`bundling all ${HANDLER_NAMES.length}: ${bundleMs.toFixed(0)} ms first, ${rebundleMs.toFixed(0)} ms again (unchanged zips)`);
}

async function startLocalApiProcess(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "tools/local-api.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: "0", POWERTOOLS_LOG_LEVEL: "SILENT", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const url = await new Promise<string>((done, fail) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) done(match[1]!);
    });
    child.once("exit", (code) => fail(new Error(`local API exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** `REQUESTS` requests, `CONCURRENCY` at a time; latency of each, wall time of all. */
async function load(request: (i: number) => Promise<Response>, expectedStatus: number) {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const t = performance.now();
        const response = await request(i);
        await response.arrayBuffer();
        latencies.push(performance.now() - t);
        if (response.status !== expectedStatus) failures += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return [
    REQUESTS,
    CONCURRENCY,
    (REQUESTS / seconds).toFixed(0),
    percentile(latencies, 50).toFixed(1),
    percentile(latencies, 99).toFixed(1),
    failures,
  ];
}

async function benchLocalApi(): Promise<void> {
  const api = await startLocalApiProcess();
  try {
    const post = await load(
      (i) =>
        fetch(`${api.url}ticket`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ description: `bench ticket ${i}`, priority: "low" }),
        }),
      201,
    );
    const get = await load(() => fetch(`${api.url}ticket?limit=100`), 200);
    table(
      "Local API (dynalite in memory, separate process, fetch keep-alive)",
      ["request", "requests", "concurrency", "req/s", "p50 ms", "p99 ms", "unexpected status"],
      [
        ["POST /ticket", ...post],
        ["GET /ticket?limit=100", ...get],
      ],
    );
  } finally {
    await api.stop();
  }
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), "bench-lambdas-"));
  try {
    benchBundles(workDir);
    await benchLocalApi();
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
