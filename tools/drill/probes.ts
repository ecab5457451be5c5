/**
 * Probe tickets: written through `api.<domain>` while the drill runs, then read back in every
 * region. A ticket the API acknowledged (201) and a region does not have is lost.
 *
 * Each write goes to an address from Route 53's current answer (Host and TLS name stay
 * `api.<domain>`), so it lands where Route 53 sends new clients, not where this machine's
 * resolver cache points. Writes are never retried: the API does not deduplicate by
 * Idempotency-Key today, so a retry could store a ticket twice; the key is sent so a log
 * line or a future deduplicating API can match a ticket to its probe.
 */
import { NEXT_TOKEN_HEADER } from "../../lambdas/core/http";
import { PAGE_LIMITS } from "../../contract/ticket-json-schema";
import type { Clock } from "./clock";
import { describeAnswer, type HttpClient } from "./http";
import type { ProbeRecord } from "./record";
import type { DrillTargets, RegionTarget } from "./targets";

export const PROBE_TIMEOUT_MS = 10_000;
export const PROBE_CREATED_BY = "failover-drill";

export function idempotencyKey(drillId: string, index: number): string {
  return `${drillId}-probe-${String(index).padStart(3, "0")}`;
}

export interface ProbeTarget {
  readonly address: string | undefined;
  readonly servedBy: string | undefined;
}

export async function writeProbe(args: {
  http: HttpClient;
  targets: DrillTargets;
  drillId: string;
  index: number;
  total: number;
  target: ProbeTarget;
  at: number;
  signal: AbortSignal;
}): Promise<ProbeRecord> {
  const { http, targets, drillId, index, total, target, at, signal } = args;
  const key = idempotencyKey(drillId, index);
  const base = { index, idempotencyKey: key, at, address: target.address, servedBy: target.servedBy, readBack: undefined };
  try {
    const response = await http({
      method: "POST",
      url: new URL("ticket", targets.apiUrl).href,
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify({ description: `Failover drill ${drillId}: probe ${index} of ${total}`, createdBy: PROBE_CREATED_BY }),
      address: target.address,
      timeoutMs: PROBE_TIMEOUT_MS,
      signal,
    });
    const id = response.status === 201 ? (JSON.parse(response.body) as { id?: unknown }).id : undefined;
    if (typeof id === "string") {
      return { ...base, outcome: "written", httpStatus: response.status, ticketId: id, error: undefined };
    }
    return { ...base, outcome: "failed", httpStatus: response.status, ticketId: undefined, error: describeAnswer(response) };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    return { ...base, outcome: "failed", httpStatus: undefined, ticketId: undefined, error: (error as Error).message };
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
    const url = new URL("ticket", region.url);
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
