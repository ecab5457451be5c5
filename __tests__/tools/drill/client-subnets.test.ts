import { isIPv4 } from "node:net";
import { AWS_REGIONS } from "../../../config/aws-regions";
import {
  CLIENT_SUBNETS,
  CLIENT_SUBNETS_PROVENANCE,
  givenClientSubnet,
  prefixContains,
  regionClientSubnet,
} from "../../../tools/drill/client-subnets";
import { selectClientSubnets } from "../../../tools/drill/refresh-client-subnets";

test("every region of AWS_REGIONS has a client subnet, and nothing else does", () => {
  expect(Object.keys(CLIENT_SUBNETS).sort()).toEqual([...AWS_REGIONS].sort());
  for (const region of AWS_REGIONS) {
    const prefix = CLIENT_SUBNETS[region]!;
    expect(prefix).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    const subnet = regionClientSubnet(region)!;
    expect(isIPv4(subnet.ip)).toBe(true);
    expect(subnet.mask).toBe(24);
    expect(prefixContains(prefix, subnet.ip)).toBe(true);
    expect(Number(prefix.split("/")[1])).toBeLessThanOrEqual(24);
  }
  // No two regions share a prefix.
  expect(new Set(Object.values(CLIENT_SUBNETS)).size).toBe(AWS_REGIONS.length);
});

test("the file records where it comes from", () => {
  expect(CLIENT_SUBNETS_PROVENANCE.source).toMatch(/ip-ranges\.json/);
  expect(CLIENT_SUBNETS_PROVENANCE.createDate).toMatch(/^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/);
  expect(CLIENT_SUBNETS_PROVENANCE.syncToken).toMatch(/^\d+$/);
});

test("the selection: the widest EC2 prefix of the region itself, lowest address among equals", () => {
  const prefixes = [
    { ip_prefix: "3.5.0.0/16", region: "eu-west-1", service: "AMAZON", network_border_group: "eu-west-1" },
    { ip_prefix: "52.0.0.0/15", region: "eu-west-1", service: "EC2", network_border_group: "eu-west-1" },
    { ip_prefix: "34.0.0.0/15", region: "eu-west-1", service: "EC2", network_border_group: "eu-west-1" },
    { ip_prefix: "15.0.0.0/12", region: "eu-west-1", service: "EC2", network_border_group: "eu-west-1-lax-1" },
  ];
  const others = AWS_REGIONS.filter((region) => region !== "eu-west-1").map((region, index) => ({
    ip_prefix: `10.${index}.0.0/16`,
    region,
    service: "EC2",
    network_border_group: region,
  }));
  const file = selectClientSubnets(
    JSON.stringify({ syncToken: "1", createDate: "2026-01-01-00-00-00", prefixes: [...prefixes, ...others] }),
    "test",
  );
  expect(file.regions["eu-west-1"]).toBe("34.0.0.0/15");
  expect(() => selectClientSubnets(JSON.stringify({ syncToken: "1", createDate: "x", prefixes }), "test")).toThrow(
    /no EC2 IPv4 prefix for af-south-1/,
  );
});

test("--client-subnet takes an IPv4 address only", () => {
  expect(givenClientSubnet("198.51.100.7")).toEqual({ ip: "198.51.100.7", mask: 24, source: "--client-subnet" });
  expect(givenClientSubnet("2001:db8::1")).toBeUndefined();
  expect(givenClientSubnet("eu-west-1")).toBeUndefined();
});
