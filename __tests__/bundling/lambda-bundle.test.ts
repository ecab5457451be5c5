/**
 * The Lambda zips: byte-identical whatever the source mtimes, cwd or time zone; one sorted,
 * fixed-time entry; small; free of absolute paths; and runnable as the ESM handler Lambda loads.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { lockHandlerSources } from "../support/source-lock";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { unzipSync } from "fflate";
import { HANDLER_NAMES } from "../../contract/handlers";
import { BUNDLE_ENTRY_FILE, bundleHandler, bundleHandlers } from "../../bundling/lambda-bundle";
import { PROJECT_ROOT } from "../../bundling/project-root";

const MAX_ZIP_BYTES = 200 * 1024;
let workDir: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "lambda-bundle-test-"));
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

function sourceFiles(dir = join(PROJECT_ROOT, "lambdas")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** Runs `action` with every handler source file's mtime set to `time`, then restores them. */
function withSourceMtime<T>(time: Date, action: () => T): T {
  const files = sourceFiles();
  const saved = files.map((file) => statSync(file));
  const unlock = lockHandlerSources();
  try {
    files.forEach((file) => utimesSync(file, time, time));
    return action();
  } finally {
    files.forEach((file, i) => utimesSync(file, saved[i]!.atime, saved[i]!.mtime));
    unlock();
  }
}

function bundleAllIn(outDir: string) {
  return Object.fromEntries(HANDLER_NAMES.map((name) => [name, bundleHandler(name, outDir)]));
}

interface CentralEntry {
  name: string;
  dosTime: number;
  dosDate: number;
  externalAttrs: number;
  hostOs: number;
}

