import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { PROJECT_ROOT } from "../../build/project-root";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, parseConfig } from "../../config/load";
import { DEFAULTS } from "../../config/schema";

/** The problems `parseConfig` reports for `raw` (empty when it is valid). */
function problemsOf(raw: unknown): readonly string[] {
  try {
    parseConfig(raw);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const withRegions = (regions: unknown) => ({ ...DEFAULTS, regions });

describe("defaults", () => {
  test("are the workshop's values", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      domainName: "example.com",
      regions: [
        { name: "eu-west-1", label: "ireland" },
        { name: "ap-southeast-1", label: "singapore" },
      ],
      tableName: "SXRTickets",
      healthCheck: { requestInterval: 10, failureThreshold: 1 },
      corsAllowOrigin: "*",
      stateBackend: { bucket: "wild-rydes-tickets-tfstate", keyPrefix: "wild-rydes-tickets", region: "eu-west-1" },
    });
    expect(config.hostedZoneId).toMatch(/^Z[A-Z0-9]+$/);
  });

  test("a settings file needs only the deployment's own keys; the rest defaults", () => {
    const config = parseConfig({
      domainName: "tickets.example.net",
      hostedZoneId: "Z123ABC",
      regions: [
        { name: "us-east-1", label: "virginia" },
        { name: "us-west-2", label: "oregon" },
      ],
      tags: { Team: "platform" },
    });
    expect(config.tableName).toBe("SXRTickets");
    expect(config.healthCheck).toEqual({ requestInterval: 10, failureThreshold: 1 });
    expect(config.tags).toEqual({ Project: "wild-rydes-tickets", ManagedBy: "cdktf", Team: "platform" });
  });
});

describe("TICKETS_CONFIG", () => {
  const dir = mkdtempSync(join(tmpdir(), "tickets-config-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  test("reads the named JSON file", () => {
    const path = file("ok.json", JSON.stringify({ ...DEFAULTS, domainName: "example.org" }));
    expect(loadConfig({ TICKETS_CONFIG: path }).domainName).toBe("example.org");
  });

  test("a missing file is an error naming the variable and the path", () => {
    expect(() => loadConfig({ TICKETS_CONFIG: join(dir, "nope.json") })).toThrow(
      /TICKETS_CONFIG: cannot read ".*nope\.json": file not found/,
    );
  });

  test("broken JSON is an error naming the variable", () => {
    const path = file("broken.json", '{ "domainName": ');
    expect(() => loadConfig({ TICKETS_CONFIG: path })).toThrow(/TICKETS_CONFIG: ".*broken\.json" is not valid JSON/);
  });

  test("the deployment keys are required in a file", () => {
    const path = file("empty.json", "{}");
    expect(() => loadConfig({ TICKETS_CONFIG: path })).toThrow(ConfigError);
    try {
      loadConfig({ TICKETS_CONFIG: path });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        "config.domainName: is required",
        "config.hostedZoneId: is required",
        "config.regions: is required",
      ]);
    }
  });
});

