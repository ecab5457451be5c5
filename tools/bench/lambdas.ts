/**
 * Section 4: the Lambda bundles (zip size, module load time in a fresh Node) and the local
 * API's throughput and latency against the embedded DynamoDB (dynalite), at several
 * concurrencies. Only 127.0.0.1, bounded request counts.
 *
 * Cold start: each bundle is extracted alone into a temp dir (no node_modules anywhere up the
 * tree: the bundle carries the SDK) and imported by a fresh `node` with the functions'
 * environment set; its wall time from spawn to exit is the whole process. A bare start (the
 * same `node` and flags, importing nothing) runs in the same round, before or after it in
 * turn; our share is the median of the rounds' differences (whole − bare), so a slow moment of
 * the machine weighs on both halves of a pair rather than on one side of the comparison.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { HANDLER_ENV, HANDLER_NAMES, type HandlerName } from "../../contract/handlers";
import { BUNDLE_ENTRY_FILE, bundleHandlers } from "../../bundling/lambda-bundle";
import { PROJECT_ROOT } from "../../bundling/project-root";
import { percentile, type Spread, spreadOf } from "./measure";

/** `loadMs` is judged on our share of a cold start (see {@link BundleResult.oursMs}). */
export const BUNDLE_BUDGET = { zipKb: 200, loadMs: 100 } as const;
/** The share each handler aims at (issue 23): half the budget. */
export const LOAD_TARGET_MS = 50;

/** The committed record of bundle size changes, rendered in section 4. */
export const BUNDLE_CHANGES_FILE = "bench/bundle-changes.json";

/** A handler's bytes before and after a change. */
export interface SizeChange {
  readonly before: number;
  readonly after: number;
}

/** One change to the bundles, measured when it was made (`npm run bench` does not rebuild old commits). */
export interface BundleChange {
  /** What changed, in a few words. */
  readonly change: string;
  /** The commit that made it (or "not kept": measured and left out). */
  readonly commit: string;
  /** What "before" was built from. */
  readonly before: string;
  readonly zipBytes: Readonly<Partial<Record<HandlerName, SizeChange>>>;
  /** The unzipped `index.mjs`. */
  readonly codeBytes: Readonly<Partial<Record<HandlerName, SizeChange>>>;
}

export interface BundleResult {
  readonly handler: HandlerName;
  readonly zipBytes: number;
  /** The unzipped `index.mjs`. */
  readonly codeBytes: number;
  /** A fresh `node` that imports the bundle: spawn to exit, as measured from outside. */
  readonly wholeMs: Spread;
  /** The same `node` and flags importing nothing, in the same rounds. */
  readonly bareMs: Spread;
  /** Our share of a cold start: per round, whole − bare; median (min–max) of those differences. */
  readonly oursMs: Spread;
}

export interface LoadResult {
  readonly request: "POST /ticket" | "GET /ticket?limit=100";
  readonly concurrency: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers other than 201 (POST) or 200 (GET): should be 0. */
  readonly unexpected: number;
}

export interface LambdaResult {
  readonly bundles: readonly BundleResult[];
  readonly load: readonly LoadResult[];
  readonly changes: readonly BundleChange[];
}

export interface LambdaOptions {
  readonly loadRuns: number;
  /** Requests per concurrency level, for each of POST and GET. */
  readonly requests: Readonly<Record<number, number>>;
  readonly log: (line: string) => void;
}

/** A value for every variable the handlers read at start-up (typed: a new one can't be missed). */
const HANDLER_ENV_VALUES = Object.fromEntries(
  Object.entries({
    tableName: "SXRTickets",
    corsAllowOrigin: "*",
    idempotencyTableName: "SXRTickets-idempotency",
  } satisfies Record<keyof typeof HANDLER_ENV, string>).map(([key, value]) => [
    HANDLER_ENV[key as keyof typeof HANDLER_ENV],
    value,
  ]),
);

const IMPORT_BUNDLE = `await import("./${BUNDLE_ENTRY_FILE}");`;
/** The same module evaluation as the import, minus the import. */
const IMPORT_NOTHING = "await 0;";

