/**
 * Writes `tools/drill/region-client-subnets.json`: for each region of `AWS_REGIONS`, one of its
 * EC2 IPv4 prefixes from AWS's published `ip-ranges.json`. An active-active drill passes an
 * address of the drilled region's prefix to Route 53's TestDNSAnswer as EDNS0ClientSubnetIP,
 * so latency routing answers as it would for a client in that region's area.
 *
 *   node --import tsx tools/drill/refresh-client-subnets.ts <ip-ranges.json> [<source description>]
 *
 * The choice is deterministic: the region's widest EC2 prefix whose network border group is
 * the region itself (no Local or Wavelength Zone), the lowest address among equals.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AWS_REGIONS } from "../../config/aws-regions";

export const CLIENT_SUBNETS_FILE = join(__dirname, "region-client-subnets.json");

interface IpRanges {
  syncToken?: unknown;
  createDate?: unknown;
  prefixes?: { ip_prefix?: unknown; region?: unknown; service?: unknown; network_border_group?: unknown }[];
}

export interface ClientSubnetsFile {
  readonly source: string;
  readonly createDate: string;
  readonly syncToken: string;
  readonly selection: string;
  readonly regions: Readonly<Record<string, string>>;
}

function addressValue(prefix: string): number {
  return prefix
    .split("/")[0]!
    .split(".")
    .reduce((value, octet) => value * 256 + Number(octet), 0);
}

export function selectClientSubnets(text: string, source: string): ClientSubnetsFile {
  const document = JSON.parse(text) as IpRanges;
  if (typeof document.createDate !== "string" || typeof document.syncToken !== "string") {
    throw new Error("no createDate or syncToken: is this AWS's ip-ranges.json?");
  }
  const regions: Record<string, string> = {};
  const missing: string[] = [];
  for (const region of AWS_REGIONS) {
    const candidates = (document.prefixes ?? [])
      .filter((entry) => entry.service === "EC2" && entry.region === region && entry.network_border_group === region)
      .map((entry) => String(entry.ip_prefix))
      .sort((a, b) => Number(a.split("/")[1]) - Number(b.split("/")[1]) || addressValue(a) - addressValue(b));
    if (candidates[0] === undefined) missing.push(region);
    else regions[region] = candidates[0];
  }
  if (missing.length > 0) throw new Error(`no EC2 IPv4 prefix for ${missing.join(", ")}`);
  return {
    source,
    createDate: document.createDate,
    syncToken: document.syncToken,
    selection:
      "per region: the widest EC2 IPv4 prefix whose network_border_group is the region, lowest address among equals " +
      "(tools/drill/refresh-client-subnets.ts)",
    regions,
  };
}

if (require.main === module) {
  const [file, source] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write("usage: node --import tsx tools/drill/refresh-client-subnets.ts <ip-ranges.json> [<source>]\n");
    process.exitCode = 2;
  } else {
    const result = selectClientSubnets(readFileSync(file, "utf8"), source ?? "https://ip-ranges.amazonaws.com/ip-ranges.json");
    writeFileSync(CLIENT_SUBNETS_FILE, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `wrote ${CLIENT_SUBNETS_FILE} (${Object.keys(result.regions).length} regions, createDate ${result.createDate})\n`,
    );
  }
}