describe("each bad setting is one problem naming the field", () => {
  test.each([
    ["unknown region code", withRegions([{ name: "eu-west-9", label: "a" }, DEFAULTS.regions[1]]),
      'config.regions[0].name: "eu-west-9" is not an AWS region code (e.g. eu-west-1)'],
    ["duplicate region", withRegions([DEFAULTS.regions[0], { name: "eu-west-1", label: "dublin" }]),
      'config.regions[1].name: "eu-west-1" is already used by regions[0].name'],
    ["duplicate label", withRegions([DEFAULTS.regions[0], { name: "eu-west-2", label: "ireland" }]),
      'config.regions[1].label: "ireland" is already used by regions[0].label'],
    ["a single region", withRegions([DEFAULTS.regions[0]]),
      "config.regions: needs at least two regions: the first is the primary, the others its standbys"],
    ["a label that is not a DNS label", withRegions([{ name: "eu-west-1", label: "Ire_land" }, DEFAULTS.regions[1]]),
      "config.regions[0].label: must be a DNS label: 1-63 lowercase letters, digits or inner hyphens"],
    ["a label the stack uses itself", withRegions([{ name: "eu-west-1", label: "api" }, DEFAULTS.regions[1]]),
      "config.regions[0].label: is reserved (api, api-standby are used by the stack itself)"],
    ["a domain without a dot", { ...DEFAULTS, domainName: "localhost" }, "config.domainName: must contain a dot, e.g. example.com"],
    ["a domain with a bad label", { ...DEFAULTS, domainName: "-bad.example.com" },
      "config.domainName: must be a lowercase DNS name whose labels are 1-63 letters, digits or inner hyphens"],
    ["a malformed zone id", { ...DEFAULTS, hostedZoneId: "not-a-zone" },
      'config.hostedZoneId: must be a Route 53 hosted zone id: "Z" and up to 31 uppercase letters or digits'],
    ["a misspelled key", { ...DEFAULTS, domainNmae: "example.com" },
      "config.domainNmae: unknown key; allowed keys are: domainName, hostedZoneId, regions, tableName, healthCheck, corsAllowOrigin, certificateArns, alarmEmail, throttling, lambda, logRetentionDays, stateBackend, tags"],
    ["an unknown nested key", { ...DEFAULTS, healthCheck: { requestInterval: 10, failureThreshold: 1, path: "/x" } },
      "config.healthCheck.path: unknown key; allowed keys are: requestInterval, failureThreshold"],
    ["a wrong type", { ...DEFAULTS, tableName: 42 }, "config.tableName: must be a string, got 42"],
    ["a number that must be an integer", { ...DEFAULTS, healthCheck: { requestInterval: 10, failureThreshold: 1.5 } },
      "config.healthCheck.failureThreshold: must be an integer, got 1.5"],
    ["an interval Route 53 does not offer", { ...DEFAULTS, healthCheck: { requestInterval: 5, failureThreshold: 1 } },
      "config.healthCheck.requestInterval: must be 10 or 30 (seconds; Route 53 offers no other interval)"],
    ["an alarm e-mail that is not an address", { ...DEFAULTS, alarmEmail: "ops-at-example.com" }, "config.alarmEmail: must be an e-mail address"],
    ["an invalid table name", { ...DEFAULTS, tableName: "a b" }, "config.tableName: must be 3-255 letters, digits, underscores, dots or hyphens"],
    ["a log retention CloudWatch does not offer", { ...DEFAULTS, logRetentionDays: 2 }, /^config\.logRetentionDays: must be one of the CloudWatch retention periods: 1, 3, 5/],
    ["a CORS origin that is no origin", { ...DEFAULTS, corsAllowOrigin: "example.com/path" },
      'config.corsAllowOrigin: must be "*" or an origin such as https://tickets.example.com'],
    ["an invalid state bucket", { ...DEFAULTS, stateBackend: { ...DEFAULTS.stateBackend, bucket: "Bad_Bucket" } },
      "config.stateBackend.bucket: must be an S3 bucket name: 3-63 lowercase letters, digits, dots or hyphens"],
    ["a Lambda timeout over API Gateway's limit", { ...DEFAULTS, lambda: { memorySize: 256, timeout: 30 } }, "config.lambda.timeout: must be 1..29"],
    ["a certificate for a region not configured",
      { ...DEFAULTS, certificateArns: { "us-east-1": "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" } },
      'config.certificateArns.us-east-1: "us-east-1" is not one of the configured regions (eu-west-1, ap-southeast-1)'],
    ["a certificate from another region",
      { ...DEFAULTS, certificateArns: { "eu-west-1": "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" } },
      "config.certificateArns.eu-west-1: is a certificate in us-east-1; API Gateway needs one in eu-west-1"],
    ["a malformed certificate ARN", { ...DEFAULTS, certificateArns: { "eu-west-1": "arn:nope" } },
      "config.certificateArns.eu-west-1: must be an ACM certificate ARN"],
    ["not an object", [], "config: must be an object, got an array"],
  ])("%s", (_case, raw, expected) => {
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual(typeof expected === "string" ? expected : expect.stringMatching(expected));
  });

  test("several problems are all reported, one line each", () => {
    const problems = problemsOf({ ...DEFAULTS, domainName: "nodot", hostedZoneId: "x", extra: true });
    expect(problems).toEqual([
      "config.domainName: must contain a dot, e.g. example.com",
      'config.hostedZoneId: must be a Route 53 hosted zone id: "Z" and up to 31 uppercase letters or digits',
      expect.stringMatching(/^config\.extra: unknown key/),
    ]);
  });

  test("the error message lists every problem under its source", () => {
    expect(() => parseConfig({ ...DEFAULTS, domainName: "nodot" }, "my.json")).toThrow(
      "Invalid configuration (my.json):\n  - config.domainName: must contain a dot, e.g. example.com",
    );
  });
});

test("the README's example settings file is valid", () => {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const example = /## Configuration[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  expect(parseConfig(JSON.parse(example!)).domainName).toBe("example.com");
});
