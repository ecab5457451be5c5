/**
 * docs/iam/drill-<fault>.json: what an operator needs to run each fault of the drill, checked
 * against the SDK calls a mocked run of that fault sends (the fake deployment records every
 * Route 53, Lambda and FIS call): each call's IAM action is allowed on its resource, and the
 * policy grants nothing no call needs (fis:TagResource aside: StartExperiment tags the experiment).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";
import type { FaultKind } from "../../tools/drill/faults/fault";
import { ACCOUNT, FakeDeployment, type FakeDeploymentOptions } from "../tools/drill/support/fake-deployment";

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

/** The account the policies name (as docs/iam/ci-*.json do); the fake's ARNs are rewritten to it. */
const DOC_ACCOUNT = "111122223333";
const policyOf = (fault: FaultKind) =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, "docs", "iam", `drill-${fault}.json`), "utf8")) as { Statement: Statement[] };

/** `*` in a policy resource matches any run of characters. */
function matches(pattern: string, arn: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return regex.test(arn);
}

interface Call {
  readonly action: string;
  readonly resource: string;
}

/** Every call of a run as an IAM action on a resource ARN. */
function callsOf(deployment: FakeDeployment): Call[] {
  const route53 = deployment.route53.calls().map((call) => {
    const command = (call.args[0].constructor as { name: string }).name.replace(/Command$/, "");
    const input = call.args[0].input as { HealthCheckId?: string; ResourceId?: string };
    const id = input.HealthCheckId ?? input.ResourceId;
    return { action: `route53:${command}`, resource: id === undefined ? "*" : `arn:aws:route53:::healthcheck/${id}` };
  });
  const regional = deployment.awsCalls.map(({ service, region, command, input }): Call => {
    const account = DOC_ACCOUNT;
    if (service === "lambda") {
      const name = String(input.FunctionName ?? input.Resource).replace(/^.*:function:/, "");
      return { action: `lambda:${command}`, resource: `arn:aws:lambda:${region}:${account}:function:${name}` };
    }
    if (command === "StartExperiment") {
      return {
        action: "fis:StartExperiment",
        resource: `arn:aws:fis:${region}:${account}:experiment-template/${String(input.experimentTemplateId)}`,
      };
    }
    if (command === "GetExperiment" || command === "StopExperiment") {
      return { action: `fis:${command}`, resource: `arn:aws:fis:${region}:${account}:experiment/${String(input.id)}` };
    }
    return { action: `fis:${command}`, resource: "*" };
  });
  return [...route53, ...regional];
}

const RUNS: Record<FaultKind, FakeDeploymentOptions> = {
  "health-check": {},
  functions: {},
  replication: { replicationFault: true },
};

describe.each(Object.keys(RUNS) as FaultKind[])("docs/iam/drill-%s.json", (fault) => {
  const policy = policyOf(fault);
  let calls: Call[];

  beforeAll(async () => {
    const deployment = new FakeDeployment(RUNS[fault]);
    const record = await deployment.run({ fault, probes: 2 });
    expect(record.outcome).toBe("passed");
    // And the dry run's reads.
    const dry = new FakeDeployment(RUNS[fault]);
    await dry.cli(["--dry-run", "--fault", fault]);
    calls = [...callsOf(deployment), ...callsOf(dry)];
    expect(JSON.stringify(calls)).not.toContain(ACCOUNT);
  });

  test("allows every call the drill makes, on its resource", () => {
    const denied = calls.filter(
      ({ action, resource }) =>
        !policy.Statement.some(
          (statement) =>
            statement.Effect === "Allow" &&
            statement.Action.includes(action) &&
            statement.Resource.some((pattern) => matches(pattern, resource)),
        ),
    );
    expect([...new Set(denied.map(({ action, resource }) => `${action} ${resource}`))]).toEqual([]);
  });

  test("grants no action the drill does not call", () => {
    const called = new Set(calls.map((call) => call.action));
    const granted = policy.Statement.flatMap((statement) => statement.Action);
    expect(granted.filter((action) => !called.has(action) && action !== "fis:TagResource")).toEqual([]);
  });

  test('no wildcard action; Resource "*" only for actions without resource-level permissions', () => {
    const unrestrictable = new Set([
      "route53:ListHealthChecks",
      "route53:TestDNSAnswer",
      "fis:ListExperimentTemplates",
      "fis:ListExperiments",
    ]);
    for (const statement of policy.Statement) {
      expect(statement.Action.filter((action) => action.includes("*"))).toEqual([]);
      if (statement.Resource.includes("*")) expect(statement.Action.filter((action) => !unrestrictable.has(action))).toEqual([]);
    }
  });
});

test("the replication fault may start experiments only from the drill's template (by its Name tag)", () => {
  const start = policyOf("replication").Statement.find((statement) =>
    statement.Resource.some((arn) => arn.includes("experiment-template/")),
  )!;
  expect(start.Action).toEqual(["fis:StartExperiment"]);
  expect(start.Condition).toEqual({ StringEquals: { "aws:ResourceTag/Name": "tickets-drill-replication-pause" } });
});

test("only the functions fault can change functions, only the health-check fault the health checks", () => {
  const actions = (fault: FaultKind) => policyOf(fault).Statement.flatMap((statement) => statement.Action);
  expect(actions("health-check").filter((action) => !action.startsWith("route53:"))).toEqual([]);
  expect(actions("functions")).not.toContain("route53:UpdateHealthCheck");
  expect(actions("replication")).not.toContain("route53:UpdateHealthCheck");
  expect(actions("replication").filter((action) => action.startsWith("lambda:"))).toEqual([]);
});
