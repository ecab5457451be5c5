/** `--dry-run`: the plan with exact names and ids, read calls only, never a write. */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DRILL_MARKER_TAG } from "../../../tools/drill/targets";
import { FakeDeployment, THREE_REGIONS } from "./support/fake-deployment";

function configFile(deployment: FakeDeployment): string {
  const dir = mkdtempSync(join(tmpdir(), "drill-dry-run-"));
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify(deployment.config));
  return file;
}

/** Nothing changed: no Route 53 write command reached the client, no ticket was posted. */
function expectNoWrites(deployment: FakeDeployment): void {
  expect(deployment.writeCalls()).toEqual([]);
  expect(deployment.posted()).toEqual([]);
  expect(deployment.primaryCheck.inverted).toBe(false);
}

test("with Route 53 readable: every step with the health check ids and version, preflight passes, exit 0", async () => {
  const deployment = new FakeDeployment();
  const out = join(mkdtempSync(join(tmpdir(), "drill-out-")), "report");
  const code = await deployment.cli([
    "--dry-run",
    "--config",
    configFile(deployment),
    "--out",
    out,
    "--probes",
    "6",
    "--timeout",
    "120",
  ]);
  expect(code).toBe(0);
  expectNoWrites(deployment);
  expect(existsSync(out)).toBe(false);
  const primaryId = deployment.primaryCheck.id;
  const text = deployment.output.text;
  expect(text).toContain("Failover drill plan (dry run: no AWS write call is made)");
  expect(text).toContain(`  primary    eu-west-1 (ireland.example.com), health check ${primaryId} (version 1)`);
  expect(text).toContain(
    `  standby    ap-southeast-1 (singapore.example.com), health check ${deployment.checkOf("ap-southeast-1").id} (version 1)`,
  );
  expect(text).toContain(
    `2. mark: Route 53 ChangeTagsForResource healthcheck ${primaryId}: add ${DRILL_MARKER_TAG}=drill-20261130T090000Z`,
  );
  expect(text).toContain(`4. break: Route 53 UpdateHealthCheck ${primaryId}: Inverted=true, HealthCheckVersion 1`);
  expect(text).toContain("5. observe: every 5 s for up to 120 s");
  expect(text).toContain(
    "probes: 6 × POST https://api.example.com/ticket (Idempotency-Key drill-20261130T090000Z-probe-001 … drill-20261130T090000Z-probe-006): 3 while waiting, 3 once a standby answers",
  );
  expect(text).toContain(`6. restore (on every exit path): Route 53 UpdateHealthCheck ${primaryId}: Inverted=false`);
  expect(text).toContain(`7. unmark: Route 53 ChangeTagsForResource healthcheck ${primaryId}: remove ${DRILL_MARKER_TAG}`);
  expect(text).toContain("GET https://singapore.example.com/ticket?limit=1000");
  expect(text).toContain(`9. report: ${out}/failover-drill.md`);
  expect(text).toContain("Preflight passes now: the drill would start.");
});

test("without credentials: the plan from config alone, ids looked up at run time, exit 0", async () => {
  const deployment = new FakeDeployment();
  deployment.failRoute53(
    "ListHealthChecks",
    Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
  );
  const code = await deployment.cli(["--dry-run", "--config", configFile(deployment)]);
  expect(code).toBe(0);
  expectNoWrites(deployment);
  const text = deployment.output.text;
  expect(text).toContain("  primary    eu-west-1 (ireland.example.com), health check looked up at run time");
  expect(text).toContain(
    "4. break: Route 53 UpdateHealthCheck <ireland health check id>: Inverted=true, HealthCheckVersion <looked up at run time>",
  );
  expect(text).toContain("GET https://ireland.example.com/health answers 200");
  expect(text).toContain("9. report: drill-reports/drill-20261130T090000Z/failover-drill.md");
  expect(text).toContain(
    "Preflight not run: Route 53 could not be read (CredentialsProviderError: Could not load credentials from any providers). Ids are looked up at run time.",
  );
  // No HTTP either: the endpoints are checked only together with Route 53.
  expect(deployment.httpLog).toEqual([]);
});

test("when preflight would refuse: the plan, the problems and exit 3, still without a write", async () => {
  const deployment = new FakeDeployment();
  deployment.primaryCheck.tags.set(DRILL_MARKER_TAG, "drill-20261130T080000Z");
  const code = await deployment.cli(["--dry-run", "--config", configFile(deployment)]);
  expect(code).toBe(3);
  expectNoWrites(deployment);
  expect(deployment.output.text).toContain("Preflight would refuse the drill now:\n  - a drill is already running");
});

test("three regions: names the standby set behind the SECONDARY and every standby", async () => {
  const deployment = new FakeDeployment({ regions: THREE_REGIONS });
  const code = await deployment.cli(["--dry-run", "--config", configFile(deployment)]);
  expect(code).toBe(0);
  expectNoWrites(deployment);
  expect(deployment.output.text).toContain("its SECONDARY is the latency set api-standby.example.com");
  expect(deployment.output.text).toContain("until a standby (ap-southeast-1, us-west-2) answers");
  expect(deployment.output.text).toContain(
    "  standby    us-west-2 (oregon.example.com), health check a1b2c3d4-0000-4000-8000-000000000003 (version 1)",
  );
});
