/**
 * Probe tickets: written through `api.<domain>` while the drill runs, then read back in every
 * region. A ticket the API acknowledged (201) and a region does not have is lost.
 *
 * Each write goes to an address from Route 53's current answer (Host and TLS name stay
 * `api.<domain>`), so it lands where Route 53 sends new clients, not where this machine's
 * resolver cache points. A write that fails on the way (no answer, 409, 429, 502-504) is
 * retried with the same Idempotency-Key and body at the same address: the API then answers
 * the first ticket instead of storing a second (docs/api-behaviour.md), a guarantee that is
 * exact within one region, which the pinned address keeps the retry in.
 */
import { NEXT_TOKEN_HEADER } from "../../lambdas/core/http";
import { TICKETS_PATH } from "../../contract/handlers";
import { IDEMPOTENCY_KEY, JSON_MEDIA_TYPE, PAGE_LIMITS } from "../../contract/ticket-json-schema";
import type { Clock } from "./clock";
import { describeAnswer, type HttpClient, type HttpResponse } from "./http";
import type { ProbeRecord } from "./record";
import type { DrillTargets, RegionTarget } from "./targets";

export const PROBE_TIMEOUT_MS = 10_000;
export const PROBE_CREATED_BY = "failover-drill";
export const PROBE_ATTEMPTS = 3;
/** Statuses worth a retry: in progress (409), throttled (429), gateway or table trouble (502-504). */
const RETRYABLE_STATUSES = new Set([409, 429, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 5_000;

export function idempotencyKey(drillId: string, index: number): string {
  return `${drillId}-probe-${String(index).padStart(3, "0")}`;
}

export interface ProbeTarget {
  readonly address: string | undefined;
  readonly servedBy: string | undefined;
}

/** `Retry-After` seconds (capped), else one second. */
function retryDelayMs(response: HttpResponse | undefined): number {
  const seconds = Number(response?.headers["retry-after"]);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : 1000;
}

export async function writeProbe(args: {
  http: HttpClient;
  clock: Clock;
  targets: DrillTargets;
  drillId: string;
  index: number;
  total: number;
  target: ProbeTarget;
  at: number;
  signal: AbortSignal;
}): Promise<ProbeRecord> {
  const { http, clock, targets, drillId, index, total, target, at, signal } = args;
  const key = idempotencyKey(drillId, index);
  const request = {
    method: "POST",
    url: new URL(TICKETS_PATH.slice(1), targets.apiUrl).href,
    headers: { "content-type": JSON_MEDIA_TYPE, [IDEMPOTENCY_KEY.header.toLowerCase()]: key },
    body: JSON.stringify({ description: `Failover drill ${drillId}: probe ${index} of ${total}`, createdBy: PROBE_CREATED_BY }),
    address: target.address,
    timeoutMs: PROBE_TIMEOUT_MS,
    signal,
  } as const;
  const probe = (attempts: number, outcome: Pick<ProbeRecord, "outcome" | "httpStatus" | "ticketId" | "error">): ProbeRecord => ({
    index,
    idempotencyKey: key,
    at,
    address: target.address,
    servedBy: target.servedBy,
    attempts,
    ...outcome,
    readBack: undefined,
  });
  for (let attempt = 1; ; attempt += 1) {
    let response: HttpResponse | undefined;
    let error: string;
    try {
      response = await http(request);
      const id = response.status === 201 ? (JSON.parse(response.body) as { id?: unknown }).id : undefined;
      if (typeof id === "string") return probe(attempt, { outcome: "written", httpStatus: 201, ticketId: id, error: undefined });
      error = describeAnswer(response);
      if (!RETRYABLE_STATUSES.has(response.status)) {
        return probe(attempt, { outcome: "failed", httpStatus: response.status, ticketId: undefined, error });
      }
    } catch (thrown) {
      if (signal.aborted) throw signal.reason;
      error = (thrown as Error).message;
    }
    if (attempt >= PROBE_ATTEMPTS) {
      return probe(attempt, { outcome: "failed", httpStatus: response?.status, ticketId: undefined, error });
    }
    await clock.sleep(retryDelayMs(response), signal);
  }
}

export const READ_PAGE_TIMEOUT_MS = 15_000;

/** Ids among `wanted` that a region lists, following `X-Next-Token` until all are found or the pages end. */
async function findInRegion(
  http: HttpClient,
  region: RegionTarget,
  wanted: ReadonlySet<string>,
  signal: AbortSignal,
): Promise<Set<string>> {
  const found = new Set<string>();
  let nextToken: string | undefined;
  do {
    const url = new URL(TICKETS_PATH.slice(1), region.url);
    url.searchParams.set("limit", String(PAGE_LIMITS.max));
    if (nextToken !== undefined) url.searchParams.set("nextToken", nextToken);
    const response = await http({ method: "GET", url: url.href, timeoutMs: READ_PAGE_TIMEOUT_MS, signal });
    if (response.status !== 200) throw new Error(`GET ${url.href} answered ${describeAnswer(response)}`);
    const page = JSON.parse(response.body) as unknown;
    if (!Array.isArray(page)) throw new Error(`GET ${url.href} answered a non-array`);
    for (const ticket of page as { id?: unknown }[]) {
      if (typeof ticket?.id === "string" && wanted.has(ticket.id)) found.add(ticket.id);
    }
    nextToken = response.headers[NEXT_TOKEN_HEADER.toLowerCase()];
  } while (nextToken !== undefined && found.size < wanted.size);
  return found;
}

export interface ReadBackResult {
  /** Per region, the ticket ids it never listed. */
  readonly missing: ReadonlyMap<string, ReadonlySet<string>>;
  /** Per region, the last error reading it, if the last attempt failed. */
  readonly errors: ReadonlyMap<string, string>;
}

/**
 * Reads every region until each lists every id, retrying for `graceMs` (global table
 * replication usually takes about a second, but may lag).
 */
export async function readBack(args: {
  http: HttpClient;
  clock: Clock;
  regions: readonly RegionTarget[];
  ticketIds: readonly string[];
  retryMs: number;
  graceMs: number;
  signal: AbortSignal;
}): Promise<ReadBackResult> {
  const { http, clock, regions, ticketIds, retryMs, graceMs, signal } = args;
  const deadline = clock.now() + graceMs;
  const missing = new Map(regions.map((region) => [region.name, new Set(ticketIds)]));
  const errors = new Map<string, string>();
  for (;;) {
    for (const region of regions) {
      const wanted = missing.get(region.name)!;
      if (wanted.size === 0) continue;
      try {
        for (const id of await findInRegion(http, region, wanted, signal)) wanted.delete(id);
        errors.delete(region.name);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        errors.set(region.name, (error as Error).message);
      }
    }
    const remaining = deadline - clock.now();
    if ([...missing.values()].every((ids) => ids.size === 0) || remaining <= 0) return { missing, errors };
    await clock.sleep(Math.min(retryMs, remaining), signal);
  }
}
