/**
 * `--dry-run`: every step with the exact names and ids it would touch, and whether
 * preflight passes now. Only read calls: with credentials, the health checks are looked up,
 * preflight runs and so does the fault's own (read-only) preflight; without, the plan names
 * what is derived from config and says the ids are looked up at run time. No write is ever
 * sent: Route 53 ChangeTagsForResource and UpdateHealthCheck, Lambda TagResource,
 * UntagResource, PutFunctionConcurrency and DeleteFunctionConcurrency, FIS StartExperiment and
 * StopExperiment, ticket writes. In active-active routing the plan names the drilled region
 * and the EDNS0 client subnet every TestDNSAnswer carries.
 */
import { NEXT_TOKEN_HEADER } from "../../lambdas/core/http";
import { PAGE_LIMITS } from "../../contract/ticket-json-schema";
import { HEALTH_PATH, TICKETS_PATH } from "../../contract/handlers";
import { DrillContext, type DrillDeps, type DrillSettings } from "./context";
import { createFault } from "./faults";
import type { Fault, FaultPlan } from "./faults/fault";
import { DrillJournal } from "./journal";
import { findHealthChecks, preflight, type PreflightResult } from "./preflight";
import { EXIT_CODES } from "./record";
import { REPORT_FILES } from "./report";
import { HEALTHY_CHECKER_SHARE } from "./route53";
import { describeClientSubnet } from "./client-subnets";
import { subnetClause } from "./plan-lines";
import { DRILL_MARKER_TAG, type RegionTarget } from "./targets";

type DryRunDeps = Pick<DrillDeps, "route53" | "regional" | "http" | "output" | "clock"> & { drillId: string; outDir: string };

interface LookUp {
  readonly found: Awaited<ReturnType<typeof findHealthChecks>> | undefined;
  readonly result: PreflightResult | undefined;
  /** Why AWS could not be read, as `Route 53 could not be read (…)`. */
  readonly error: string | undefined;
}

const describeError = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** The read-only part of a drill: the health checks, preflight, the fault's preflight. */
async function lookUp(context: DrillContext, fault: Fault): Promise<LookUp> {
  const { targets } = context;
  let found: LookUp["found"];
  try {
    found = await findHealthChecks(context.route53, targets);
    context.drilledCheck = found.healthChecks.find((entry) => entry.region === targets.drilled)?.healthCheck;
    const result = await preflight(
      { route53: context.route53, http: context.deps.http, locator: context.locator, targets },
      found,
    );
    try {
      const faultProblems = await fault.preflight(context, context.drillSignal);
      return { found, result: { ...result, problems: [...result.problems, ...faultProblems] }, error: undefined };
    } catch (error) {
      return {
        found,
        result: undefined,
        error: `the ${fault.kind} fault's preflight could not read AWS (${describeError(error)})`,
      };
    }
  } catch (error) {
    return { found, result: undefined, error: `Route 53 could not be read (${describeError(error)})` };
  }
}

function header(context: DrillContext, found: LookUp["found"], plan: FaultPlan): string[] {
  const { targets, settings } = context;
  const check = (region: RegionTarget) => found?.healthChecks.find((entry) => entry.region === region)?.healthCheck;
  const describeEndpoint = (region: RegionTarget) => {
    const healthCheck = check(region);
    return `${region.name} (${region.endpoint}), health check ${healthCheck === undefined ? "looked up at run time" : `${healthCheck.id} (version ${healthCheck.version})`}`;
  };
  const common = [
    "",
    `  drill id   ${context.drillId} (from the start time)`,
    `  config     ${settings.configSource}`,
    ...plan.header,
  ];
  if (targets.routing === "failover") {
    return [
      "Failover drill plan (dry run: no AWS write call is made)",
      ...common,
      `  api        ${targets.apiName} in hosted zone ${targets.hostedZoneId}` +
        (targets.standbySetName === undefined ? "" : `; its SECONDARY is the latency set ${targets.standbySetName}`),
      `  primary    ${describeEndpoint(targets.primary)}`,
      ...targets.standbys.map((standby) => `  standby    ${describeEndpoint(standby)}`),
    ];
  }
  return [
    "Active-active drill plan (dry run: no AWS write call is made)",
    ...common,
    `  api        ${targets.apiName} in hosted zone ${targets.hostedZoneId}: one latency record per region (routing "active-active")`,
    `  drilled    ${describeEndpoint(targets.drilled)}`,
    ...targets.others.map((other) => `  other      ${describeEndpoint(other)}`),
    `  asked from EDNS0 client subnet ${describeClientSubnet(targets.clientSubnet!)} (${targets.clientSubnet!.source}): ` +
      `Route 53 answers as for a client in ${targets.drilled.name}'s area`,
  ];
}

