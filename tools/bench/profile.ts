/**
 * Where a synth's time goes: self time of a V8 CPU profile (`node --cpu-prof`), summed by
 * package or project file. Code inside an esbuild bundle (dist/app.cjs) is attributed to the
 * file it came from through the `// path` line that esbuild writes before each module.
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The parts of a `.cpuprofile` read here. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface ProfileRow {
  /** Package (`cdktf`, `cdktf › lodash`), project file, or a Node/V8 category. */
  readonly module: string;
  readonly selfMs: number;
  /** Share of all sampled time, 0..1. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Largest first; the rest summed into one "other" row. */
  readonly rows: readonly ProfileRow[];
}

/** A bundle's modules: the 0-based line where each starts, ascending, with its source path. */
export interface BundleLayout {
  readonly url: string;
  readonly modules: readonly { readonly line: number; readonly source: string }[];
}

/** Reads esbuild's `// <path>` module markers from a non-minified bundle's text. */
export function bundleLayout(url: string, code: string): BundleLayout {
  const modules: { line: number; source: string }[] = [];
  code.split("\n").forEach((text, line) => {
    const marker = /^\/\/ (\S+\.(?:[cm]?[jt]s|json))$/.exec(text);
    if (marker) modules.push({ line, source: marker[1]! });
  });
  return { url, modules };
}

function sourceInBundle(layout: BundleLayout, line: number): string {
  let found: string | undefined;
  for (const module of layout.modules) {
    if (module.line > line) break;
    found = module.source;
  }
  return found ?? "(esbuild runtime helpers)";
}

/** `.../node_modules/a/node_modules/@b/c/x.js` -> `a › @b/c`; undefined outside node_modules. */
function packageOf(path: string): string | undefined {
  const packages = [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((match) => match[1]!);
  return packages.length === 0 ? undefined : packages.join(" › ");
}

/** Frames without a URL, by function name: V8's own work and node's native calls. */
const NATIVE_FRAMES: ReadonlyMap<string, string> = new Map([
  ["(garbage collector)", "V8: garbage collection"],
  ["(idle)", "idle (waiting for I/O or the CPU)"],
  ["(program)", "V8: compiling and running (unattributed)"],
  ["(root)", "V8: compiling and running (unattributed)"],
  ["internalModuleStat", "node: module loading"],
]);

/** Node's own modules that load modules (`require`, `import`). */
const MODULE_LOADING_URLS = ["node:internal/modules", "node:internal/deps/cjs-module-lexer"];

/** The row a frame's self time goes to. */
export function moduleOf(
  frame: { functionName: string; url: string; lineNumber: number },
  root: string,
  bundles: readonly BundleLayout[],
): string {
  const { url, functionName } = frame;
  if (url === "") return NATIVE_FRAMES.get(functionName) ?? "node: native calls (fs, crypto)";
  if (url.startsWith("node:")) {
    return MODULE_LOADING_URLS.some((prefix) => url.startsWith(prefix)) ? "node: module loading" : url;
  }
  const bundle = bundles.find((layout) => layout.url === url);
  if (bundle !== undefined) {
    const source = sourceInBundle(bundle, frame.lineNumber);
    const owner = packageOf(source);
    return owner === undefined ? source : `${owner} (bundled)`;
  }
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  return packageOf(path) ?? relative(root, path);
}

/** Self time per module, the `top` largest rows and "other". */
export function summarizeProfile(
  profile: CpuProfile,
  options: { root: string; bundles?: readonly BundleLayout[]; top?: number },
): ProfileSummary {
  const moduleOfNode = new Map(
    profile.nodes.map((node) => [node.id, moduleOf(node.callFrame, options.root, options.bundles ?? [])]),
  );
  const selfMs = new Map<string, number>();
  profile.samples.forEach((nodeId, index) => {
    const module = moduleOfNode.get(nodeId) ?? "(unknown)";
    selfMs.set(module, (selfMs.get(module) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const totalMs = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);
  const sorted = [...selfMs].sort((a, b) => b[1] - a[1]);
  const top = options.top ?? 12;
  const rows: ProfileRow[] = sorted.slice(0, top).map(([module, ms]) => ({ module, selfMs: ms, share: ms / totalMs }));
  const rest = sorted.slice(top).reduce((sum, [, ms]) => sum + ms, 0);
  if (rest > 0) rows.push({ module: `other (${sorted.length - top} more)`, selfMs: rest, share: rest / totalMs });
  return { totalMs, rows };
}
