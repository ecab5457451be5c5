/**
 * Section 6: the failover budget, computed (not measured: there is no AWS account here) from
 * the health-check settings and Route 53's documented behaviour, next to the workshop's manual
 * drill, whose durations are estimates.
 *
 * Route 53 (Developer Guide, "How Amazon Route 53 determines whether a health check is
 * healthy"): health checkers in many locations probe independently, not in step; each decides
 * after `failureThreshold` consecutive failed probes; Route 53 considers the endpoint healthy
 * while more than 18% of the checkers report it healthy. So the primary counts as down once at
 * least 82% of the checkers have seen `failureThreshold` failures in a row: with probes spread
 * evenly over an interval, that is (threshold - 1 + 0.82) x interval after the failure starts,
 * and at the latest threshold x interval. Health status is evaluated when Route 53 answers a
 * query, so no record change has to propagate; what remains is the answer cached by resolvers
 * for the record's TTL.
 */
import { DEFAULTS } from "../../config/schema";

export interface HealthCheckSettings {
  readonly requestInterval: number;
  readonly failureThreshold: number;
}

/** The README's advice for production ("Production health checks"). */
export const PRODUCTION_HEALTH_CHECK: HealthCheckSettings = { requestInterval: 30, failureThreshold: 3 };

/** Route 53 considers an endpoint healthy while more than this share of checkers say so. */
export const HEALTHY_CHECKER_SHARE = 0.18;

/**
 * TTL of the `api.` alias answer. An alias record has no TTL of its own: Route 53 answers with
 * the TTL of the target, here API Gateway's regional domain name (`d-….execute-api.<region>.
 * amazonaws.com`), which AWS does not document; 60 s is what the Route 53 FAQ advises for
 * failover and what it fixes for ELB and S3 website alias targets. Check with `dig api.<domain>`
 * after a deploy.
 */
export const ALIAS_TTL_SECONDS = 60;

export interface FailoverBudget {
  readonly name: string;
  readonly settings: HealthCheckSettings;
  /** Enough checkers (82%) have seen `failureThreshold` failures: Route 53 switches answers. */
  readonly quorumSeconds: number;
  /** Every checker has: the latest the switch happens. */
  readonly allCheckersSeconds: number;
  readonly ttlSeconds: number;
  /** Worst case until every client that honours the TTL reaches the secondary. */
  readonly rtoSeconds: number;
}

export function failoverBudget(name: string, settings: HealthCheckSettings): FailoverBudget {
  const { requestInterval, failureThreshold } = settings;
  const allCheckersSeconds = requestInterval * failureThreshold;
  return {
    name,
    settings,
    quorumSeconds: requestInterval * (failureThreshold - 1 + (1 - HEALTHY_CHECKER_SHARE)),
    allCheckersSeconds,
    ttlSeconds: ALIAS_TTL_SECONDS,
    rtoSeconds: allCheckersSeconds + ALIAS_TTL_SECONDS,
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

/** Detection and TTL for the default settings, shared by both drills. */
function routingSteps(budget: FailoverBudget): DrillStep[] {
  return [
    {
      step: `Route 53 marks the primary unhealthy (${budget.settings.requestInterval} s x ${budget.settings.failureThreshold}, at the latest)`,
      seconds: budget.allCheckersSeconds,
      basis: "computed",
    },
    { step: `resolvers' cached answers expire (TTL ${budget.ttlSeconds} s)`, seconds: budget.ttlSeconds, basis: "computed" },
  ];
}

/**
 * Breaking the primary until clients reach the secondary: the workshop's module 4 by hand in
 * the console (REFERENCE.md: point the Ireland `/health` method at TicketPost, redeploy `prod`)
 * and this project's drill (README: one CLI call that breaks the health function's table).
 * The manual durations are estimates of a practised operator, not measurements.
 */
export function failoverDrills(budget: FailoverBudget): Drill[] {
  return [
    {
      name: "workshop, by hand in the console",
      steps: [
        {
          step: "open the Ireland API, edit GET /health's integration to TicketPost, confirm the permission prompt",
          seconds: 120,
          basis: "estimate",
        },
        { step: "Deploy API to stage prod", seconds: 60, basis: "estimate" },
        ...routingSteps(budget),
      ],
    },
    {
      name: "this project (README's failover drill)",
      steps: [
        { step: "aws lambda update-function-configuration (health function's TABLE_NAME)", seconds: 5, basis: "estimate" },
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