/** Wall time of a fresh `node` running `script` as an ES module in `dir`, spawn to exit. */
function processMs(dir: string, script: string): number {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      ...HANDLER_ENV_VALUES,
      AWS_REGION: "eu-west-1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    encoding: "utf8",
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`node -e '${script}' in ${dir} failed:\n${child.stderr}`);
  return elapsed;
}

/** `runs` rounds of a bare start and an import of `dir`'s bundle, alternating which goes first. */
export function coldStartMs(runs: number, run: (script: string) => number): Pick<BundleResult, "wholeMs" | "bareMs" | "oursMs"> {
  const whole: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < runs; round++) {
    const scripts = round % 2 === 0 ? [IMPORT_NOTHING, IMPORT_BUNDLE] : [IMPORT_BUNDLE, IMPORT_NOTHING];
    const [first, second] = scripts.map(run) as [number, number];
    whole.push(round % 2 === 0 ? second : first);
    bare.push(round % 2 === 0 ? first : second);
  }
  return {
    wholeMs: spreadOf(whole),
    bareMs: spreadOf(bare),
    oursMs: spreadOf(whole.map((ms, round) => ms - bare[round]!)),
  };
}

function benchBundles(workDir: string, loadRuns: number): BundleResult[] {
  const bundles = bundleHandlers(join(workDir, "zips"));
  return HANDLER_NAMES.map((handler) => {
    const dir = join(workDir, handler);
    mkdirSync(dir);
    const code = unzipSync(readFileSync(bundles[handler].zipPath))[BUNDLE_ENTRY_FILE]!;
    writeFileSync(join(dir, BUNDLE_ENTRY_FILE), code);
    const times = coldStartMs(loadRuns, (script) => processMs(dir, script));
    return { handler, zipBytes: bundles[handler].bytes, codeBytes: code.byteLength, ...times };
  });
}

/** The committed record of bundle changes (see {@link BundleChange}). */
export function readBundleChanges(): BundleChange[] {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, BUNDLE_CHANGES_FILE), "utf8")) as { changes: BundleChange[] }).changes;
}

async function startLocalApiProcess(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "tools/bench/local-api-process.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const url = await new Promise<string>((done, fail) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((text) => text.startsWith("{"));
      if (line !== undefined) done((JSON.parse(line) as { url: string }).url);
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

/** `requests` requests, `concurrency` at a time: latency of each, wall time of all. */
async function loadTest(
  request: (i: number) => Promise<Response>,
  expectedStatus: number,
  concurrency: number,
  requests: number,
): Promise<Omit<LoadResult, "request">> {
  const latencies: number[] = [];
  let next = 0;
  let unexpected = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const sent = performance.now();
        const response = await request(i);
        await response.arrayBuffer();
        latencies.push(performance.now() - sent);
        if (response.status !== expectedStatus) unexpected += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    concurrency,
    requests,
    requestsPerSecond: requests / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    unexpected,
  };
}

async function benchLocalApi(options: LambdaOptions): Promise<LoadResult[]> {
  const api = await startLocalApiProcess();
  const results: LoadResult[] = [];
  try {
    const levels = Object.keys(options.requests)
      .map(Number)
      .sort((a, b) => a - b);
    for (const concurrency of levels) {
      options.log(`local API: POST at concurrency ${concurrency}`);
      const post = (i: number) =>
        fetch(`${api.url}ticket`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ description: `bench ticket ${concurrency}-${i}`, priority: "low" }),
        });
      results.push({ request: "POST /ticket", ...(await loadTest(post, 201, concurrency, options.requests[concurrency]!)) });
    }
    for (const concurrency of levels) {
      options.log(`local API: GET at concurrency ${concurrency}`);
      const get = () => fetch(`${api.url}ticket?limit=100`);
      results.push({
        request: "GET /ticket?limit=100",
        ...(await loadTest(get, 200, concurrency, options.requests[concurrency]!)),
      });
    }
    return results;
  } finally {
    await api.stop();
  }
}

export async function benchLambdas(options: LambdaOptions): Promise<LambdaResult> {
  const workDir = mkdtempSync(join(tmpdir(), "bench-lambdas-"));
  try {
    options.log("lambdas: bundles and cold starts");
    const bundles = benchBundles(workDir, options.loadRuns);
    return { bundles, load: await benchLocalApi(options), changes: readBundleChanges() };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
