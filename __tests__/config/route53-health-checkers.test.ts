import {
  HEALTH_CHECKER_RANGES,
  HEALTH_CHECKER_REGIONS,
  healthCheckerCidrs,
  healthCheckerRangesDate,
} from "../../config/route53-health-checkers";
import { describeRefresh, extractHealthCheckerRanges } from "../../tools/refresh-health-checkers";

/** How old the vendored ranges may be before the suite asks for `npm run refresh:health-checkers`. */
const MAX_AGE_DAYS = 365;

describe("the vendored Route 53 health checker ranges", () => {
  test("name the date AWS published them, and that date is recent enough", () => {
    expect(HEALTH_CHECKER_RANGES.service).toBe("ROUTE53_HEALTHCHECKS");
    expect(HEALTH_CHECKER_RANGES.createDate).toMatch(/^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/);
    const published = Date.parse(`${healthCheckerRangesDate()}T00:00:00Z`);
    const ageDays = (Date.now() - published) / 86_400_000;
    expect({
      published: healthCheckerRangesDate(),
      tooOld: ageDays > MAX_AGE_DAYS,
      refresh: "npm run refresh:health-checkers",
    }).toEqual({ published: healthCheckerRangesDate(), tooOld: false, refresh: "npm run refresh:health-checkers" });
  });

  test("hold IPv4 and IPv6 ranges for every region a check can be probed from", () => {
    for (const region of HEALTH_CHECKER_REGIONS) {
      expect(HEALTH_CHECKER_RANGES.prefixes.some((p) => p.region === region)).toBe(true);
      expect(HEALTH_CHECKER_RANGES.ipv6_prefixes.some((p) => p.region === region)).toBe(true);
    }
  });
});

describe("healthCheckerCidrs", () => {
  const cidrs = healthCheckerCidrs(["us-east-1", "eu-west-1", "ap-southeast-1"]);

  test("takes the chosen regions' ranges and those filed under no selectable region (GLOBAL)", () => {
    expect(cidrs).toContain("15.177.0.0/18");
    expect(cidrs).toEqual(expect.arrayContaining(["54.228.16.0/26", "176.34.159.192/26", "2a05:d018:7ff:f800::/56"]));
    expect(cidrs).toEqual(expect.arrayContaining(["107.23.255.0/26", "54.251.31.128/26"]));
  });

  test("leaves out checker regions not chosen and other partitions", () => {
    // sa-east-1 and us-west-2 checkers are not chosen; China, GovCloud and the sovereign cloud are never ours.
    for (const cidr of ["177.71.207.128/26", "54.244.52.192/26", "52.80.197.0/25", "18.253.167.0/25", "51.0.252.0/24"]) {
      expect(cidrs).not.toContain(cidr);
    }
  });

  test("a different choice gives different ranges", () => {
    const other = healthCheckerCidrs(["us-west-2", "sa-east-1", "ap-northeast-1"]);
    expect(other).toContain("54.244.52.192/26");
    expect(other).not.toContain("54.228.16.0/26");
  });
});

describe("refresh:health-checkers", () => {
  const ipRanges = {
    syncToken: "1800000000",
    createDate: "2027-01-15-10-00-00",
    prefixes: [
      { ip_prefix: "15.177.0.0/18", region: "GLOBAL", service: "ROUTE53_HEALTHCHECKS" },
      { ip_prefix: "54.228.16.0/26", region: "eu-west-1", service: "ROUTE53_HEALTHCHECKS" },
      { ip_prefix: "3.5.0.0/16", region: "eu-west-1", service: "S3" },
    ],
    ipv6_prefixes: [{ ipv6_prefix: "2a05:d018:7ff:f800::/56", region: "eu-west-1", service: "ROUTE53_HEALTHCHECKS" }],
  };

  test("keeps the health checkers' entries with the file's token and date", () => {
    expect(extractHealthCheckerRanges(JSON.stringify(ipRanges))).toEqual({
      source: "https://ip-ranges.amazonaws.com/ip-ranges.json",
      service: "ROUTE53_HEALTHCHECKS",
      syncToken: "1800000000",
      createDate: "2027-01-15-10-00-00",
      prefixes: [
        { ip_prefix: "15.177.0.0/18", region: "GLOBAL" },
        { ip_prefix: "54.228.16.0/26", region: "eu-west-1" },
      ],
      ipv6_prefixes: [{ ipv6_prefix: "2a05:d018:7ff:f800::/56", region: "eu-west-1" }],
    });
  });

  test.each([
    ["not JSON", "<html>", /^not JSON/],
    ["without createDate", JSON.stringify({ prefixes: [] }), /no createDate/],
    [
      "without health checker ranges",
      JSON.stringify({ ...ipRanges, prefixes: [ipRanges.prefixes[2]] }),
      /no ROUTE53_HEALTHCHECKS prefixes/,
    ],
  ])("rejects a file %s", (_case, text, message) => {
    expect(() => extractHealthCheckerRanges(text)).toThrow(message);
  });

  test("says what changed", () => {
    const after = extractHealthCheckerRanges(JSON.stringify(ipRanges));
    expect(describeRefresh(HEALTH_CHECKER_RANGES, after)).toMatch(
      /^ROUTE53_HEALTHCHECKS ranges of 2027-01-15-10-00-00 \(syncToken 1800000000\): 2 IPv4, 1 IPv6; dropped /,
    );
    expect(describeRefresh(after, after)).toMatch(/; no range changed$/);
  });
});
