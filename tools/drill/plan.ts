/**
 * `--dry-run`: every step with the exact names and ids it would touch, and whether
 * preflight passes now. Only read calls: with credentials, the health checks are looked up
 * and preflight runs; without, the plan names what is derived from config and says the ids
 * are looked up at run time. Route 53 writes (ChangeTagsForResource, UpdateHealthCheck) and
 * ticket writes are never sent. In active-active routing the plan names the drilled region
 * and the EDNS0 client subnet every TestDNSAnswer carries.
 */
import type { Route53Client } from "@aws-sdk/client-route-53";
import { NEXT_TOKEN_HEADER } from "../../lambdas/core/http";
import { PAGE_LIMITS } from "../../contract/ticket-json-schema";
import type { DrillSettings } from "./drill";
import type { HttpClient } from "./http";
import { AddressLocator } from "./locate";
import { findHealthChecks, preflight, type PreflightResult } from "./preflight";
import { idempotencyKey } from "./probes";
import type { Output } from "./progress";
import { EXIT_CODES } from "./record";
import { REPORT_FILES } from "./report";
import { DrillRoute53, HEALTHY_CHECKER_SHARE } from "./route53";
import { HEALTH_PATH, TICKETS_PATH } from "../../contract/handlers";
import { describeClientSubnet } from "./client-subnets";
import { DRILL_MARKER_TAG, type RegionTarget } from "./targets";