function steps(context: DrillContext, plan: FaultPlan, outDir: string): string[] {
  const { targets, settings } = context;
  const idOf = (region: RegionTarget) =>
    region === targets.drilled
      ? context.drilledCheckId
      : (context.healthCheckIds.get(region) ?? `<${region.label} health check id>`);
  const healthUrl = (region: RegionTarget) => `https://${region.endpoint}${HEALTH_PATH}`;
  const listUrl = (region: RegionTarget) => `${region.url}${TICKETS_PATH.slice(1)}?limit=${PAGE_LIMITS.max}`;
  const [observe, ...observeDetails] = plan.observe;
  return [
    "",
    "1. preflight (read only)",
    `   - Route 53 ListHealthChecks: one HTTPS health check for each of ${targets.regions.map(healthUrl).join(", ")}`,
    `   - Route 53 GetHealthCheckStatus ${targets.regions.map(idOf).join(", ")}: each healthy (more than ${HEALTHY_CHECKER_SHARE * 100} % of checkers), none inverted or disabled`,
    `   - Route 53 ListTagsForResource healthcheck ${context.drilledCheckId}: no ${DRILL_MARKER_TAG} tag`,
    ...targets.regions.map((region) => `   - GET ${healthUrl(region)} answers 200 {"region":"${region.name}"}`),
    `   - Route 53 TestDNSAnswer ${targets.hostedZoneId} ${targets.apiName} A${subnetClause(context)}: its address answers GET ${targets.apiUrl}${HEALTH_PATH.slice(1)} from ${targets.drilled.name}`,
    ...plan.preflight.map((line) => `   - ${line}`),
    `2. mark: ${plan.mark}`,
    `3. baseline: one poll of health check ${context.drilledCheckId} and of ${targets.apiName}'s answer`,
    `4. break: ${plan.break}`,
    `5. observe: ${observe}`,
    ...observeDetails,
    `6. restore (on every exit path): ${plan.restore}`,
    `7. unmark: ${plan.unmark}`,
    `8. verify: ${targets.regions.map((region) => `GET ${listUrl(region)}`).join(", ")} (following ${NEXT_TOKEN_HEADER}), up to ${settings.readBackGraceSeconds} s for replication: every probe in every region`,
    `9. report: ${[REPORT_FILES.markdown, REPORT_FILES.json, REPORT_FILES.timeline].map((file) => `${outDir}/${file}`).join(", ")}`,
    "",
  ];
}

/** Whether preflight passes now, and the exit code that says so. */
function verdict(lookedUp: LookUp): { lines: string[]; exitCode: number } {
  const { result, error } = lookedUp;
  const warnings = (result?.warnings ?? []).map((warning) => `warning: ${warning}`);
  if (error !== undefined) {
    return {
      lines: [`Preflight not run: ${error}. Ids are looked up at run time.`, ...warnings],
      exitCode: EXIT_CODES.passed,
    };
  }
  if (result!.problems.length > 0) {
    return {
      lines: ["Preflight would refuse the drill now:", ...result!.problems.map((problem) => `  - ${problem}`), ...warnings],
      exitCode: EXIT_CODES.refused,
    };
  }
  return { lines: ["Preflight passes now: the drill would start.", ...warnings], exitCode: EXIT_CODES.passed };
}

export async function dryRun(settings: DrillSettings, deps: DryRunDeps): Promise<number> {
  const journal = new DrillJournal(deps.clock.now());
  const context = new DrillContext(settings, { ...deps, signals: { on: () => undefined, off: () => undefined } }, journal);
  const fault = createFault(settings.fault, deps);
  const lookedUp = await lookUp(context, fault);
  for (const { region, healthCheck } of lookedUp.found?.healthChecks ?? []) context.healthCheckIds.set(region, healthCheck.id);
  const plan = fault.plan(context);
  const { lines, exitCode } = verdict(lookedUp);
  deps.output.write(`${[...header(context, lookedUp.found, plan), ...steps(context, plan, deps.outDir), ...lines].join("\n")}\n`);
  return exitCode;
}
