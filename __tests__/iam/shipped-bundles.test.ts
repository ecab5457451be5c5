/**
 * The zips Lambda runs, run: built as synth builds them (bundleHandlers), checked to be the
 * bytes the synthesized functions name (source_code_hash), unzipped into a folder outside the
 * repository and invoked in a child Node process through their entry point (`index.mjs`,
 * `handler`), against a local DynamoDB. The child can't resolve the repository's
 * node_modules (a probe import proves it), so a dependency the bundle leaves out fails the
 * run instead of being found there.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import type { APIGatewayProxyResult } from "aws-lambda";
import { BUNDLE_ENTRY_FILE, bundleHandlers } from "../../bundling/lambda-bundle";
import { BUNDLE_HANDLER, HANDLER_NAMES, HANDLERS, type HandlerName } from "../../contract/handlers";
import { postEvent, proxyEvent, startTestTable, type TestTable } from "../lambdas/helpers";
import { startCallRecorder, type CallRecorder } from "../support/sdk-call-recorder";
import { resourcesOf, synthStacks } from "../support/synth";

/** Imports the bundle, probes for the repository's modules, invokes `handler` once per event. */
const RUNNER = `
import { pathToFileURL } from "node:url";
let probe = "unresolvable";
try { await import("@aws-sdk/client-dynamodb"); probe = "resolved"; } catch {}
const [entry, exported] = process.argv.slice(2);
const events = JSON.parse(process.env.EVENTS);
const module = await import(pathToFileURL(entry).href);
const context = { functionName: "shipped", awsRequestId: "shipped-test", getRemainingTimeInMillis: () => 10000 };
const results = [];
for (const event of events) results.push(await module[exported](event, context));
process.stdout.write(JSON.stringify({ probe, results }));
`;

const TABLE = "ShippedTickets";
let work: string;
let table: TestTable;
let synthesizedHashes: Record<string, string[]>;
let built: ReturnType<typeof bundleHandlers>;

beforeAll(async () => {
  // Outside the repository: nothing up the tree has a node_modules.
  work = mkdtempSync(join(tmpdir(), "shipped-bundles-"));
  table = await startTestTable(TABLE);
  const { tickets } = synthStacks();
  synthesizedHashes = {};
  for (const fn of Object.values(resourcesOf(tickets, "aws_lambda_function"))) {
    const name = /([^/]+)\.zip$/.exec(fn.filename)![1]!;
    (synthesizedHashes[name] ??= []).push(fn.source_code_hash);
  }
  built = bundleHandlers(join(work, "zips"));
});