/** The central directory of a zip without comment (what fflate writes). */
function centralDirectory(zip: Buffer): CentralEntry[] {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    expect(zip.readUInt32LE(offset)).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(offset + 28);
    entries.push({
      hostOs: zip.readUInt8(offset + 5),
      dosTime: zip.readUInt16LE(offset + 12),
      dosDate: zip.readUInt16LE(offset + 14),
      externalAttrs: zip.readUInt32LE(offset + 38),
      name: zip.toString("utf8", offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return entries;
}

describe("bundleHandler", () => {
  test("same source -> byte-identical zips despite new mtimes, another cwd and another time zone", () => {
    const first = bundleAllIn(join(workDir, "first"));

    const second = withSourceMtime(new Date("2031-07-04T12:34:56Z"), () => bundleAllIn(join(workDir, "second")));

    const thirdDir = join(workDir, "third");
    const child = spawnSync(
      process.execPath,
      [
        "--import",
        pathToFileURL(join(PROJECT_ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href,
        "-e",
        `const { bundleHandler } = require(${JSON.stringify(join(PROJECT_ROOT, "bundling", "lambda-bundle.ts"))});
         for (const name of ${JSON.stringify(HANDLER_NAMES)}) bundleHandler(name, ${JSON.stringify(thirdDir)});`,
      ],
      { cwd: tmpdir(), env: { ...process.env, TZ: "Pacific/Chatham" }, encoding: "utf8" },
    );
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);

    for (const name of HANDLER_NAMES) {
      const bytes = readFileSync(first[name]!.zipPath);
      expect(readFileSync(second[name]!.zipPath).equals(bytes)).toBe(true);
      expect(readFileSync(join(thirdDir, `${name}.zip`)).equals(bytes)).toBe(true);
      expect(second[name]!.sha256).toBe(first[name]!.sha256);
      expect(first[name]!.sha256).toBe(createHash("sha256").update(bytes).digest("base64"));
      expect(first[name]!.bytes).toBe(bytes.length);
    }
  });

  test.each(HANDLER_NAMES)("%s.zip: one sorted entry index.mjs, 1980-01-01 00:00, rw-r--r--, under 200 KB", (name) => {
    const bundle = bundleHandler(name, join(workDir, "inspect"));
    const zip = readFileSync(bundle.zipPath);

    expect(bundle.zipPath).toBe(join(workDir, "inspect", `${name}.zip`));
    expect(bundle.bytes).toBeLessThan(MAX_ZIP_BYTES);
    const entries = centralDirectory(zip);
    expect(entries.map((entry) => entry.name)).toEqual([BUNDLE_ENTRY_FILE]);
    expect(entries.map((entry) => entry.name)).toEqual(entries.map((entry) => entry.name).sort());
    for (const entry of entries) {
      expect(entry.dosDate).toBe((0 << 9) | (1 << 5) | 1);
      expect(entry.dosTime).toBe(0);
      expect(entry.hostOs).toBe(3);
      expect(entry.externalAttrs >>> 16).toBe(0o100644);
    }
  });

  test.each(HANDLER_NAMES)("%s: no absolute path or source map in the code; self-contained but for node: built-ins", (name) => {
    const code = Buffer.from(
      unzipSync(readFileSync(bundleHandler(name, join(workDir, "inspect")).zipPath))[BUNDLE_ENTRY_FILE]!,
    ).toString("utf8");

    expect(code).not.toContain(PROJECT_ROOT);
    expect(code).not.toContain(tmpdir());
    expect(code).not.toContain("sourceMappingURL");
    const staticImports = [...code.matchAll(/\bfrom\s*"([^"]+)"/g)].map((match) => match[1]!);
    expect(staticImports.length).toBeGreaterThan(0);
    expect(staticImports.filter((specifier) => !specifier.startsWith("node:"))).toEqual([]);
  });

  test("bundleHandlers gives every handler's bundle, the same as bundleHandler one by one", () => {
    const together = bundleHandlers(join(workDir, "together"));
    expect(Object.keys(together)).toEqual(HANDLER_NAMES);
    for (const name of HANDLER_NAMES) {
      const alone = bundleHandler(name, join(workDir, "alone"));
      expect(together[name].zipPath).toBe(join(workDir, "together", `${name}.zip`));
      expect(together[name].sha256).toBe(alone.sha256);
      expect(together[name].bytes).toBe(alone.bytes);
      expect(readFileSync(together[name].zipPath).equals(readFileSync(alone.zipPath))).toBe(true);
    }
    expect(readFileSync(join(workDir, "together", "bundle-cache.json"), "utf8")).toBe(
      readFileSync(join(workDir, "alone", "bundle-cache.json"), "utf8"),
    );
  });

  test("the bundles load as ESM, with no node_modules around, and answer through `index.handler`", () => {
    const runDir = join(workDir, "run");
    for (const name of HANDLER_NAMES) {
      const dir = join(runDir, name);
      mkdirSync(dir, { recursive: true });
      const files = unzipSync(readFileSync(bundleHandler(name, join(workDir, "inspect")).zipPath));
      writeFileSync(join(dir, BUNDLE_ENTRY_FILE), files[BUNDLE_ENTRY_FILE]!);
    }
    const script = `
      const event = (overrides) => ({ httpMethod: "GET", path: "/", headers: {}, queryStringParameters: null, body: null, isBase64Encoded: false, requestContext: { requestId: "r" }, ...overrides });
      const load = (name) => import("./" + name + "/index.mjs").then((module) => module.handler);
      const results = {
        "tickets-post": await (await load("tickets-post"))(event({ httpMethod: "POST", headers: { "content-type": "application/json" }, body: "[]" })),
        "tickets-get": await (await load("tickets-get"))(event({ queryStringParameters: { limit: "0" } })),
        "health": await (await load("health"))(event({})),
      };
      console.log(JSON.stringify(results));`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: runDir,
      env: {
        PATH: process.env.PATH,
        TABLE_NAME: "SXRTickets",
        IDEMPOTENCY_TABLE_NAME: "SXRTickets-idempotency",
        CORS_ALLOW_ORIGIN: "*",
        AWS_REGION: "eu-west-1",
        // Nothing listens on port 9: the health read fails fast. The SDK's own endpoint and
        // credential variables: the bundles know no local endpoint.
        AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9",
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
        POWERTOOLS_LOG_LEVEL: "SILENT",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
      encoding: "utf8",
    });
    expect(child.stderr).toBe("");
    const results = JSON.parse(child.stdout);
    expect(results["tickets-post"]).toMatchObject({
      statusCode: 400,
      body: JSON.stringify({ message: "body must be a JSON object" }),
    });
    expect(results["tickets-get"].statusCode).toBe(400);
    expect(results.health.statusCode).toBe(503);
    expect(JSON.parse(results.health.body).region).toBe("eu-west-1");
  });
});
