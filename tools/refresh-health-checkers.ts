/**
 * Refreshes `config/route53-health-checker-ranges.json`, the Route 53 health checkers' address
 * ranges that alone may call `GET /health`, from AWS's published `ip-ranges.json`.
 *
 *   npm run refresh:health-checkers                       downloads the current file
 *   npm run refresh:health-checkers -- --from <file>      reads a copy you downloaded
 *
 * Prints the file's date and what changed; writes nothing when the input is not an
 * `ip-ranges.json` with health-checker ranges. Then `npm run synth` and deploy: the APIs'
 * resource policies take the new ranges (API Gateway applies them with the next deployment,
 * which the stack makes whenever the policy changes).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../bundling/project-root";
import type { HealthCheckerRanges } from "../config/route53-health-checkers";
import { runCli } from "./cli-entry";

export const IP_RANGES_URL = "https://ip-ranges.amazonaws.com/ip-ranges.json";
const SERVICE = "ROUTE53_HEALTHCHECKS";
export const VENDORED_FILE = join(PROJECT_ROOT, "config", "route53-health-checker-ranges.json");

interface IpRanges {
  syncToken?: unknown;
  createDate?: unknown;
  prefixes?: { ip_prefix?: unknown; region?: unknown; service?: unknown }[];
  ipv6_prefixes?: { ipv6_prefix?: unknown; region?: unknown; service?: unknown }[];
}

/** The health checkers' entries of an `ip-ranges.json`, in the file's order. */
export function extractHealthCheckerRanges(text: string): HealthCheckerRanges {
  let document: IpRanges;
  try {
    document = JSON.parse(text) as IpRanges;
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof document.createDate !== "string" || !/^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/.test(document.createDate)) {
    throw new Error("no createDate of the form YYYY-MM-DD-hh-mm-ss: is this AWS's ip-ranges.json?");
  }
  const ours = <T extends { service?: unknown }>(entries: T[] | undefined) =>
    (entries ?? []).filter((e) => e.service === SERVICE);
  const prefixes = ours(document.prefixes).map((e) => ({ ip_prefix: String(e.ip_prefix), region: String(e.region) }));
  const ipv6 = ours(document.ipv6_prefixes).map((e) => ({ ipv6_prefix: String(e.ipv6_prefix), region: String(e.region) }));
  if (prefixes.length === 0) throw new Error(`no ${SERVICE} prefixes: is this AWS's ip-ranges.json?`);
  return {
    source: IP_RANGES_URL,
    service: SERVICE,
    syncToken: String(document.syncToken),
    createDate: document.createDate,
    prefixes,
    ipv6_prefixes: ipv6,
  };
}

const cidrsOf = (ranges: HealthCheckerRanges) =>
  new Set([...ranges.prefixes.map((p) => p.ip_prefix), ...ranges.ipv6_prefixes.map((p) => p.ipv6_prefix)]);

/** One line: the new file's date and the ranges it adds and drops. */
export function describeRefresh(before: HealthCheckerRanges | undefined, after: HealthCheckerRanges): string {
  const [old, now] = [before === undefined ? new Set<string>() : cidrsOf(before), cidrsOf(after)];
  const added = [...now].filter((cidr) => !old.has(cidr));
  const dropped = [...old].filter((cidr) => !now.has(cidr));
  const change =
    added.length + dropped.length === 0
      ? "no range changed"
      : [added.length > 0 && `added ${added.join(", ")}`, dropped.length > 0 && `dropped ${dropped.join(", ")}`]
          .filter(Boolean)
          .join("; ");
  return `${after.service} ranges of ${after.createDate} (syncToken ${after.syncToken}): ${after.prefixes.length} IPv4, ${after.ipv6_prefixes.length} IPv6; ${change}`;
}

/** Writes the vendored file atomically (a temporary file renamed over it). */
export function writeVendored(ranges: HealthCheckerRanges, path = VENDORED_FILE): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(ranges, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: "string" } } });
  const text =
    values.from === undefined
      ? await fetch(IP_RANGES_URL).then((response) => {
          if (!response.ok) throw new Error(`GET ${IP_RANGES_URL} answered ${response.status}`);
          return response.text();
        })
      : readFileSync(values.from, "utf8");
  const ranges = extractHealthCheckerRanges(text);
  const before = JSON.parse(readFileSync(VENDORED_FILE, "utf8")) as HealthCheckerRanges;
  writeVendored(ranges);
  console.log(describeRefresh(before, ranges));
}

if (require.main === module) runCli("refresh:health-checkers", main);
