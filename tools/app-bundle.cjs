// The CDKTF app as one CommonJS file that Node loads fast, rebuilt only when an input changed.
// Plain CommonJS (not TypeScript) because tools/run-app.mjs loads it with bare `node`, before
// anything can compile TypeScript; jest loads it as is.
//
// What goes into the bundle: our TypeScript and the pure-JS libraries it imports (zod, the
// deep `@cdktf/provider-aws/lib/*` modules, fflate). Loading them as one file instead of some
// 130 files saves module resolution and file reads on every synth. Kept external:
// - cdktf: it zips ARCHIVE assets by running its own file as a CLI (`node __filename`), which
//   inside a bundle would run the whole app instead;
// - constructs: the construct tree must use the one instance that cdktf uses;
// - esbuild: a native binary that finds itself through its package.
//
// An unchanged bundle is reused without starting esbuild. The check reads no file content: it
// compares each input's file identity (inode, size, modification and change times, like git's
// index), because hashing the 4.6 MB of library sources cost more than the rest of the check.
// Change time (ctime) can't be set back by tools, so any write, rename or `npm install` shows.
// The inputs are every file esbuild read, the files that steer resolution (tsconfig.json,
// package.json, the lockfiles; npm rewrites node_modules/.package-lock.json whenever it changes
// the installed tree), the bundle itself, plus esbuild's version and the build settings.
"use strict";
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { dirname, relative, resolve } = require("node:path");

/** Packages left to Node's own `require` (see above). */
const EXTERNAL_PACKAGES = ["cdktf", "constructs", "esbuild"];
/** Files outside esbuild's inputs that change what the same imports resolve to. */
const RESOLUTION_FILES = ["tsconfig.json", "package.json", "package-lock.json", "node_modules/.package-lock.json"];

/**
 * @param {string} root project root (esbuild's working directory)
 * @param {string} entry entry file, relative to `root`
 * @param {string} outfile bundle path, absolute or relative to `root`
 */
function buildOptions(root, entry, outfile, external = EXTERNAL_PACKAGES, banner = undefined) {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    write: false,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external,
    // Prefer a package's ESM build: esbuild drops its unused exports.
    mainFields: ["module", "main"],
    // Linked, not inline: an inline map would triple the file Node reads on every synth.
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    ...(banner === undefined ? {} : { banner: { js: banner } }),
  };
}

/** The record of the last build, or `undefined` when there is none or it isn't one. */
function readRecord(path) {
  try {
    const record = JSON.parse(readFileSync(path, "utf8"));
    return typeof record?.fingerprint === "string" && Array.isArray(record.inputs) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Inode, size, modification and change time of `path` (nanoseconds), or "absent". */
function identityOf(path) {
  const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
  return stats === undefined ? "absent" : `${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

/** The esbuild version that builds the bundle, read without loading esbuild itself. */
const esbuildVersion = () => require("esbuild/package.json").version;

/**
 * Hash of the identity of everything the bundle is made from and of the bundle itself.
 * @param {string} root
 * @param {object} options esbuild options
 * @param {readonly string[]} inputs esbuild's inputs, relative to `root`
 * @param {string} bundlePath
 * @param {{ identity: string, artifacts: readonly string[] }} [extra] more of what the build
 *   depends on, and the absolute paths of files made from the bundle (see `ensureAppBundle`)
 */
function fingerprintOf(root, options, inputs, bundlePath, extra = { identity: "", artifacts: [] }) {
  const hash = createHash("sha256").update(esbuildVersion()).update(JSON.stringify(options)).update(`${extra.identity}\0`);
  for (const file of [...RESOLUTION_FILES, ...inputs]) hash.update(`${file}\0${identityOf(resolve(root, file))}\0`);
  for (const artifact of extra.artifacts) hash.update(`${artifact}\0${identityOf(artifact)}\0`);
  return hash.update(identityOf(bundlePath)).digest("hex");
}

/**
 * File times are coarse (up to seconds on some file systems): a file changed this close to the
 * build's start may have changed again within the same tick, which its identity wouldn't show.
 */
const CLOCK_SLACK_MS = 2_000;

/** Whether `path` was modified (content or inode) after `time` (ms); false when it doesn't exist. */
function changedSince(path, time) {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats !== undefined && Math.max(stats.mtimeMs, stats.ctimeMs) > time;
}

/** Writes `bytes` aside and renames: a synth running in parallel never loads a half-written file. */
function writeAtomically(path, bytes) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

/**
 * Makes sure `<root>/<outfile>` is the current bundle of `<root>/<entry>`, building it only
 * when an input changed since the last build. Returns its absolute path and whether esbuild ran.
 *
 * Optional, for a build made from the bundle (tools/app-snapshot.cjs): `external` replaces the
 * packages left to Node, `banner` is code put first in the bundle, `identity` names whatever
 * else the result depends on (for a snapshot: the Node binary), and `afterBuild(bundlePath)`
 * makes files from a new bundle and returns their absolute paths: their identity is recorded
 * with the bundle's, so deleting or touching one rebuilds. When it throws, no record is left.
 * @param {{ root: string, entry: string, outfile: string, clockSlackMs?: number,
 *   external?: readonly string[], banner?: string, identity?: string,
 *   afterBuild?: (bundlePath: string) => string[] }} params
 * @returns {{ path: string, built: boolean }}
 */
function ensureAppBundle({ root, entry, outfile, clockSlackMs = CLOCK_SLACK_MS, external, banner, identity = "", afterBuild }) {
  const options = buildOptions(root, entry, outfile, external, banner);
  const path = resolve(root, outfile);
  const recordPath = `${path}.inputs.json`;
  const record = readRecord(recordPath);
  if (
    record !== undefined &&
    record.fingerprint === fingerprintOf(root, options, record.inputs, path, { identity, artifacts: record.artifacts ?? [] })
  ) {
    return { path, built: false };
  }

  // Loaded only here: an unchanged synth doesn't pay for esbuild at all.
  const { buildSync } = require("esbuild");
  const startedAt = Date.now();
  const result = buildSync(options);
  mkdirSync(dirname(path), { recursive: true });
  rmSync(recordPath, { force: true });
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  if (!result.outputFiles.some((file) => file.path === path)) throw new Error(`esbuild wrote no ${relative(root, path)}`);
  const artifacts = afterBuild === undefined ? [] : afterBuild(path);
  const inputs = Object.keys(result.metafile.inputs).sort();
  // A file saved while esbuild ran may be in the bundle in either version: leave no record, so
  // the next run builds again.
  if ([...RESOLUTION_FILES, ...inputs].some((file) => changedSince(resolve(root, file), startedAt - clockSlackMs))) {
    return { path, built: true };
  }
  // Recorded last: a crash before this line leaves no record, or an old one that doesn't match.
  const fingerprint = fingerprintOf(root, options, inputs, path, { identity, artifacts });
  writeAtomically(
    recordPath,
    `${JSON.stringify({ fingerprint, inputs, ...(artifacts.length === 0 ? {} : { artifacts }) }, null, 1)}\n`,
  );
  return { path, built: true };
}

module.exports = { ensureAppBundle, EXTERNAL_PACKAGES };
