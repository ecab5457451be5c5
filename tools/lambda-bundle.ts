/**
 * Bundles one handler into a deterministic Lambda zip: esbuild (one minified ESM file,
 * `index.mjs`) and fflate (one entry, fixed timestamp and mode). Same source, same bytes, on
 * any machine, cwd or time zone, so Terraform's `source_code_hash` only moves with the code.
 * Synchronous because constructs are; all three handlers take a few hundred milliseconds.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { buildSync, type BuildOptions } from "esbuild";
import { zipSync } from "fflate";
import { HANDLER_NAMES, HANDLERS, type HandlerName } from "../lambdas/manifest";

const PROJECT_ROOT = resolve(__dirname, "..");

/** File name inside the zip; `BUNDLE_HANDLER` ("index.handler") points at it. */
export const BUNDLE_ENTRY_FILE = "index.mjs";

export interface HandlerBundle {
  zipPath: string;
  /** Base64 SHA-256 of the zip: what Terraform's `filebase64sha256` gives. */
  sha256: string;
  bytes: number;
}

/**
 * Everything esbuild needs, nothing from the environment. The AWS SDK is bundled rather than
 * left to the runtime's copy: measured, a bundle then loads in ~50 ms instead of ~110 ms
 * (resolving the SDK's many files is the cost, in Lambda too: this is the health function's
 * cold start inside Route 53's 2 s), each zip stays ~120 KB (budget 200 KB), and the code runs
 * against the SDK version it was tested with, not whatever the runtime ships that month.
 * `metafile` is only read in memory, for the rebuild check; it never reaches the output.
 */
function esbuildOptions(): BuildOptions & { write: false; metafile: true } {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: Object.fromEntries(HANDLER_NAMES.map((name) => [name, HANDLERS[name].entry])),
    outdir: "bundle",
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    // The SDK keeps an optional `require("@aws-sdk/signature-v4-crt")`, which ESM output lacks.
    banner: { js: 'import{createRequire as __createRequire}from"node:module";const require=__createRequire(import.meta.url);' },
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: false,
    legalComments: "none",
    charset: "utf8",
    write: false,
    metafile: true,
    logLevel: "silent",
  };
}

interface BuildMemo {
  /** Size and mtime of every input: a cheap "did anything change" check. */
  fingerprint: string;
  inputs: string[];
  sources: Record<HandlerName, Uint8Array>;
  zips: Partial<Record<HandlerName, Uint8Array>>;
}
let memo: BuildMemo | undefined;

function inputsFingerprint(inputs: string[]): string {
  const hash = createHash("sha256");
  for (const input of inputs) {
    const stats = statSync(resolve(PROJECT_ROOT, input), { throwIfNoEntry: false });
    hash.update(`${input}\0${stats?.size ?? -1}\0${stats?.mtimeMs ?? -1}\n`);
  }
  return hash.digest("hex");
}

/**
 * The bundled `index.mjs` of every handler, from ONE esbuild run (the handlers share the SDK,
 * so one run costs about what one handler does). Memoized per process while no input file
 * changes size or mtime, so the infra's one call per handler builds once per synth; a touched
 * file only triggers a rebuild, which gives the same bytes when the content is the same.
 */
export function bundleSources(): Record<HandlerName, Uint8Array> {
  if (memo !== undefined && inputsFingerprint(memo.inputs) === memo.fingerprint) return memo.sources;
  const result = buildSync(esbuildOptions());
  const sources = {} as Record<HandlerName, Uint8Array>;
  for (const name of HANDLER_NAMES) {
    const output = result.outputFiles.find((file) => basename(file.path) === `${name}.js`);
    if (output === undefined) throw new Error(`bundle of "${name}": esbuild produced no ${name}.js`);
    sources[name] = output.contents;
  }
  const inputs = Object.keys(result.metafile.inputs).sort();
  memo = { fingerprint: inputsFingerprint(inputs), inputs, sources, zips: {} };
  return sources;
}

/** The zip of one handler, deflated once per build. */
function handlerZip(name: HandlerName): Uint8Array {
  const sources = bundleSources();
  return (memo!.zips[name] ??= deterministicZip({ [BUNDLE_ENTRY_FILE]: sources[name] }));
}

/**
 * DOS timestamp of every entry. fflate writes a Date's *local* fields, so the date is built
 * from local fields too: 1980-01-01 00:00:00 (the DOS epoch) whatever the time zone.
 */
const ZIP_ENTRY_DATE = () => new Date(1980, 0, 1, 0, 0, 0);
/** Regular file, rw-r--r--, in the Unix external attributes (high 16 bits). */
const ZIP_ENTRY_ATTRS = (0o100644 << 16) >>> 0;

/** A deterministic zip: entries sorted by name, fixed timestamp, mode and host OS. */
export function deterministicZip(files: Record<string, Uint8Array>): Uint8Array {
  const entries = Object.keys(files)
    .sort()
    .map((name) => [name, [files[name]!, { mtime: ZIP_ENTRY_DATE(), attrs: ZIP_ENTRY_ATTRS, os: 3, level: 9 }]] as const);
  return zipSync(Object.fromEntries(entries) as Parameters<typeof zipSync>[0]);
}

/** Bundles a handler into `<outDir>/<name>.zip`, rewriting the file only when its bytes change. */
export function bundleHandler(name: HandlerName, outDir: string): HandlerBundle {
  const zip = handlerZip(name);
  mkdirSync(outDir, { recursive: true });
  const zipPath = resolve(outDir, `${name}.zip`);
  if (!(existsSync(zipPath) && Buffer.from(zip).equals(readFileSync(zipPath)))) {
    // Write-then-rename: a concurrent synth never sees a half-written zip.
    const temporary = join(outDir, `.${name}.zip.${process.pid}.tmp`);
    writeFileSync(temporary, zip);
    renameSync(temporary, zipPath);
  }
  return { zipPath, sha256: createHash("sha256").update(zip).digest("base64"), bytes: zip.byteLength };
}
