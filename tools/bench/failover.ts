/**
 * Section 6: the failover budget, computed (not measured: there is no AWS account here) with
 * the same model as the failover drill's report (tools/drill/budget.ts), for the default
 * health-check settings and the README's production advice, next to the workshop's manual
 * drill, whose durations are estimates. `npm run drill` measures the real values on a
 * deployment.
 *
 * Why the model holds (Route 53 Developer Guide, "How Amazon Route 53 determines whether a
 * health check is healthy"): checkers in many locations probe independently, each decides
 * after `failureThreshold` consecutive failures, and Route 53 counts the endpoint healthy while
 * more than 18% of them say so. With probes spread evenly over an interval, 82% of the
 * checkers have seen the failures (threshold - 1 + 0.82) x interval after the failure starts:
 * inside the budget's detection plus one interval of spread and aggregation. Health is
 * evaluated per query, so no record change propagates; resolvers keep their cached answer for
 * the alias target's TTL.
 */
import { DEFAULTS } from "../../config/schema";
import { rtoBudget, type RtoBudget } from "../drill/budget";

export interface HealthCheckSettings {
  readonly requestInterval: number;
  readonly failureThreshold: number;
}

/** The README's advice for production ("Production health checks"). */
export const PRODUCTION_HEALTH_CHECK: HealthCheckSettings = { requestInterval: 30, failureThreshold: 3 };

/** Route 53 considers an endpoint healthy while more than this share of checkers say so. */
export const HEALTHY_CHECKER_SHARE = 0.18;

export interface FailoverBudget extends RtoBudget {
  readonly name: string;
  readonly settings: HealthCheckSettings;
  /** When 82% of evenly spread checkers have seen `failureThreshold` failures. */
  readonly quorumSeconds: number;
}

export function failoverBudget(name: string, settings: HealthCheckSettings): FailoverBudget {
  const { requestInterval, failureThreshold } = settings;
  return {
    name,
    settings,
    ...rtoBudget(settings),
    quorumSeconds: requestInterval * (failureThreshold - 1 + (1 - HEALTHY_CHECKER_SHARE)),
  };
}

/** One step of a failover drill, with how long it takes and where the number comes from. */
export interface DrillStep {
  readonly step: string;
  readonly seconds: number;
  readonly basis: "computed" | "estimate";
}

export interface Drill {
  readonly name: string;
  readonly steps: readonly DrillStep[];
}

/** From the primary failing to clients on the standby: the budget's parts. */
function routingSteps(budget: FailoverBudget): DrillStep[] {
  const { requestInterval, failureThreshold } = budget.settings;
  return [
    {
      step: `checkers see the failures (${requestInterval} s x ${failureThreshold})`,
      seconds: budget.detectionSeconds,
      basis: "computed",
    },
    { step: "checker spread and Route 53's aggregation (one interval)", seconds: budget.checkerSpreadSeconds, basis: "computed" },
    {
      step: `resolvers' cached answers expire (TTL ${budget.recordTtlSeconds} s)`,
      seconds: budget.recordTtlSeconds,
      basis: "computed",
    },
  ];
}

/**
 * Breaking the primary until clients reach the secondary: the workshop's module 4 by hand in
 * the console (REFERENCE.md: point the Ireland `/health` method at TicketPost, redeploy `prod`)
 * and this project's `npm run drill` (README: it inverts the primary's health check, one
 * Route 53 call, no deployment). The manual durations are estimates of a practised operator.
 */
export function failoverDrills(budget: FailoverBudget): Drill[] {
  return [
    {
      name: "workshop, by hand in the console",
      steps: [
        {
          step: "open the Ireland API, point GET /health's integration at TicketPost, confirm the permission prompt",
          seconds: 120,
          basis: "estimate",
        },
        { step: "Deploy API to stage prod", seconds: 60, basis: "estimate" },
        ...routingSteps(budget),
      ],
    },
    {
      name: "this project, `npm run drill`",
      steps: [
        { step: "invert the primary's health check (one Route 53 API call)", seconds: 5, basis: "estimate" },
        ...routingSteps(budget),
      ],
    },
  ];
}

export const drillSeconds = (drill: Drill): number => drill.steps.reduce((sum, step) => sum + step.seconds, 0);

export interface FailoverResult {
  readonly budgets: readonly FailoverBudget[];
  readonly drills: readonly Drill[];
}

export function benchFailover(): FailoverResult {
  const defaults = failoverBudget("default config (workshop)", DEFAULTS.healthCheck);
  return {
    budgets: [defaults, failoverBudget("README's production advice", PRODUCTION_HEALTH_CHECK)],
    drills: failoverDrills(defaults),
  };
}
