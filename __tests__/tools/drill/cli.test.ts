/** `npm run drill -- ...`: arguments, configuration, exit codes. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_PROBES, DEFAULT_TIMEOUT_SECONDS, parseDrillArgs, UsageError } from "../../../tools/drill/options";
import { FakeDeployment } from "./support/fake-deployment";

function writeJson(value: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "drill-cli-")), "config.json");
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
}

describe("parseDrillArgs", () => {
  test("defaults: no config file, a real run, 300 s, 20 probes, out chosen at run time", () => {
    expect(parseDrillArgs([])).toEqual({
      configFile: undefined,
      fault: "health-check",
      dryRun: false,
      timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
      probes: DEFAULT_PROBES,
      outDir: undefined,
      help: false,
    });
    expect([DEFAULT_TIMEOUT_SECONDS, DEFAULT_PROBES]).toEqual([300, 20]);
  });

  test("every option, in both spellings", () => {
    expect(
      parseDrillArgs([
        "--config",
        "deploy/prod.json",
        "--fault=functions",
        "--dry-run",
        "--timeout=600",
        "--probes",
        "0",
        "--out",
        "reports/x",
      ]),
    ).toEqual({
      configFile: "deploy/prod.json",
      fault: "functions",
      dryRun: true,
      timeoutSeconds: 600,
      probes: 0,
      outDir: "reports/x",
      help: false,
    });
  });

  test.each([
    [["--timeout", "abc"], '--timeout: "abc" is not a whole number from 10 to 3600'],
    [["--timeout", "5"], '--timeout: "5" is not a whole number from 10 to 3600'],
    [["--probes", "-1"], "--probes"],
    [["--probes", "501"], '--probes: "501" is not a whole number from 0 to 500'],
    [["--probes", "2.5"], '--probes: "2.5" is not a whole number from 0 to 500'],
    [["--config", ""], "--config: needs a value"],
    [["--colour"], "Unknown option '--colour'"],
    [["plan.json"], "plan.json"],
    [["--fault", "network"], '--fault: "network" is not a fault; the kinds are:\n    health-check '],
    [["--fault", ""], "--fault: needs a value"],
  ])("rejects %j naming the option", (args, message) => {
    expect(() => parseDrillArgs(args)).toThrow(UsageError);
    expect(() => parseDrillArgs(args)).toThrow(message);
  });
});

describe("main", () => {
  test("--help prints the usage and exits 0 without calling anything", async () => {
    const deployment = new FakeDeployment();
    expect(await deployment.cli(["--help"])).toBe(0);
    expect(deployment.output.text).toContain(
      "usage: npm run drill -- [--config <file>] [--fault <kind>] [--region <name>] [--client-subnet <ipv4>] [--dry-run] [--timeout <s>] [--probes <n>] [--out <dir>]",
    );
    for (const kind of ["health-check", "functions", "replication"]) expect(deployment.output.text).toContain(`    ${kind} `);
    expect(deployment.route53.calls()).toEqual([]);
  });

  test("bad arguments: one error with the usage, exit 2, no AWS call", async () => {
    const deployment = new FakeDeployment();
    expect(await deployment.cli(["--probes", "many"])).toBe(2);
    expect(deployment.errorOutput.text).toMatch(/^drill: --probes: "many" is not a whole number from 0 to 500\nusage: /);
    expect(deployment.route53.calls()).toEqual([]);
  });

  test("a missing config file: one clear error naming --config, exit 2, no AWS call", async () => {
    const deployment = new FakeDeployment();
    const missing = join(tmpdir(), "no-such-dir", "prod.json");
    expect(await deployment.cli(["--config", missing])).toBe(2);
    expect(deployment.errorOutput.text).toBe(
      `drill: Invalid configuration (${missing}):\n  - --config: cannot read "${missing}": file not found\n`,
    );
    expect(deployment.route53.calls()).toEqual([]);
  });

  test("an invalid config (from TICKETS_CONFIG): every problem naming its field, exit 2, no AWS call", async () => {
    const deployment = new FakeDeployment();
    const file = writeJson({
      ...deployment.config,
      domainName: "nodot",
      healthCheck: { requestInterval: 15, failureThreshold: 1 },
    });
    expect(await deployment.cli([], { TICKETS_CONFIG: file })).toBe(2);
    expect(deployment.errorOutput.text).toContain("config.domainName: must contain a dot");
    expect(deployment.errorOutput.text).toContain("config.healthCheck.requestInterval: must be 10 or 30");
    expect(deployment.route53.calls()).toEqual([]);
  });

  test("--config wins over TICKETS_CONFIG", async () => {
    const deployment = new FakeDeployment();
    const good = writeJson(deployment.config);
    const bad = writeJson("{ not json");
    expect(await deployment.cli(["--dry-run", "--config", good], { TICKETS_CONFIG: bad })).toBe(0);
    expect(deployment.output.text).toContain(`  config     ${good}`);
    expect(deployment.output.text).toContain("api.example.com in hosted zone Z0123456789ABCDEFGHIJ");
  });

  test("without any config: the built-in defaults, named as such", async () => {
    const deployment = new FakeDeployment();
    deployment.failRoute53("ListHealthChecks", Object.assign(new Error("no credentials"), { name: "CredentialsProviderError" }));
    expect(await deployment.cli(["--dry-run"])).toBe(0);
    expect(deployment.output.text).toContain("  config     built-in defaults");
    expect(deployment.output.text).toContain("  api        api.example.com in hosted zone Z0000000000EXAMPLE");
  });

  test("a run exits with the drill's code and says where the report is", async () => {
    const deployment = new FakeDeployment();
    deployment.lostReplicas.set(1, new Set(["ap-southeast-1"]));
    const out = join(mkdtempSync(join(tmpdir(), "drill-cli-out-")), "report");
    expect(await deployment.cli(["--config", writeJson(deployment.config), "--out", out, "--probes", "4"])).toBe(1);
    expect(deployment.output.text).toContain(
      `report: ${join(out, "failover-drill.md")}, ${join(out, "failover-drill.json")}, ${join(out, "failover-drill-timeline.svg")}`,
    );
    expect(deployment.output.text).toContain("drill drill-20261130T090000Z: failed (exit code 1)");
  });

  test("a report that cannot be written fails a passing drill (exit 1), after restoring", async () => {
    const deployment = new FakeDeployment();
    const blocker = writeJson("a file where the report directory should go");
    expect(
      await deployment.cli(["--config", writeJson(deployment.config), "--out", join(blocker, "report"), "--probes", "0"]),
    ).toBe(1);
    expect(deployment.errorOutput.text).toContain(`drill: could not write the report to ${join(blocker, "report")}`);
    expect(deployment.primaryCheck.inverted).toBe(false);
  });
});

test("an unknown --fault exits 2 naming every kind, before any AWS call", async () => {
  const deployment = new FakeDeployment();
  expect(await deployment.cli(["--fault", "dns", "--dry-run"])).toBe(2);
  const text = deployment.errorOutput.text;
  expect(text).toContain('drill: --fault: "dns" is not a fault; the kinds are:');
  for (const kind of ["health-check", "functions", "replication"]) expect(text).toMatch(new RegExp(`^ {4}${kind} +\\S`, "m"));
  expect(deployment.route53.calls()).toEqual([]);
  expect(deployment.awsCalls).toEqual([]);
});

test("--fault replication with --region of another than the first region is refused (exit 2): the template lives in the primary", async () => {
  const deployment = new FakeDeployment({ routing: "active-active", replicationFault: true });
  const config = writeJson(deployment.config);
  expect(await deployment.cli(["--config", config, "--fault", "replication", "--region", "singapore", "--dry-run"])).toBe(2);
  expect(deployment.errorOutput.text).toContain(
    "--fault replication pauses replication into and out of the primary region eu-west-1, where the stack's FIS template is; it can't drill ap-southeast-1",
  );
  expect(deployment.route53.calls()).toEqual([]);
});
