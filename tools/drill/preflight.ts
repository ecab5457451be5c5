/**
 * Read-only checks before anything changes. Every problem is collected (not just the
 * first) so one run tells the operator everything that is off; any problem refuses the drill.
 */
import type { HttpClient } from "./http";
import { describeAnswer } from "./http";
import { regionOfHealthAnswer, type AddressLocator } from "./locate";
import { routingHealth, type DrillRoute53, type HealthCheckInfo, type RoutingHealth } from "./route53";
import { HEALTH_PATH } from "../../contract/handlers";
import { describeClientSubnet } from "./client-subnets";
import { DRILL_MARKER_TAG, type DrillTargets, type RegionTarget } from "./targets";

export const REGION_HEALTH_TIMEOUT_MS = 5_000;

export interface RegionHealthCheck {
  readonly region: RegionTarget;
  readonly healthCheck: HealthCheckInfo;
}

export interface PreflightResult {
  /** Health check per region, primary first; regions without exactly one match are missing. */
  readonly healthChecks: readonly RegionHealthCheck[];
  readonly problems: readonly string[];
  /** Worth knowing, not a reason to refuse. */
  readonly warnings: readonly string[];
}

function healthUrl(region: RegionTarget): string {
  return `https://${region.endpoint}${HEALTH_PATH}`;
}

/** The health checks that request `https://<label>.<domain>/health`, one per region. */
export async function findHealthChecks(
  route53: DrillRoute53,
  targets: DrillTargets,
  signal?: AbortSignal,
): Promise<{ healthChecks: RegionHealthCheck[]; problems: string[] }> {
  const all = await route53.listHealthChecks(signal);
  const healthChecks: RegionHealthCheck[] = [];
  const problems: string[] = [];
  for (const region of targets.regions) {
    const matches = all.filter(
      (check) => check.type.startsWith("HTTPS") && check.fqdn === region.endpoint && check.path === HEALTH_PATH,
    );
    if (matches.length === 1) {
      healthChecks.push({ region, healthCheck: matches[0]! });
    } else if (matches.length === 0) {
      problems.push(
        `no Route 53 health check requests ${healthUrl(region)} (is the tickets stack deployed for ${targets.domainName}?)`,
      );
    } else {
      problems.push(
        `${matches.length} health checks request ${healthUrl(region)} (${matches.map((m) => m.id).join(", ")}); the drill needs exactly one`,
      );
    }
  }
  return { healthChecks, problems };
}

function describeHealth(health: RoutingHealth): string {
  return `${health.healthyCheckers} of ${health.checkers} checkers report healthy`;
}

async function checkHealthChecks(
  route53: DrillRoute53,
  targets: DrillTargets,
  healthChecks: readonly RegionHealthCheck[],
  signal: AbortSignal | undefined,
): Promise<{ problems: string[]; warnings: string[] }> {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const { region, healthCheck } of healthChecks) {
    const name = `health check ${healthCheck.id} (${region.endpoint})`;
    if (healthCheck.inverted) {
      problems.push(
        `${name} is inverted: an earlier drill may have been interrupted; see docs/failover-drill.md "Recovering by hand"`,
      );
    }
    if (healthCheck.disabled) problems.push(`${name} is disabled: Route 53 then counts it healthy whatever the endpoint does`);
    const health = routingHealth(await route53.checkerReports(healthCheck.id, signal), () => healthCheck.inverted);
    if (health.status !== "healthy") problems.push(`${name} is unhealthy: ${describeHealth(health)}`);
    if (healthCheck.requestInterval !== targets.requestInterval || healthCheck.failureThreshold !== targets.failureThreshold) {
      warnings.push(
        `${name} checks every ${healthCheck.requestInterval ?? "?"} s with failure threshold ${healthCheck.failureThreshold ?? "?"}; ` +
          `config says ${targets.requestInterval} s and ${targets.failureThreshold}: the RTO budget follows config`,
      );
    }
  }
  const drilledCheck = healthChecks.find((entry) => entry.region === targets.drilled);
  if (drilledCheck !== undefined) {
    const marker = await route53.markerOf(drilledCheck.healthCheck.id, signal);
    if (marker !== undefined) {
      problems.push(
        `a drill is already running: health check ${drilledCheck.healthCheck.id} has tag ${DRILL_MARKER_TAG}=${marker} ` +
          `(if no drill is running, see docs/failover-drill.md "Recovering by hand")`,
      );
    }
  }
  return { problems, warnings };
}

