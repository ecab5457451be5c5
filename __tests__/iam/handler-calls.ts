/**
 * The handlers' AWS calls, recorded while they run the scenarios of the handler tests: creates
 * with and without an Idempotency-Key, retries (in the same region and, after replication, in
 * another), the 409 and 422 paths, list pages, health, bad requests, and every fault of
 * faults.test.ts at every call it can hit. Each function of each region is cold started with
 * the environment the synthesized stack gives it, behind its own call recorder, in front of
 * the replicated-tables model of the global tables (which answers a failed conditional write
 * with the old item, as DynamoDB does).
 *
 * Run inside the test file that checks the calls: Jest runs files in separate workers, so a
 * list written by another file's run could be stale or missing.
 */
import { createHash } from "node:crypto";
import type { APIGatewayProxyResult } from "aws-lambda";
import { HANDLER_NAMES, IDEMPOTENCY_TABLE, type HandlerName } from "../../contract/handlers";
import { NEXT_TOKEN_HEADER } from "../../lambdas/core/http";
import { createIdempotencyTable, createTicketsTable, startDynalite } from "../../tools/local-api/embedded-dynamodb";
import { lambdaContext, postEvent, proxyEvent, recordedColdStart } from "../lambdas/helpers";
import { startReplicatedTables } from "../support/replicated-tables";
import { FAULTS, type CallRecorder, type Fault, type RecordedCall } from "../support/sdk-call-recorder";

/** A function's environment variables as the synthesized stack sets them (references resolved). */
export type FunctionEnv = Readonly<Record<string, string>>;

export interface ScenarioOutcome {
  readonly region: string;
  readonly scenario: string;
  readonly expected: number;
  readonly actual: number;
  /** The answer's message, to tell why when `actual` is not `expected`. */
  readonly message: string;
}

export interface RecordedRun {
  /** Per region, per function: every call its handler made against DynamoDB's semantics. */
  readonly calls: Record<string, Record<HandlerName, RecordedCall[]>>;
  /**
   * Per region: tickets-post's calls against a store that omits the old item of a failed
   * conditional write (plain dynalite). Powertools then reads the record with GetItem.
   */
  readonly withoutOldItem: Record<string, RecordedCall[]>;
  /** Every scenario's expected and actual status: a fault that missed its call shows here. */
  readonly outcomes: ScenarioOutcome[];
}

/** Faults the handlers treat as passing (503); the others (a denied call, a missing table) stay 500. */
const PASSING: ReadonlySet<Fault> = new Set<Fault>(["throttled", "throttling", "internal", "unavailable", "hang"]);
/**
 * A reset connection is a passing fault in Lambda (ECONNRESET: 503), but under Jest the socket
 * error comes from Node's realm, and the SDK's wrapper for such an error keeps only its message
 * ("socket hang up", no code): 500 here. The calls are the same either way.
 */
const statusAfter = (fault: Fault) => (fault === "reset" ? 500 : PASSING.has(fault) ? 503 : 500);

/** Powertools' record id of a key: `<prefix>#` and the base64 SHA-256 of the key as JSON. */
const recordIdOf = (key: string) => `tickets-post#${createHash("sha256").update(JSON.stringify(key)).digest("base64")}`;

/**
 * The health read's faults, one after the other: a missing table, a server error, a reset and a
 * hang (handlers.test.ts's cases). It catches every error alike, so the throttles add only time.
 */
const HEALTH_FAULTS: readonly Fault[] = ["not-found", "internal", "reset", "hang"];

type Invoke = (event: Parameters<typeof proxyEvent>[0]) => Promise<APIGatewayProxyResult>;

interface RegionHandlers {
  region: string;
  handlers: Record<HandlerName, Invoke>;
  recorders: Record<HandlerName, CallRecorder>;
  /** The same functions with short attempt timeouts, for the calls that hang. */
  impatient: Record<Impatient, Invoke>;
  impatientRecorders: Record<Impatient, CallRecorder>;
}

/**
 * Attempt timeouts (`DYNAMODB_REQUEST_TIMEOUT_MS`): dozens of requests at once queue at the
 * single-threaded emulator and the model's per-region write lock for longer than the deployed
 * 1 s, which would turn every case into a timeout. A hanging call is cut at 4 s, not the
 * deployed 1 s: the same function makes ordinary calls first (the keyed create's idempotency
 * record), and under `npm test`, beside terraform on 2 cores, one of those has taken over 1 s;
 * cut, its write had landed, so its retry found the key in progress and answered 409.
 */
