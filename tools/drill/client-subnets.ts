/**
 * Where an active-active drill asks Route 53 from: an address in the drilled region's area,
 * passed to TestDNSAnswer as EDNS0ClientSubnetIP (with EDNS0ClientSubnetMask) so latency
 * routing answers as it would for a client there. The addresses are EC2 prefixes of each
 * region from AWS's ip-ranges.json, vendored in region-client-subnets.json (its `source`,
 * `createDate` and `syncToken` say which file; refresh-client-subnets.ts rewrites it).
 */
import { isIPv4 } from "node:net";
import vendored from "./region-client-subnets.json";

/** Bits of the address Route 53 sees (TestDNSAnswer's default for IPv4, and what resolvers commonly send). */
export const CLIENT_SUBNET_MASK = 24;

export interface ClientSubnet {
  /** EDNS0ClientSubnetIP. */
  readonly ip: string;
  /** EDNS0ClientSubnetMask. */
  readonly mask: number;
  /** Where the address comes from: an EC2 prefix of the region, or `--client-subnet`. */
  readonly source: string;
}

export const CLIENT_SUBNETS: Readonly<Record<string, string>> = vendored.regions;
export const CLIENT_SUBNETS_PROVENANCE = {
  source: vendored.source,
  createDate: vendored.createDate,
  syncToken: vendored.syncToken,
};

/** `3.248.0.0/24` */
export function describeClientSubnet(subnet: ClientSubnet): string {
  return `${subnet.ip}/${subnet.mask}`;
}

/** The vendored client subnet of an AWS region (the network address of one of its EC2 prefixes). */
export function regionClientSubnet(region: string): ClientSubnet | undefined {
  const prefix = CLIENT_SUBNETS[region];
  if (prefix === undefined) return undefined;
  return {
    ip: prefix.split("/")[0]!,
    mask: CLIENT_SUBNET_MASK,
    source: `EC2 prefix ${prefix} of ${region} (ip-ranges.json ${vendored.createDate})`,
  };
}

/** `--client-subnet <ipv4>`; undefined when `text` is not an IPv4 address. */
export function givenClientSubnet(text: string): ClientSubnet | undefined {
  return isIPv4(text) ? { ip: text, mask: CLIENT_SUBNET_MASK, source: "--client-subnet" } : undefined;
}

/** The addresses of an IPv4 prefix contain `ip`. */
export function prefixContains(prefix: string, ip: string): boolean {
  const [network, bits] = prefix.split("/");
  const value = (address: string) => address.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(value(ip) / size) === Math.floor(value(network!) / size);
}