/**
 * What to do when `/health` refuses this machine: the stack lets only Route 53's health
 * checkers and `healthCheck.allowedCidrs` call it (the API's resource policy).
 */
export const HEALTH_REFUSED_HINT =
  "GET /health answers only Route 53's health checkers and the addresses in healthCheck.allowedCidrs " +
  "(module input health_check_allowed_cidrs): add this machine's public address there and deploy, or run the drill from an allowed address";

/** Each region's own endpoint answers its health route from that region. */
async function checkRegionEndpoints(http: HttpClient, targets: DrillTargets, signal: AbortSignal | undefined): Promise<string[]> {
  const problems: string[] = [];
  for (const region of targets.regions) {
    const url = healthUrl(region);
    try {
      const response = await http({ method: "GET", url, timeoutMs: REGION_HEALTH_TIMEOUT_MS, signal });
      const answeredBy = regionOfHealthAnswer(response);
      if (response.status === 403) problems.push(`${url} refused this machine (403): ${HEALTH_REFUSED_HINT}`);
      else if (response.status !== 200) problems.push(`${url} answered ${describeAnswer(response)}`);
      else if (answeredBy !== region.name)
        problems.push(`${url} answered from ${answeredBy ?? "an unknown region"}, expected ${region.name}`);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      problems.push(`${url} did not answer: ${(error as Error).message}`);
    }
  }
  return problems;
}

/**
 * `api.<domain>`, as Route 53's own name servers answer it, is served by the drilled region:
 * the primary in failover mode; in active-active, the drilled region for a client in its area.
 */
async function checkApiAnswer(
  route53: DrillRoute53,
  locator: AddressLocator,
  targets: DrillTargets,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const { clientSubnet } = targets;
  const answer = await route53.answer(targets.hostedZoneId, targets.apiName, signal, clientSubnet);
  const asked = clientSubnet === undefined ? "" : `, EDNS0 client subnet ${describeClientSubnet(clientSubnet)}`;
  if (answer.responseCode !== "NOERROR" || answer.addresses.length === 0) {
    return [
      `Route 53 answers ${answer.responseCode || "nothing"} for ${targets.apiName} A (TestDNSAnswer in ${targets.hostedZoneId}${asked})`,
    ];
  }
  const located = await locator.locate(answer.addresses, signal);
  if ("error" in located)
    return [`${targets.apiName} answers ${answer.addresses.join(", ")}, which could not be placed: ${located.error}`];
  if (located.region !== targets.drilled.name) {
    if (clientSubnet === undefined) {
      return [
        `${targets.apiName} answers ${located.region} (${answer.addresses.join(", ")}), expected the primary ${targets.primary.name}`,
      ];
    }
    return [
      `${targets.apiName} answers ${located.region} (${answer.addresses.join(", ")}) for clients in ${targets.drilled.name}'s area ` +
        `(EDNS0 client subnet ${describeClientSubnet(clientSubnet)}, ${clientSubnet.source}), expected ${targets.drilled.name} itself: ` +
        `the drill could not tell its answers moving; is ${targets.drilled.name}'s latency record missing or unhealthy, or the routing not active-active?`,
    ];
  }
  return [];
}

export async function preflight(
  deps: { route53: DrillRoute53; http: HttpClient; locator: AddressLocator; targets: DrillTargets; signal?: AbortSignal },
  /** The result of {@link findHealthChecks}, when the caller already has it. */
  found?: Awaited<ReturnType<typeof findHealthChecks>>,
): Promise<PreflightResult> {
  const { route53, http, locator, targets, signal } = deps;
  found ??= await findHealthChecks(route53, targets, signal);
  const checked = await checkHealthChecks(route53, targets, found.healthChecks, signal);
  return {
    healthChecks: found.healthChecks,
    problems: [
      ...found.problems,
      ...checked.problems,
      ...(await checkRegionEndpoints(http, targets, signal)),
      ...(await checkApiAnswer(route53, locator, targets, signal)),
    ],
    warnings: checked.warnings,
  };
}