export async function dryRun(
  settings: DrillSettings,
  deps: { route53: Route53Client; http: HttpClient; output: Output; drillId: string; outDir: string },
): Promise<number> {
  const { targets } = settings;
  const route53 = new DrillRoute53(deps.route53);
  let result: PreflightResult | undefined;
  let lookupError: string | undefined;
  let found: Awaited<ReturnType<typeof findHealthChecks>> | undefined;
  try {
    found = await findHealthChecks(route53, targets);
    result = await preflight(
      { route53, http: deps.http, locator: new AddressLocator(deps.http, targets.apiUrl), targets },
      found,
    );
  } catch (error) {
    lookupError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }

  const check = (region: RegionTarget) => found?.healthChecks.find((entry) => entry.region === region)?.healthCheck;
  const idOf = (region: RegionTarget) => check(region)?.id ?? `<${region.label} health check id>`;
  const describeEndpoint = (region: RegionTarget) => {
    const healthCheck = check(region);
    return `${region.name} (${region.endpoint}), health check ${healthCheck === undefined ? "looked up at run time" : `${healthCheck.id} (version ${healthCheck.version})`}`;
  };
  const drilledId = idOf(targets.drilled);
  const version = check(targets.drilled)?.version;
  const failover = targets.routing === "failover";
  const subnet =
    targets.clientSubnet === undefined
      ? ""
      : ` ResolverIP and EDNS0ClientSubnetIP ${targets.clientSubnet.ip} EDNS0ClientSubnetMask ${targets.clientSubnet.mask}`;
  const answered = failover ? "a standby" : "another region";
  const healthUrl = (region: RegionTarget) => `https://${region.endpoint}${HEALTH_PATH}`;
  const listUrl = (region: RegionTarget) => `${region.url}${TICKETS_PATH.slice(1)}?limit=${PAGE_LIMITS.max}`;
  const early = Math.ceil(settings.probes / 2);
  const probeKeys =
    settings.probes === 0
      ? ""
      : ` (Idempotency-Key ${idempotencyKey(deps.drillId, 1)} … ${idempotencyKey(deps.drillId, settings.probes)})`;

  const header = failover
    ? [
        "Failover drill plan (dry run: no AWS write call is made)",
        "",
        `  drill id   ${deps.drillId} (from the start time)`,
        `  config     ${settings.configSource}`,
        `  api        ${targets.apiName} in hosted zone ${targets.hostedZoneId}` +
          (targets.standbySetName === undefined ? "" : `; its SECONDARY is the latency set ${targets.standbySetName}`),
        `  primary    ${describeEndpoint(targets.primary)}`,
        ...targets.standbys.map((standby) => `  standby    ${describeEndpoint(standby)}`),
      ]
    : [
        "Active-active drill plan (dry run: no AWS write call is made)",
        "",
        `  drill id   ${deps.drillId} (from the start time)`,
        `  config     ${settings.configSource}`,
        `  api        ${targets.apiName} in hosted zone ${targets.hostedZoneId}: one latency record per region (routing "active-active")`,
        `  drilled    ${describeEndpoint(targets.drilled)}`,
        ...targets.others.map((other) => `  other      ${describeEndpoint(other)}`),
        `  asked from EDNS0 client subnet ${describeClientSubnet(targets.clientSubnet!)} (${targets.clientSubnet!.source}): ` +
          `Route 53 answers as for a client in ${targets.drilled.name}'s area`,
      ];
  const lines = [
    ...header,
    "",
    "1. preflight (read only)",
    `   - Route 53 ListHealthChecks: one HTTPS health check for each of ${targets.regions.map(healthUrl).join(", ")}`,
    `   - Route 53 GetHealthCheckStatus ${targets.regions.map(idOf).join(", ")}: each healthy (more than ${HEALTHY_CHECKER_SHARE * 100} % of checkers), none inverted or disabled`,
    `   - Route 53 ListTagsForResource healthcheck ${drilledId}: no ${DRILL_MARKER_TAG} tag`,
    ...targets.regions.map((region) => `   - GET ${healthUrl(region)} answers 200 {"region":"${region.name}"}`),
    `   - Route 53 TestDNSAnswer ${targets.hostedZoneId} ${targets.apiName} A${subnet}: its address answers GET ${targets.apiUrl}${HEALTH_PATH.slice(1)} from ${targets.drilled.name}`,
    `2. mark: Route 53 ChangeTagsForResource healthcheck ${drilledId}: add ${DRILL_MARKER_TAG}=${deps.drillId}`,
    `3. baseline: one poll of health check ${drilledId} and of ${targets.apiName}'s answer`,
    `4. break: Route 53 UpdateHealthCheck ${drilledId}: Inverted=true, HealthCheckVersion ${version ?? "<looked up at run time>"}`,
    `5. observe: every ${settings.pollSeconds} s for up to ${settings.timeoutSeconds} s, GetHealthCheckStatus ${drilledId} and TestDNSAnswer ${targets.apiName} A${subnet}, until ${answered} (${targets.others.map((s) => s.name).join(", ")}) answers`,
    `   probes: ${settings.probes} × POST ${targets.apiUrl}${TICKETS_PATH.slice(1)}${probeKeys}: ${early} while waiting, ${settings.probes - early} once ${answered} answers`,
    `6. restore (on every exit path): Route 53 UpdateHealthCheck ${drilledId}: Inverted=false; wait up to ${settings.timeoutSeconds} s until it is healthy and ${targets.apiName} answers ${targets.drilled.name}${failover ? "" : " again in its area"}`,
    `7. unmark: Route 53 ChangeTagsForResource healthcheck ${drilledId}: remove ${DRILL_MARKER_TAG}`,
    `8. verify: ${targets.regions.map((region) => `GET ${listUrl(region)}`).join(", ")} (following ${NEXT_TOKEN_HEADER}), up to ${settings.readBackGraceSeconds} s for replication: every probe in every region`,
    `9. report: ${[REPORT_FILES.markdown, REPORT_FILES.json, REPORT_FILES.timeline].map((file) => `${deps.outDir}/${file}`).join(", ")}`,
    "",
  ];
  let exitCode: number = EXIT_CODES.passed;
  if (lookupError !== undefined) {
    lines.push(`Preflight not run: Route 53 could not be read (${lookupError}). Ids are looked up at run time.`);
  } else if (result!.problems.length > 0) {
    lines.push("Preflight would refuse the drill now:", ...result!.problems.map((problem) => `  - ${problem}`));
    exitCode = EXIT_CODES.refused;
  } else {
    lines.push("Preflight passes now: the drill would start.");
  }
  for (const warning of result?.warnings ?? []) lines.push(`warning: ${warning}`);
  deps.output.write(`${lines.join("\n")}\n`);
  return exitCode;
}