const PATIENT_MS = "20000";
const IMPATIENT_MS = "4000";
/** The functions whose calls hang in a scenario (the health read has its own deadline). */
const IMPATIENT = ["tickets-post", "tickets-get"] as const;
type Impatient = (typeof IMPATIENT)[number];

/** Runs every scenario in every region of `regions`; `envs` is each function's synthesized environment. */
export async function recordHandlerCalls(
  regions: readonly string[],
  envs: Readonly<Record<HandlerName, FunctionEnv>>,
): Promise<RecordedRun> {
  const tableName = envs["tickets-post"].TABLE_NAME!;
  const recordsTable = envs["tickets-post"].IDEMPOTENCY_TABLE_NAME!;
  const world = await startReplicatedTables({
    regions,
    tables: [
      { name: tableName, hashKey: "id" },
      { name: recordsTable, hashKey: IDEMPOTENCY_TABLE.hashKey },
    ],
    delayMs: Infinity,
  });
  const plain = await startDynalite();
  const recorders: CallRecorder[] = [];
  const outcomes: ScenarioOutcome[] = [];
  try {
    await createTicketsTable(plain.endpoint, tableName);
    await createIdempotencyTable(plain.endpoint, recordsTable);

    const start = async (name: HandlerName, region: string, endpoint: string, timeoutMs = PATIENT_MS) => {
      const env = {
        ...envs[name],
        DYNAMODB_ENDPOINT: endpoint,
        DYNAMODB_REQUEST_TIMEOUT_MS: timeoutMs,
        AWS_REGION: region,
        AWS_LAMBDA_FUNCTION_NAME: undefined,
      };
      const { handler, recorder } = await recordedColdStart(name, env);
      recorders.push(recorder);
      return { handler, recorder };
    };
    const perRegion: RegionHandlers[] = [];
    for (const region of regions) {
      const started = { handlers: {}, recorders: {}, impatient: {}, impatientRecorders: {} } as Omit<RegionHandlers, "region">;
      for (const [names, invokers, recorderSet, timeoutMs] of [
        [HANDLER_NAMES, started.handlers, started.recorders, PATIENT_MS],
        [IMPATIENT, started.impatient, started.impatientRecorders, IMPATIENT_MS],
      ] as const) {
        for (const name of names) {
          const { handler, recorder } = await start(name, region, world.regions[region]!.endpoint, timeoutMs);
          (invokers as Record<HandlerName, Invoke>)[name] = (event) => handler(proxyEvent(event), lambdaContext(name));
          (recorderSet as Record<HandlerName, CallRecorder>)[name] = recorder;
        }
      }
      perRegion.push({ region, ...started });
    }

    const check = async (region: string, scenario: string, expected: number, run: Promise<APIGatewayProxyResult>) => {
      const result = await run;
      outcomes.push({ region, scenario, expected, actual: result.statusCode, message: messageOf(result) });
      return result;
    };

    // In every region at once: the scenarios of one region, each on its own key and body.
    await Promise.all(perRegion.map((handlers) => regionScenarios(handlers, recordsTable, tableName, check)));

    // Replication, then a retry of each region's keyed create in the next region.
    const travelling = (region: string) => ({ key: `${region}-travels`, body: `{"description":"travels from ${region}"}` });
    for (const { region, handlers } of perRegion) {
      const { key, body } = travelling(region);
      await check(region, "keyed create (to be retried in another region)", 201, handlers["tickets-post"](keyed(body, key)));
    }
    // Only the travelling keys' records: a replay answers from the record alone, and the rest
    // of the writes would take seconds to deliver.
    const travellingRecords = new Set(perRegion.map(({ region }) => recordIdOf(travelling(region).key)));
    await world.settle((delivery) => delivery.table === recordsTable && travellingRecords.has(String(delivery.key.id?.S)));
    await Promise.all(
      perRegion.map(async ({ region, handlers }, index) => {
        const from = perRegion[(index + perRegion.length - 1) % perRegion.length]!.region;
        const { key, body } = travelling(from);
        await check(region, `retry of ${from}'s keyed create after replication`, 201, handlers["tickets-post"](keyed(body, key)));
        await check(
          region,
          `${from}'s key with another body`,
          422,
          handlers["tickets-post"](keyed('{"description":"other"}', key)),
        );
        await check(region, "list after replication", 200, handlers["tickets-get"]({}));
      }),
    );

    // A store without the old item of a failed condition: Powertools' fallback read.
    const withoutOldItem: Record<string, RecordedCall[]> = {};
    for (const region of regions) {
      const { handler, recorder } = await start("tickets-post", region, plain.endpoint);
      const post = (event: Parameters<typeof proxyEvent>[0]) => handler(proxyEvent(event), lambdaContext("tickets-post"));
      const body = `{"description":"no old item in ${region}"}`;
      await check(region, "keyed create, store without ALL_OLD", 201, post(keyed(body, `${region}-plain`)));
      await check(region, "retry, store without ALL_OLD", 201, post(keyed(body, `${region}-plain`)));
      withoutOldItem[region] = recorder.calls();
    }

    const calls: RecordedRun["calls"] = {};
    for (const { region, recorders: byName, impatientRecorders } of perRegion) {
      calls[region] = Object.fromEntries(
        HANDLER_NAMES.map((name) => [
          name,
          [...byName[name].calls(), ...((impatientRecorders as Partial<Record<HandlerName, CallRecorder>>)[name]?.calls() ?? [])],
        ]),
      ) as Record<HandlerName, RecordedCall[]>;
    }
    return { calls, withoutOldItem, outcomes };
  } finally {
    await Promise.all(recorders.map((recorder) => recorder.close()));
    await world.close();
    await plain.close();
  }
}

