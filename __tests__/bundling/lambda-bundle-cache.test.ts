/**
 * The Lambda zips' cache: a zip is rewritten only when its bytes change, and a later process
 * reuses the zips while their inputs are unchanged (by file identity, else by content), but
 * never a tampered zip or a stale record.
 */
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleHandler, bundleHandlers } from "../../bundling/lambda-bundle";
import { lockHandlerSources } from "../support/source-lock";

let workDir: string;
/** Held for the whole file: its checks need the handler sources' identities unchanged. */
let unlockSources: () => void;

beforeAll(() => {
  unlockSources = lockHandlerSources();
  workDir = mkdtempSync(join(tmpdir(), "lambda-bundle-cache-test-"));
  // One build for the whole file; each test starts from a copy of it (a warm cache).
  bundleHandlers(join(workDir, "prebuilt"));
});

/** A folder holding every zip and the cache record, as a synth leaves them. */
function prebuiltCopy(name: string): string {
  const outDir = join(workDir, name);
  cpSync(join(workDir, "prebuilt"), outDir, { recursive: true });
  return outDir;
}

afterAll(() => {
  unlockSources();
  rmSync(workDir, { recursive: true, force: true });
});

test("rewrites the zip only when its bytes change", () => {
  const outDir = join(workDir, "rewrite");
  const { zipPath } = bundleHandler("health", outDir);
  const old = new Date("2001-01-01T00:00:00Z");
  utimesSync(zipPath, old, old);

  bundleHandler("health", outDir);
  expect(statSync(zipPath).mtime.getTime()).toBe(old.getTime());

  writeFileSync(zipPath, "stale");
  const rebuilt = bundleHandler("health", outDir);
  expect(readFileSync(zipPath).length).toBe(rebuilt.bytes);
  expect(readdirSync(outDir)).toEqual(["bundle-cache.json", "health.zip"]);
});

describe("a later process", () => {
  /** `bundleHandler` of a fresh module instance: nothing remembered in memory. */
  const freshBundle = (outDir: string) => {
    let bundle: ReturnType<typeof bundleHandler> | undefined;
    jest.isolateModules(() => {
      bundle = (require("../../bundling/lambda-bundle") as typeof import("../../bundling/lambda-bundle")).bundleHandler(
        "health",
        outDir,
      );
    });
    return bundle!;
  };
  const cacheOf = (outDir: string) => JSON.parse(readFileSync(join(outDir, "bundle-cache.json"), "utf8"));

  test("records the inputs' fingerprint and each zip's hash beside the zips", () => {
    const outDir = prebuiltCopy("cache-record");
    const bundle = freshBundle(outDir);
    const cache = cacheOf(outDir);
    expect(cache.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(cache.inputs).toEqual(expect.arrayContaining(["lambdas/health.ts", "lambdas/core/health.ts"]));
    expect(cache.sha256.health).toBe(bundle.sha256);
  });

  test("rebuilds a tampered zip instead of trusting the cache", () => {
    const outDir = prebuiltCopy("cache-tampered");
    const expected = freshBundle(outDir);
    writeFileSync(join(outDir, "tickets-get.zip"), "tampered");
    writeFileSync(join(outDir, "health.zip"), "tampered");
    const again = freshBundle(outDir);
    expect(again.sha256).toBe(expected.sha256);
    expect(
      createHash("sha256")
        .update(readFileSync(join(outDir, "health.zip")))
        .digest("base64"),
    ).toBe(expected.sha256);
  });

  test("rebuilds when an input changed since the cache was written", () => {
    const outDir = prebuiltCopy("cache-stale");
    const expected = freshBundle(outDir);
    const cache = cacheOf(outDir);
    // A changed input: another identity (inode, size, times) and other content.
    const identities = cache.identities.map(() => "0:0:0:0");
    writeFileSync(
      join(outDir, "bundle-cache.json"),
      JSON.stringify({ ...cache, identities, fingerprint: "0".repeat(64), sha256: { ...cache.sha256, health: "stale" } }),
    );
    writeFileSync(join(outDir, "health.zip"), "stale but matching a stale cache");
    expect(freshBundle(outDir).sha256).toBe(expected.sha256);
    expect(cacheOf(outDir).fingerprint).toBe(cache.fingerprint);
  });

  test("trusts inputs whose file identity is unchanged without reading them, and renews identities whose content is unchanged", () => {
    const outDir = prebuiltCopy("cache-identities");
    const cache = cacheOf(outDir);
    expect(cache.identities).toHaveLength(cache.inputs.length);
    expect(cache.identities[0]).toMatch(/^\d+:\d+:[\d.]+:[\d.]+$/);
    // Same identities: the record is believed as it stands, even a fingerprint no content has.
    writeFileSync(join(outDir, "bundle-cache.json"), JSON.stringify({ ...cache, fingerprint: "f".repeat(64) }));
    freshBundle(outDir);
    expect(cacheOf(outDir).fingerprint).toBe("f".repeat(64));
    // Other identities, same content (a fresh checkout, a touch): the contents decide, and the
    // record gets the identities of today.
    writeFileSync(
      join(outDir, "bundle-cache.json"),
      JSON.stringify({ ...cache, identities: cache.identities.map(() => "0:0:0:0") }),
    );
    freshBundle(outDir);
    expect(cacheOf(outDir).identities).toEqual(cache.identities);
  });
});
