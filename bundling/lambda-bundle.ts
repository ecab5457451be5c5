/**
 * Bundles one handler into a deterministic Lambda zip: esbuild (one minified ESM file,
 * `index.mjs`) and fflate (one entry, fixed timestamp and mode). Same source, same bytes, on
 * any machine, cwd or time zone, so Terraform's `source_code_hash` only moves with the code.
 * Synchronous because constructs are; all three handlers take a few hundred milliseconds.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { BuildOptions } from "esbuild";
import { zipSync } from "fflate";
import { HANDLER_NAMES, HANDLERS, type HandlerName } from "../contract/handlers";

import { PROJECT_ROOT } from "./project-root";

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
    // uuid (the derived ticket ids) imports Node's crypto by its bare name; keep every built-in a node: import.
    alias: { crypto: "node:crypto" },
    minify: true,
    sourcemap: false,
    legalComments: "none",
    charset: "utf8",
    write: false,
    metafile: true,
    logLevel: "silent",
  };
}

/** One build of every handler, with what it was built from. */
interface Build {
  /** Content hash of every input file and of the build settings. */
  fingerprint: string;
  /** esbuild's inputs (relative to the project root): sources and node_modules files. */
  inputs: string[];
  /** Each input's file identity when the fingerprint was taken (see {@link identityOf}). */
  identities: string[];
  zips: Record<HandlerName, Uint8Array>;
}
/** Kept beside the zips so that a later synth skips esbuild when no input changed. */
const CACHE_FILE = "bundle-cache.json";
let memo: Build | undefined;

/**
 * esbuild's version from its package.json: loading esbuild itself is only needed for a build,
 * and most synths reuse the zips.
 */
const esbuildVersion = () => (require("esbuild/package.json") as { version: string }).version;

/**
 * A file's identity as git's index keeps it: inode, size, modification and change time. While
 * every input keeps its identity, its content is the one the fingerprint was taken from, and a
 * synth skips reading the ~900 input files (a tenth of a second); any write, copy, checkout or
 * `touch` changes it, and then the content decides.
 */
function identityOf(input: string): string {
  try {
    const { ino, size, mtimeMs, ctimeMs } = statSync(resolve(PROJECT_ROOT, input));
    return `${ino}:${size}:${mtimeMs}:${ctimeMs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
}

const identitiesOf = (inputs: readonly string[]) => inputs.map(identityOf);

/**
 * Whether `build` still describes its inputs: every identity unchanged, or else the contents
 * hash to its fingerprint (the identities are then renewed, for the next check).
 */
function isCurrent(build: Pick<Build, "fingerprint" | "inputs" | "identities">): boolean {
  const identities = identitiesOf(build.inputs);
  if (identities.every((identity, index) => identity === build.identities[index])) return true;
  if (fingerprintOf(build.inputs) !== build.fingerprint) return false;
  build.identities = identities;
  return true;
}

/** Hash of the inputs' contents and the build settings; `undefined` when an input is gone. */
function fingerprintOf(inputs: readonly string[]): string | undefined {
  const hash = createHash("sha256").update(esbuildVersion()).update(JSON.stringify(esbuildOptions()));
  for (const input of inputs) {
    let content: Buffer;
    try {
      content = readFileSync(resolve(PROJECT_ROOT, input));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    hash.update(`${input}\0`).update(content);
  }
  return hash.digest("hex");
}

/**
 * ONE esbuild run for every handler (they share the SDK, so one run costs about what one
 * handler does), zipped deterministically.
 */
function build(): Build {
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const result = buildSync(esbuildOptions());
  const zips = {} as Record<HandlerName, Uint8Array>;
  for (const name of HANDLER_NAMES) {
    const output = result.outputFiles.find((file) => basename(file.path) === `${name}.js`);
    if (output === undefined) throw new Error(`bundle of "${name}": esbuild produced no ${name}.js`);
    zips[name] = deterministicZip({ [BUNDLE_ENTRY_FILE]: output.contents });
  }
  const inputs = Object.keys(result.metafile.inputs).sort();
  const identities = identitiesOf(inputs);
  return { fingerprint: fingerprintOf(inputs)!, inputs, identities, zips };
}

const sha256Of = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64");

/** The zips an earlier build left in `outDir`, if none of their inputs has changed since. */
function cachedBuild(outDir: string): Build | undefined {
  try {
    const cache = JSON.parse(readFileSync(join(outDir, CACHE_FILE), "utf8")) as Omit<Build, "zips"> & {
      sha256: Record<HandlerName, string>;
    };
    if (!Array.isArray(cache.identities) || !isCurrent(cache)) return undefined;
    const zips = {} as Record<HandlerName, Uint8Array>;
    for (const name of HANDLER_NAMES) {
      zips[name] = readFileSync(join(outDir, `${name}.zip`));
      if (sha256Of(zips[name]) !== cache.sha256[name]) return undefined;
    }
    return { fingerprint: cache.fingerprint, inputs: cache.inputs, identities: cache.identities, zips };
  } catch {
    return undefined;
  }
}

/** Writes `bytes` aside and renames: a concurrent synth never sees a half-written file. */
function writeAtomically(path: string, bytes: Uint8Array | string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

/**
 * Every handler's zip, built at most once per process and, across processes, only when an
 * input's content changed: the build is deterministic, so a cached zip is the zip a new
 * build would give.
 */
function currentBuild(outDir: string): Build {
  if (memo !== undefined && isCurrent(memo)) return memo;
  memo = cachedBuild(outDir) ?? build();
  return memo;
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

/** Writes `<outDir>/<name>.zip` of `build` (and the cache record), only where the bytes change. */
function writeBundle(build: Build, name: HandlerName, outDir: string): HandlerBundle {
  const zip = build.zips[name];
  mkdirSync(outDir, { recursive: true });
  const zipPath = resolve(outDir, `${name}.zip`);
  if (!(existsSync(zipPath) && Buffer.from(zip).equals(readFileSync(zipPath)))) writeAtomically(zipPath, zip);
  const sha256 = sha256Of(zip);
  const cache = {
    fingerprint: build.fingerprint,
    inputs: build.inputs,
    identities: build.identities,
    sha256: mapHandlers((handler) => sha256Of(build.zips[handler])),
  };
  const cachePath = join(outDir, CACHE_FILE);
  const cacheText = `${JSON.stringify(cache, null, 1)}\n`;
  if (!(existsSync(cachePath) && readFileSync(cachePath, "utf8") === cacheText)) writeAtomically(cachePath, cacheText);
  return { zipPath, sha256, bytes: zip.byteLength };
}

/** Bundles a handler into `<outDir>/<name>.zip`, rewriting files only when their bytes change. */
export function bundleHandler(name: HandlerName, outDir: string): HandlerBundle {
  return writeBundle(currentBuild(outDir), name, outDir);
}

/**
 * Every handler's bundle, like `bundleHandler` for each, but checking the inputs once: the
 * check reads every input (some 900 files, the SDK's included), and a synth needs all three.
 */
export function bundleHandlers(outDir: string): Record<HandlerName, HandlerBundle> {
  const build = currentBuild(outDir);
  return mapHandlers((name) => writeBundle(build, name, outDir));
}

function mapHandlers<T>(value: (name: HandlerName) => T): Record<HandlerName, T> {
  return Object.fromEntries(HANDLER_NAMES.map((name) => [name, value(name)])) as Record<HandlerName, T>;
}