function messageOf(result: APIGatewayProxyResult): string {
  try {
    return String((JSON.parse(result.body) as { message?: unknown }).message ?? "");
  } catch {
    return result.body.slice(0, 200);
  }
}

function keyed(body: string, key: string | undefined): Parameters<typeof proxyEvent>[0] {
  return postEvent(body, false, key === undefined ? {} : { "Idempotency-Key": key });
}

type Check = (
  region: string,
  scenario: string,
  expected: number,
  run: Promise<APIGatewayProxyResult>,
) => Promise<APIGatewayProxyResult>;

async function regionScenarios(
  { region, handlers, recorders, impatient, impatientRecorders }: RegionHandlers,
  recordsTable: string,
  tableName: string,
  check: Check,
): Promise<void> {
  const post = handlers["tickets-post"];
  const get = handlers["tickets-get"];
  const health = handlers.health;
  const postRecorder = recorders["tickets-post"];
  const on = (recorder: CallRecorder, action: string, table: string, fault: Fault, bodyIncludes?: string) =>
    recorder.inject({
      action: `dynamodb:${action}`,
      tableName: table,
      fault,
      ...(bodyIncludes === undefined ? {} : { bodyIncludes }),
    });

  // Creates, retries, conflicts, bad requests.
  const body = `{"description":"first in ${region}"}`;
  await check(region, "create without a key", 201, post(keyed(`{"description":"unkeyed in ${region}"}`, undefined)));
  await check(region, "create with a key", 201, post(keyed(body, `${region}-first`)));
  await check(region, "retry with the key", 201, post(keyed(body, `${region}-first`)));
  await check(region, "the key with another body", 422, post(keyed('{"description":"another"}', `${region}-first`)));
  await check(region, "a bad body", 400, post(keyed('{"description":""}', undefined)));
  await check(region, "a bad Idempotency-Key", 400, post(keyed(body, "")));
  await check(region, "another media type", 415, post({ ...keyed(body, undefined), headers: { "Content-Type": "text/plain" } }));

  // A key in progress: the first request's ticket write hangs while the second arrives. The
  // first ends (503, its record removed) alongside the scenarios below.
  const inProgress = `{"description":"in progress in ${region}"}`;
  const hanging = on(impatientRecorders["tickets-post"], "PutItem", tableName, "hang", `in progress in ${region}`);
  const first = check(
    region,
    "the key's first request, its ticket write hanging",
    503,
    impatient["tickets-post"](keyed(inProgress, `${region}-busy`)),
  );
  let firstDone = false;
  void first.finally(() => (firstDone = true));
  while (hanging.hits() === 0 && !firstDone) await new Promise((done) => setTimeout(done, 10));
  await check(region, "the same key while in progress", 409, post(keyed(inProgress, `${region}-busy`)));

  // Lists and health.
  const page = await check(region, "list one ticket", 200, get({ queryStringParameters: { limit: "1" } }));
  const nextToken = page.headers?.[NEXT_TOKEN_HEADER];
  if (typeof nextToken !== "string")
    throw new Error(`${region}: a one-ticket page of a table with more tickets has no ${NEXT_TOKEN_HEADER}`);
  await check(region, "list the next page", 200, get({ queryStringParameters: { nextToken } }));
  await check(region, "list", 200, get({}));
  await check(region, "list with a bad limit", 400, get({ queryStringParameters: { limit: "0" } }));
  await check(region, "list with a malformed token", 400, get({ queryStringParameters: { nextToken: "!" } }));
  // The read's deadline is the product's 1.5 s, which a loaded test machine can outlast: a
  // 503 here is retried (the calls are recorded either way), three 503s fail.
  let healthy = await health({ path: "/health" });
  for (let retry = 0; retry < 2 && healthy.statusCode === 503; retry++) healthy = await health({ path: "/health" });
  await check(region, "health", 200, Promise.resolve(healthy));

  // Every fault at every call, all at once: each case has its own body and key.
  const creates = Promise.all(
    FAULTS.flatMap((fault) => {
      const marker = `${fault} in ${region}`;
      // Idempotency-Key allows no spaces.
      const keyOf = (what: string) => `${fault}-${region}-${what}`;
      const cases: Promise<unknown>[] = [];
      // A hang goes to the impatient function, which gives up on it sooner.
      const [poster, recorder] =
        fault === "hang" ? [impatient["tickets-post"], impatientRecorders["tickets-post"]] : [post, postRecorder];
      const postCase = (scenario: string, expected: number, key: string | undefined, rules: (() => void)[]) => {
        rules.forEach((rule) => rule());
        cases.push(
          check(region, `${fault}: ${scenario}`, expected, poster(keyed(`{"description":"${marker} ${scenario}"}`, key))),
        );
      };
      const ticketWrite = (scenario: string) => () => on(recorder, "PutItem", tableName, fault, `${marker} ${scenario}`);
      const record = (action: string, key: string) => () => on(recorder, action, recordsTable, fault, recordIdOf(key));

      postCase("the ticket write, no key", statusAfter(fault), undefined, [ticketWrite("the ticket write, no key")]);
      const k2 = keyOf("record-write");
      postCase("the record write", statusAfter(fault), k2, [record("PutItem", k2)]);
      postCase("the ticket write, keyed", statusAfter(fault), keyOf("keyed"), [ticketWrite("the ticket write, keyed")]);
      if (fault === "throttled" || fault === "denied") {
        // As faults.test.ts has them (throttled), and a denied call: the same calls whatever the fault.
        const k4 = keyOf("both");
        postCase("the ticket write and the record's removal", statusAfter(fault), k4, [
          ticketWrite("the ticket write and the record's removal"),
          record("DeleteItem", k4),
        ]);
        const k5 = keyOf("completion");
        postCase("the record's completion", 201, k5, [record("UpdateItem", k5)]);
      }
      return cases;
    }),
  );
  // The Scan: each fault on its own page size. The health read carries nothing to tell cases
  // apart (the sentinel key), so one fault at a time; both alongside the creates' faults.
  const scans = FAULTS.map(async (fault, index) => {
    const limit = String(21 + index);
    const [getter, recorder] =
      fault === "hang" ? [impatient["tickets-get"], impatientRecorders["tickets-get"]] : [get, recorders["tickets-get"]];
    on(recorder, "Scan", tableName, fault, `"Limit":${limit}`);
    await check(region, `${fault}: the Scan`, statusAfter(fault), getter({ queryStringParameters: { limit } }));
  });
  const reads = (async () => {
    for (const fault of HEALTH_FAULTS) {
      on(recorders.health, "GetItem", tableName, fault);
      await check(region, `${fault}: the health read`, 503, health({ path: "/health" }));
      recorders.health.clearFaults();
    }
  })();
  await Promise.all([first, creates, ...scans, reads]);
}
