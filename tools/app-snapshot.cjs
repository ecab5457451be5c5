// The CDKTF app as a V8 start-up snapshot (`node --snapshot-blob dist/app.blob`): a synth that
// starts from it finds cdktf, constructs, the provider classes, zod and our modules loaded, and
// only runs main.ts. Loading those modules was most of a synth's CPU time.
//
// How: tools/app-bundle.cjs bundles tools/app-snapshot-entry.ts with everything it imports,
// cdktf and constructs too (Node 20's snapshot builder can't load a module from disk: its
// `require` takes only Node's built-in modules, and a module loaded through `createRequire`
// makes the snapshot abort when it starts (ERR_INTERNAL_ASSERTION in setupUserModules).
// cdktf's one reason to stay out of a bundle, zipping ARCHIVE assets by running its own file,
// doesn't apply: the app's assets are FILE assets), then `node --build-snapshot` runs the
// bundle and writes the heap to the blob. Rebuilt, like the bundle, when an input changed, and
// when the Node binary did (a blob only starts in the Node that wrote it).
//
// esbuild stays external: the Lambda bundling loads it only when a handler changed. The
// snapshot's `require` takes only built-in modules, so the banner hands any other module to a
// `createRequire` of the bundle, once the snapshot runs (never while it is being built).
"use strict";
const { spawnSync } = require("node:child_process");
const { renameSync, rmSync, statSync } = require("node:fs");
const { ensureAppBundle } = require("./app-bundle.cjs");

const BANNER = [
  "const __snapshotRequire = require;",
  "let __diskRequire;",
  "require = (id) => {",
  "  try {",
  "    return __snapshotRequire(id);",
  "  } catch (error) {",
  '    if (error?.code !== "MODULE_NOT_FOUND" || __snapshotRequire("node:v8").startupSnapshot.isBuildingSnapshot()) throw error;',
  '    __diskRequire ??= __snapshotRequire("node:module").createRequire(__filename);',
  "    return __diskRequire(id);",
  "  }",
  "};",
].join("\n");

/** The Node binary that writes and runs the blob. */
function nodeIdentity() {
  const stats = statSync(process.execPath, { bigint: true });
  return `${process.version}:${process.arch}:${process.execPath}:${stats.ino}:${stats.size}:${stats.mtimeNs}`;
}

/** Runs the bundle under `node --build-snapshot`; returns the blob's path. */
function buildBlob(bundlePath, blobPath) {
  const temporary = `${blobPath}.${process.pid}.tmp`;
  const result = spawnSync(process.execPath, ["--snapshot-blob", temporary, "--build-snapshot", bundlePath], {
    encoding: "utf8",
  });
  if (result.status !== 0) {
    rmSync(temporary, { force: true });
    const output = `${result.stderr}${result.stdout}`.trim().split("\n").slice(0, 20).join("\n");
    throw new Error(`node --build-snapshot ${bundlePath} failed (${result.status ?? result.signal}):\n${output}`);
  }
  renameSync(temporary, blobPath);
  return blobPath;
}

/**
 * Makes sure `<root>/<blob>` is the current snapshot of the app; returns its absolute path and
 * whether it was built. Throws when Node can't build it (the caller falls back to the bundle).
 * @param {{ root: string, entry?: string, outfile?: string, blob?: string, clockSlackMs?: number }} params
 * @returns {{ blob: string, built: boolean }}
 */
function ensureAppSnapshot({
  root,
  entry = "tools/app-snapshot-entry.ts",
  outfile = "dist/app-snapshot.cjs",
  blob = "dist/app.blob",
  clockSlackMs,
}) {
  const blobPath = require("node:path").resolve(root, blob);
  const { built } = ensureAppBundle({
    root,
    entry,
    outfile,
    clockSlackMs,
    external: ["esbuild"],
    banner: BANNER,
    identity: nodeIdentity(),
    afterBuild: (bundlePath) => [buildBlob(bundlePath, blobPath)],
  });
  return { blob: blobPath, built };
}

module.exports = { ensureAppSnapshot };
