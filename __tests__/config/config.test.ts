import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { PROJECT_ROOT } from "../../bundling/project-root";
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

/** The problems `loadConfig` reports for the file at `path`. */
function problemsOfFile(path: string): readonly string[] {
  try {
    loadConfig({ TICKETS_CONFIG: path });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const withRegions = (regions: unknown) => ({ ...DEFAULTS, regions });

/** The keys a settings file must give; everything else has a documented default. */
const REQUIRED = { domainName: DEFAULTS.domainName, hostedZoneId: DEFAULTS.hostedZoneId, regions: DEFAULTS.regions };

describe("defaults", () => {
  test("are the workshop's values", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      domainName: "example.com",
      regions: [
        { name: "eu-west-1", label: "ireland" },
        { name: "ap-southeast-1", label: "singapore" },
      ],
      routing: "failover",
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
    expect(config.healthCheck).toEqual({
      requestInterval: 10,
      failureThreshold: 1,
      reservedConcurrency: 10,
      checkerRegions: ["us-east-1", "eu-west-1", "ap-southeast-1"],
      allowedCidrs: [],
    });
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

  describe("a JSON syntax error names its line and column", () => {
    test.each([
      [
        "a trailing comma",
        '{\n  "domainName": "example.org",\n}\n',
        "line 3, column 1: trailing comma (JSON allows none after the last entry)",
      ],
      [
        "a missing comma",
        '{\n  "domainName": "example.org"\n  "hostedZoneId": "Z1"\n}',
        "line 3, column 3: expected ',' between entries",
      ],
      [
        "single quotes",
        "{\n  'domainName': 'example.org'\n}",
        "line 2, column 3: unexpected character (keys and strings need double quotes)",
      ],
      ["a comment", '{\n  // ours\n  "domainName": "example.org"\n}', "line 2, column 3: comments are not allowed in JSON"],
      ["a cut-off file", '{\n  "domainName": ', "line 2, column 17: unexpected end of file"],
      ["an empty file", "", "line 1, column 1: unexpected end of file"],
      ["text after the document", "{}\n}", "line 2, column 1: unexpected text after the end of the JSON document"],
    ])("%s", (_case, text, where) => {
      const path = file("syntax.json", text);
      expect(problemsOfFile(path)).toEqual([`TICKETS_CONFIG: "${path}" is not valid JSON: ${where}`]);
    });
  });

  test("a byte order mark (as some Windows editors write) is not an error", () => {
    const path = file("bom.json", `\uFEFF${JSON.stringify({ ...DEFAULTS, domainName: "example.org" })}`);
    expect(loadConfig({ TICKETS_CONFIG: path }).domainName).toBe("example.org");
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
    [
      "unknown region code",
      withRegions([{ name: "eu-west-9", label: "a" }, DEFAULTS.regions[1]]),
      'config.regions[0].name: must be an AWS region code such as eu-west-1, got "eu-west-9"',
    ],
    [
      "duplicate region",
      withRegions([DEFAULTS.regions[0], { name: "eu-west-1", label: "dublin" }]),
      'config.regions[1].name: "eu-west-1" is already used by regions[0].name',
    ],
    [
      "duplicate label",
      withRegions([DEFAULTS.regions[0], { name: "eu-west-2", label: "ireland" }]),
      'config.regions[1].label: "ireland" is already used by regions[0].label',
    ],
    [
      "a single region",
      withRegions([DEFAULTS.regions[0]]),
      "config.regions: needs at least two regions (the first is the primary, the others its standbys), got 1",
    ],
    [
      "a label that is not a DNS label",
      withRegions([{ name: "eu-west-1", label: "Ire_land" }, DEFAULTS.regions[1]]),
      'config.regions[0].label: must be a DNS label: 1-63 lowercase letters, digits or inner hyphens, got "Ire_land"',
    ],
    [
      "a label the stack uses itself",
      withRegions([{ name: "eu-west-1", label: "api" }, DEFAULTS.regions[1]]),
      'config.regions[0].label: is reserved (api, api-standby are used by the stack itself), got "api"',
    ],
    [
      "a domain without a dot",
      { ...DEFAULTS, domainName: "localhost" },
      `config.domainName: must contain a dot, e.g. example.com, got "localhost"`,
    ],
    [
      "a domain with a bad label",
      { ...DEFAULTS, domainName: "-bad.example.com" },
      'config.domainName: must be a lowercase DNS name whose labels are 1-63 letters, digits or inner hyphens, got "-bad.example.com"',
    ],
    [
      "a malformed zone id",
      { ...DEFAULTS, hostedZoneId: "not-a-zone" },
      'config.hostedZoneId: must be a Route 53 hosted zone id: "Z" and up to 31 uppercase letters or digits, got "not-a-zone"',
    ],
    [
      "a misspelled key",
      { ...DEFAULTS, domainNmae: "example.com" },
      "config.domainNmae: unknown key; allowed keys are: domainName, hostedZoneId, regions, routing, tableName, namePrefix, manageApiGatewayAccount, healthCheck, corsAllowOrigin, certificateArns, alarmEmail, throttling, replicationAlarm, lambda, logRetentionDays, stateBackend, drill, tags",
    ],
    [
      "an unknown nested key",
      { ...DEFAULTS, healthCheck: { requestInterval: 10, failureThreshold: 1, path: "/x" } },
      "config.healthCheck.path: unknown key; allowed keys are: requestInterval, failureThreshold, reservedConcurrency, checkerRegions, allowedCidrs",
    ],
    ["a wrong type", { ...DEFAULTS, tableName: 42 }, "config.tableName: must be a string, got 42 (a number)"],
    [
      "a number that must be an integer",
      { ...DEFAULTS, healthCheck: { requestInterval: 10, failureThreshold: 1.5 } },
      "config.healthCheck.failureThreshold: must be an integer, got 1.5",
    ],
    [
      "an interval Route 53 does not offer",
      { ...DEFAULTS, healthCheck: { requestInterval: 5, failureThreshold: 1 } },
      "config.healthCheck.requestInterval: must be 10 or 30, got 5",
    ],
    [
      "an alarm e-mail that is not an address",
      { ...DEFAULTS, alarmEmail: "ops-at-example.com" },
      'config.alarmEmail: must be an e-mail address, got "ops-at-example.com"',
    ],
    [
      "an invalid table name",
      { ...DEFAULTS, tableName: "a b" },
      'config.tableName: must be 3-255 letters, digits, underscores, dots or hyphens, got "a b"',
    ],
    [
      "a replication alarm period CloudWatch's DynamoDB metric can't fill",
      { ...DEFAULTS, replicationAlarm: { periodSeconds: 10 } },
      "config.replicationAlarm.periodSeconds: must be 60 or 300, got 10",
    ],
    [
      "a replication alarm with no missing-data rule CloudWatch knows",
      { ...DEFAULTS, replicationAlarm: { treatMissingData: "ok" } },
      'config.replicationAlarm.treatMissingData: must be one of: notBreaching, breaching, ignore, missing, got "ok"',
    ],
    [
      "a routing mode that does not exist",
      { ...DEFAULTS, routing: "latency" },
      'config.routing: must be one of: "failover", "active-active", got "latency"',
    ],
    [
      "a log retention CloudWatch does not offer",
      { ...DEFAULTS, logRetentionDays: 2 },
      /^config\.logRetentionDays: must be one of the CloudWatch retention periods: 1, 3, 5, .*, 3653, got 2$/,
    ],
    [
      "a CORS origin that is no origin",
      { ...DEFAULTS, corsAllowOrigin: "example.com/path" },
      'config.corsAllowOrigin: must be "*" or an origin such as https://tickets.example.com, got "example.com/path"',
    ],
    [
      "an invalid state bucket",
      { ...DEFAULTS, stateBackend: { ...DEFAULTS.stateBackend, bucket: "Bad_Bucket" } },
      'config.stateBackend.bucket: must be an S3 bucket name: 3-63 lowercase letters, digits, dots or hyphens, got "Bad_Bucket"',
    ],
    [
      "a Lambda timeout over API Gateway's limit",
      { ...DEFAULTS, lambda: { memorySize: 256, timeout: 30 } },
      "config.lambda.timeout: must be 10..29, got 30",
    ],
    [
      "a Lambda timeout shorter than a create's DynamoDB calls",
      { ...DEFAULTS, lambda: { memorySize: 256, timeout: 9 } },
      "config.lambda.timeout: must be 10..29, got 9",
    ],
    [
      "a certificate for a region not configured",
      {
        ...DEFAULTS,
        certificateArns: { "us-east-1": "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" },
      },
      'config.certificateArns.us-east-1: "us-east-1" is not one of the configured regions (eu-west-1, ap-southeast-1)',
    ],
    [
      "a certificate from another region",
      {
        ...DEFAULTS,
        certificateArns: { "eu-west-1": "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" },
      },
      "config.certificateArns.eu-west-1: is a certificate in us-east-1; API Gateway needs one in eu-west-1",
    ],
    [
      "a malformed certificate ARN",
      { ...DEFAULTS, certificateArns: { "eu-west-1": "arn:nope" } },
      'config.certificateArns.eu-west-1: must be an ACM certificate ARN, got "arn:nope"',
    ],
    [
      "a certificate for something that is not a region",
      { ...DEFAULTS, certificateArns: { "eu-west-9": "arn:nope" } },
      "config.certificateArns.eu-west-9: is not an AWS region code (e.g. eu-west-1)",
    ],
    ["an empty tag key", { ...DEFAULTS, tags: { "": "x" } }, 'config.tags[""]: a tag key must not be empty'],
    ["a tag value that is no string", { ...DEFAULTS, tags: { Team: 5 } }, "config.tags.Team: must be a string, got 5 (a number)"],
    ["not an object", [], "config: must be an object, got an array"],
    ["null", null, "config: must be an object, got null"],
  ])("%s", (_case, raw, expected) => {
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual(typeof expected === "string" ? expected : expect.stringMatching(expected));
  });

  test("several problems are all reported, one line each", () => {
    const problems = problemsOf({ ...DEFAULTS, domainName: "nodot", hostedZoneId: "x", extra: true });
    expect(problems).toEqual([
      'config.domainName: must contain a dot, e.g. example.com, got "nodot"',
      'config.hostedZoneId: must be a Route 53 hosted zone id: "Z" and up to 31 uppercase letters or digits, got "x"',
      expect.stringMatching(/^config\.extra: unknown key/),
    ]);
  });

  test("the error message lists every problem under its source", () => {
    expect(() => parseConfig({ ...DEFAULTS, domainName: "nodot" }, "my.json")).toThrow(
      'Invalid configuration (my.json):\n  - config.domainName: must contain a dot, e.g. example.com, got "nodot"',
    );
  });
});

describe("every key with a default may be left out, at any depth", () => {
  /** `[block, key]` for every key of every nested settings block. */
  const nestedKeys = Object.entries(DEFAULTS).flatMap(([block, value]) =>
    typeof value === "object" && !Array.isArray(value) && block !== "tags" && block !== "certificateArns"
      ? Object.keys(value).map((key) => [block, key] as const)
      : [],
  );

  test("the nested blocks are the ones the README documents", () => {
    expect([...new Set(nestedKeys.map(([block]) => block))]).toEqual([
      "healthCheck",
      "throttling",
      "replicationAlarm",
      "lambda",
      "stateBackend",
      "drill",
    ]);
  });

  test.each(nestedKeys)("%s.%s alone in its block: the other keys keep their defaults", (block, key) => {
    const defaults = DEFAULTS[block as keyof typeof DEFAULTS] as Record<string, unknown>;
    const others = Object.fromEntries(Object.entries(defaults).filter(([name]) => name !== key));
    // Leave `key` out and set every other key of the block: `key` gets its default.
    const config = parseConfig({ ...REQUIRED, [block]: others }) as unknown as Record<string, Record<string, unknown>>;
    expect(config[block]).toEqual(defaults);
  });

  test.each(nestedKeys)("an empty %s block is all defaults", (block) => {
    const config = parseConfig({ ...REQUIRED, [block]: {} }) as unknown as Record<string, unknown>;
    expect(config[block]).toEqual(DEFAULTS[block as keyof typeof DEFAULTS]);
  });

  test('healthCheck {"failureThreshold": 3} alone: 10 s interval, threshold 3', () => {
    expect(parseConfig({ ...REQUIRED, healthCheck: { failureThreshold: 3 } }).healthCheck).toEqual({
      ...DEFAULTS.healthCheck,
      failureThreshold: 3,
    });
  });

  test('stateBackend {"bucket"} alone: the default key prefix and region', () => {
    expect(parseConfig({ ...REQUIRED, stateBackend: { bucket: "my-bucket" } }).stateBackend).toEqual({
      bucket: "my-bucket",
      keyPrefix: "wild-rydes-tickets",
      region: "eu-west-1",
    });
  });

  test("partial throttling and lambda blocks", () => {
    const config = parseConfig({ ...REQUIRED, throttling: { burstLimit: 20 }, lambda: { memorySize: 512 } });
    expect(config.throttling).toEqual({ rateLimit: 50, burstLimit: 20 });
    expect(config.lambda).toEqual({ memorySize: 512, timeout: 10 });
  });

  test("a bad value in a partial block is still reported, and only that one", () => {
    expect(problemsOf({ ...REQUIRED, stateBackend: { region: "eu-west-9" } })).toEqual([
      'config.stateBackend.region: must be an AWS region code such as eu-west-1, got "eu-west-9"',
    ]);
  });
});

describe("a problem says whether the value is missing, of the wrong type or a wrong value", () => {
  const regionNamed = (name: unknown) => withRegions([{ name, label: "ireland" }, DEFAULTS.regions[1]]);
  const { name: _primaryName, ...unnamedPrimary } = DEFAULTS.regions[0];

  test("missing", () => {
    expect(problemsOf(withRegions([unnamedPrimary, DEFAULTS.regions[1]]))).toEqual(["config.regions[0].name: is required"]);
  });

  test("wrong type", () => {
    expect(problemsOf(regionNamed(1))).toEqual([
      "config.regions[0].name: must be an AWS region code such as eu-west-1, got 1 (a number)",
    ]);
  });

  test("wrong value", () => {
    expect(problemsOf(regionNamed("eu-west-9"))).toEqual([
      'config.regions[0].name: must be an AWS region code such as eu-west-1, got "eu-west-9"',
    ]);
  });

  test.each([
    ["a quoted number", { requestInterval: "10" }, 'config.healthCheck.requestInterval: must be 10 or 30, got "10" (a string)'],
    ["a number Route 53 does not offer", { requestInterval: 60 }, "config.healthCheck.requestInterval: must be 10 or 30, got 60"],
    [
      "a quoted integer",
      { failureThreshold: "3" },
      'config.healthCheck.failureThreshold: must be an integer, got "3" (a string)',
    ],
    ["a block that is not an object", "fast", 'config.healthCheck: must be an object, got "fast" (a string)'],
    [
      "fewer than three checker regions",
      { checkerRegions: ["us-east-1", "eu-west-1"] },
      "config.healthCheck.checkerRegions: needs at least three regions (Route 53's minimum), got 2",
    ],
    [
      "a checker region Route 53 has no checkers in",
      { checkerRegions: ["us-east-1", "eu-west-1", "eu-central-1"] },
      'config.healthCheck.checkerRegions[2]: must be a Route 53 health checker region: us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1, got "eu-central-1"',
    ],
    [
      "a checker region twice",
      { checkerRegions: ["us-east-1", "eu-west-1", "us-east-1"] },
      "config.healthCheck.checkerRegions: must not name a region twice",
    ],
    [
      "an allowed address that is no CIDR block",
      { allowedCidrs: ["203.0.113.7"] },
      'config.healthCheck.allowedCidrs[0]: must be a CIDR block such as 203.0.113.0/24 or 2001:db8::/32, got "203.0.113.7"',
    ],
    [
      "an IPv4 block with a prefix over 32",
      { allowedCidrs: ["203.0.113.0/33"] },
      'config.healthCheck.allowedCidrs[0]: must be a CIDR block such as 203.0.113.0/24 or 2001:db8::/32, got "203.0.113.0/33"',
    ],
    ["null for a block", null, "config.healthCheck: must be an object, got null"],
  ])("healthCheck with %s", (_case, healthCheck, expected) => {
    expect(problemsOf({ ...REQUIRED, healthCheck })).toEqual([expected]);
  });

  test("a long value is shortened", () => {
    const [problem] = problemsOf({ ...REQUIRED, tableName: "x".repeat(300) });
    expect(problem).toMatch(
      /^config\.tableName: must be 3-255 letters, digits, underscores, dots or hyphens, got "x{76}\.\.\."$/,
    );
  });
});

describe("the README's settings are valid config files", () => {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const configurationSection = /^## Configuration\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  const dir = mkdtempSync(join(tmpdir(), "tickets-readme-config-"));
  const loadAsFile = (name: string, settings: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(settings, null, 2));
    return loadConfig({ TICKETS_CONFIG: path });
  };
  /** The first ```json block of the Configuration section: the example settings file. */
  const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(configurationSection)?.[1] ?? "null") as Record<
    string,
    unknown
  > | null;

  test("the example settings file", () => {
    expect(example).not.toBeNull();
    const config = loadAsFile("example.json", example);
    expect(config.domainName).toBe(example!.domainName);
    expect(config.regions).toEqual(example!.regions);
  });

  test("the example with the production health-check advice", () => {
    // The paragraph that advises production values, in prose (`requestInterval: 30`) or JSON.
    const advice = configurationSection
      .split(/\n\s*\n/)
      .find((paragraph) => /production/i.test(paragraph) && /requestInterval/.test(paragraph));
    const valueOf = (key: string) => Number(new RegExp(`"?${key}"?\\s*:\\s*(\\d+)`).exec(advice ?? "")?.[1]);
    const healthCheck = { requestInterval: valueOf("requestInterval"), failureThreshold: valueOf("failureThreshold") };
    expect(healthCheck).toEqual({ requestInterval: expect.any(Number), failureThreshold: expect.any(Number) });
    expect(loadAsFile("production.json", { ...example, healthCheck }).healthCheck).toMatchObject(healthCheck);
  });

  test("every further JSON block of the section is a valid fragment of the example", () => {
    const fragments = [...configurationSection.matchAll(/```json\n([\s\S]*?)```/g)]
      .slice(1)
      .map((match) => JSON.parse(match[1]!) as object);
    fragments.forEach((fragment, index) =>
      expect(() => loadAsFile(`fragment-${index}.json`, { ...example, ...fragment })).not.toThrow(),
    );
  });
});

describe("drill", () => {
  test("the replication fault is off by default: the stack makes no FIS template", () => {
    expect(parseConfig(REQUIRED).drill).toEqual({ replicationFault: false });
  });

  test('"drill": { "replicationFault": true } turns it on', () => {
    expect(parseConfig({ ...REQUIRED, drill: { replicationFault: true } }).drill).toEqual({ replicationFault: true });
  });

  test("a non-boolean or an unknown key is one problem naming the field", () => {
    expect(problemsOf({ ...REQUIRED, drill: { replicationFault: "yes" } })).toEqual([
      'config.drill.replicationFault: must be true or false, got "yes" (a string)',
    ]);
    expect(problemsOf({ ...REQUIRED, drill: { functionsFault: true } })).toEqual([
      "config.drill.functionsFault: unknown key; allowed keys are: replicationFault",
    ]);
  });
});