afterAll(async () => {
  await table?.close();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** Unzips `name`'s bundle into its own folder and returns the entry's path. */
function unpack(name: HandlerName): string {
  const files = unzipSync(readFileSync(built[name].zipPath));
  expect(Object.keys(files)).toEqual([BUNDLE_ENTRY_FILE]);
  const folder = mkdtempSync(join(work, `${name}-`));
  writeFileSync(join(folder, BUNDLE_ENTRY_FILE), files[BUNDLE_ENTRY_FILE]!);
  writeFileSync(join(folder, "runner.mjs"), RUNNER);
  return folder;
}

/** Runs `name`'s unpacked bundle in a child Node with only the function's environment. */
function invoke(
  name: HandlerName,
  endpoint: string,
  events: unknown[],
): Promise<{ probe: string; results: APIGatewayProxyResult[] }> {
  const folder = unpack(name);
  const [file, exported] = BUNDLE_HANDLER.split(".") as [string, string];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    TABLE_NAME: TABLE,
    CORS_ALLOW_ORIGIN: "https://app.example.com",
    AWS_REGION: "eu-west-1",
    // The SDK's own endpoint and credential variables: the bundles know no local endpoint.
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    POWERTOOLS_LOG_LEVEL: "SILENT",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    EVENTS: JSON.stringify(events),
  };
  if ("idempotencyTableActions" in HANDLERS[name]) env.IDEMPOTENCY_TABLE_NAME = `${TABLE}-idempotency`;
  return new Promise((done, fail) =>
    execFile(
      process.execPath,
      ["runner.mjs", join(folder, `${file}.mjs`), exported],
      { cwd: folder, env, timeout: 20_000 },
      (error, stdout, stderr) =>
        error ? fail(new Error(`${name}: ${error.message}\n${stderr}`)) : done(JSON.parse(stdout) as never),
    ),
  );
}

test("the zips tested are the zips the synthesized functions deploy: same source_code_hash, in every region", () => {
  for (const name of HANDLER_NAMES) {
    const bytes = readFileSync(built[name].zipPath);
    expect(createHash("sha256").update(bytes).digest("base64")).toBe(built[name].sha256);
    expect(synthesizedHashes[name]!.length).toBeGreaterThan(1);
    expect(new Set(synthesizedHashes[name])).toEqual(new Set([built[name].sha256]));
  }
});

describe("each shipped bundle, unzipped outside the repository, runs in its own Node process", () => {
  let recorders: Record<HandlerName, CallRecorder>;
  let runs: Record<HandlerName, { probe: string; results: APIGatewayProxyResult[] }>;
  let reset: APIGatewayProxyResult;
  let resetting: CallRecorder;

  beforeAll(async () => {
    recorders = {} as typeof recorders;
    for (const name of HANDLER_NAMES) recorders[name] = await startCallRecorder(table.endpoint);
    // Creates first, so the list has something to page.
    const post = await invoke("tickets-post", recorders["tickets-post"].endpoint, [
      postEvent('{"description":"from the zip"}'),
      postEvent('{"description":"from the zip, keyed"}', false, { "Idempotency-Key": "shipped-1" }),
      postEvent('{"description":"from the zip, keyed"}', false, { "Idempotency-Key": "shipped-1" }),
      postEvent('{"description":""}'),
    ]);
    resetting = await startCallRecorder(table.endpoint);
    resetting.inject({ action: "dynamodb:Scan", fault: "reset" });
    const [get, health, resetRun] = await Promise.all([
      invoke("tickets-get", recorders["tickets-get"].endpoint, [
        proxyEvent({ queryStringParameters: { limit: "1" } }),
        proxyEvent({ queryStringParameters: { limit: "0" } }),
      ]),
      invoke("health", recorders.health.endpoint, [proxyEvent({ path: "/health", resource: "/health" })]),
      invoke("tickets-get", resetting.endpoint, [proxyEvent()]),
    ]);
    reset = resetRun.results[0]!;
    runs = { "tickets-post": post, "tickets-get": get, health };
  });

  afterAll(async () => {
    await Promise.all([...Object.values(recorders ?? {}), ...(resetting ? [resetting] : [])].map((recorder) => recorder.close()));
  });

  test.each(HANDLER_NAMES)("%s: the child can't resolve the repository's modules, only the bundle's own", (name) => {
    expect(runs[name].probe).toBe("unresolvable");
  });

  test("tickets-post: creates (keyed, and its retry the same ticket), and a bad body is a 400", () => {
    const [plain, keyed, retry, bad] = runs["tickets-post"].results;
    expect(plain!.statusCode).toBe(201);
    expect(JSON.parse(plain!.body)).toMatchObject({ description: "from the zip" });
    expect(keyed!.statusCode).toBe(201);
    expect(retry!.statusCode).toBe(201);
    expect(JSON.parse(retry!.body)).toEqual(JSON.parse(keyed!.body));
    expect(bad!.statusCode).toBe(400);
  });

  test("tickets-get: lists a page of what the zip created, and a bad limit is a 400", () => {
    const [page, bad] = runs["tickets-get"].results;
    expect(page!.statusCode).toBe(200);
    expect(JSON.parse(page!.body)).toHaveLength(1);
    expect(page!.headers).toHaveProperty("X-Next-Token");
    expect(bad!.statusCode).toBe(400);
  });

  test("health: the table answered", () => {
    const [ok] = runs.health.results;
    expect(ok!.statusCode).toBe(200);
    expect(JSON.parse(ok!.body)).toMatchObject({ region: "eu-west-1" });
  });

  test("a reset connection is a passing fault in the shipped code: 503 with Retry-After (under Jest, where the socket error crosses realms, the SDK drops its code)", () => {
    expect(reset.statusCode).toBe(503);
    expect(reset.headers).toMatchObject({ "Retry-After": "1" });
    expect(resetting.calls().map((call) => call.action)).toEqual(["dynamodb:Scan", "dynamodb:Scan"]);
  });

  test.each(HANDLER_NAMES)("%s: the zip's calls are only the manifest's actions", (name) => {
    const spec = HANDLERS[name];
    const allowed = new Set<string>([
      ...spec.tableActions.map((action) => `${action} ${TABLE}`),
      ...("idempotencyTableActions" in spec
        ? spec.idempotencyTableActions.map((action) => `${action} ${TABLE}-idempotency`)
        : []),
    ]);
    const calls = recorders[name].calls().map((call) => `${call.action} ${call.tableName}`);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((call) => !allowed.has(call))).toEqual([]);
  });
});
