/**
 * The drill's HTTP layer: one function, injected so tests use a fake deployment. The Node
 * implementation can pin a request to an address from Route 53's answer while keeping the
 * URL's host for TLS (SNI, certificate check) and the Host header, which is how the drill
 * asks "who answers at this address" without the local resolver's cache.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";

export interface HttpRequest {
  readonly method: "GET" | "POST";
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Connect to this IP address instead of resolving the URL's host. */
  readonly address?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

/** A response body larger than this is cut off: the drill reads JSON pages of tickets. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return (_hostname, options, callback) => {
    // Node asks for every address (`all`) when it races IPv4 and IPv6 (autoSelectFamily).
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [
        { address, family },
      ]);
    } else {
      callback(null, address, family);
    }
  };
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : value]),
  );
}

/** `http:` and `https:` URLs over node:http(s); a timeout or abort rejects. */
export const nodeHttpClient: HttpClient = (req) =>
  new Promise<HttpResponse>((resolvePromise, reject) => {
    const url = new URL(req.url);
    if (req.address !== undefined && isIP(req.address) === 0) {
      reject(new Error(`not an IP address: ${req.address}`));
      return;
    }
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const body = req.body === undefined ? undefined : Buffer.from(req.body, "utf8");
    const client = send(
      url,
      {
        method: req.method,
        headers: { ...req.headers, ...(body === undefined ? {} : { "content-length": String(body.length) }) },
        timeout: req.timeoutMs,
        signal: req.signal,
        ...(req.address === undefined ? {} : { lookup: pinnedLookup(req.address) }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            response.destroy(new Error(`${req.method} ${req.url}: response larger than ${MAX_BODY_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on("error", reject);
        response.on("end", () =>
          resolvePromise({
            status: response.statusCode ?? 0,
            headers: flattenHeaders(response.headers),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    client.on("timeout", () => client.destroy(new Error(`${req.method} ${req.url}: no answer within ${req.timeoutMs} ms`)));
    client.on("error", reject);
    client.end(body);
  });

/** `{"message": ...}` of an error answer, else the start of the body. */
export function describeAnswer(response: HttpResponse): string {
  try {
    const parsed = JSON.parse(response.body) as { message?: unknown };
    if (typeof parsed.message === "string") return `${response.status} ${parsed.message}`;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const text = response.body.replace(/\s+/g, " ").trim();
  return text === "" ? String(response.status) : `${response.status} ${text.slice(0, 120)}`;
}
