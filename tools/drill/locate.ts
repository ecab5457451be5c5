/**
 * Which region serves an address of `api.<domain>`. TestDNSAnswer returns addresses, not
 * the record that produced them, and API Gateway's regional addresses are shared and rotate,
 * so the drill asks the address itself: `GET https://api.<domain>/health` connected to that
 * address answers `{"region": ...}` (200, or 503 with the same body). Answers are cached per
 * address for the drill's duration.
 */
import { HEALTH_PATH } from "../../contract/handlers";
import type { HttpClient, HttpResponse } from "./http";

export const LOCATE_TIMEOUT_MS = 5_000;

/** `{"region": ...}` of a health answer (200 or 503), else undefined. */
export function regionOfHealthAnswer(response: HttpResponse): string | undefined {
  if (response.status !== 200 && response.status !== 503) return undefined;
  try {
    const { region } = JSON.parse(response.body) as { region?: unknown };
    return typeof region === "string" ? region : undefined;
  } catch {
    return undefined;
  }
}

export type Located = { readonly region: string } | { readonly error: string };

export class AddressLocator {
  private readonly regionByAddress = new Map<string, string>();

  constructor(
    private readonly http: HttpClient,
    /** `https://api.<domain>/` */
    private readonly apiUrl: string,
  ) {}

  /** The region answering at the first of `addresses` (one alias target's addresses all share a region). */
  async locate(addresses: readonly string[], signal?: AbortSignal): Promise<Located> {
    const address = addresses[0];
    if (address === undefined) return { error: "no address in the answer" };
    const known = this.regionByAddress.get(address);
    if (known !== undefined) return { region: known };
    const url = new URL(HEALTH_PATH.slice(1), this.apiUrl).href;
    let response: HttpResponse;
    try {
      response = await this.http({ method: "GET", url, address, timeoutMs: LOCATE_TIMEOUT_MS, signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return { error: `GET ${url} at ${address}: ${(error as Error).message}` };
    }
    const region = regionOfHealthAnswer(response);
    if (region === undefined) return { error: `GET ${url} at ${address} answered ${response.status} without a region` };
    this.regionByAddress.set(address, region);
    return { region };
  }
}
