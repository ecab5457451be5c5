/**
 * docs/iam/: the least-privilege policies of the CI plan and apply roles, checked against what
 * the stack really contains. resource-actions.json maps each Terraform resource type to the
 * IAM actions the AWS provider calls to read it (plan) and to change it (apply).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";
import { synthStacks } from "../support/synth";

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
const load = <T>(file: string) => JSON.parse(readFileSync(join(PROJECT_ROOT, "docs", "iam", file), "utf8")) as T;
const planRole = load<{ Statement: Statement[] }>("ci-plan-role.json");
const applyRole = load<{ Statement: Statement[] }>("ci-apply-role.json");
const { _comment, ...actionsByType } = load<Record<string, { plan: string[]; apply: string[] }> & { _comment: string }>(
  "resource-actions.json",
);

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const actionsOf = (role: { Statement: Statement[] }) => new Set(role.Statement.flatMap((statement) => list(statement.Action)));
const planActions = actionsOf(planRole);
const applyActions = new Set([...planActions, ...actionsOf(applyRole)]);

// Every type of the main stack, the optional e-mail subscription, the drill's optional
// replication fault and the S3 backend itself.
const stack = synthStacks({ alarmEmail: "oncall@example.com", drill: { replicationFault: true } }).tickets;
const stackTypes = [...Object.keys(stack.resource), "backend:s3"].sort();

test("the stack's resource types are all mapped", () => {
  expect(stackTypes.length).toBeGreaterThan(20);
  expect(stackTypes.filter((type) => actionsByType[type] === undefined)).toEqual([]);
});

test.each(stackTypes)("%s: the plan role can read it, the apply role can change it", (type) => {
  const { plan, apply } = actionsByType[type]!;
  expect(plan.filter((action) => !planActions.has(action))).toEqual([]);
  expect([...plan, ...apply].filter((action) => !applyActions.has(action))).toEqual([]);
});

test("no action is granted that no resource type needs", () => {
  const needed = new Set(Object.values(actionsByType).flatMap(({ plan, apply }) => [...plan, ...apply]));
  expect([...applyActions].filter((action) => !needed.has(action))).toEqual([]);
});

test("kms:DescribeKey in every region: without it the plan shows replica changes that are not real", () => {
  const statement = planRole.Statement.find(
    (s) => list(s.Action).includes("kms:DescribeKey") && JSON.stringify(s.Condition ?? {}).includes("alias/aws/dynamodb"),
  );
  expect(statement).toBeDefined();
  for (const region of ["eu-west-1", "ap-southeast-1"]) {
    expect(list(statement!.Resource).some((arn) => arn.includes(`:kms:${region}:`))).toBe(true);
  }
});

describe.each([
  ["plan", planRole],
  ["apply", applyRole],
] as const)("the %s role", (_name, role) => {
  test("has no wildcard action", () => {
    expect(role.Statement.flatMap((s) => list(s.Action)).filter((action) => action === "*" || action.endsWith(":*"))).toEqual([]);
  });

  test('uses Resource "*" only for actions that support no resource-level permission', () => {
    const unrestrictable = new Set(["acm:RequestCertificate", "route53:CreateHealthCheck", "kms:CreateKey"]);
    const starred = role.Statement.filter((s) => list(s.Resource).includes("*"));
    for (const statement of starred) {
      expect({ sid: statement.Sid, actions: list(statement.Action).filter((a) => !unrestrictable.has(a)) }).toEqual({
        sid: statement.Sid,
        actions: [],
      });
    }
  });

  test("passes roles only to the service that uses them, and creates only named service-linked roles", () => {
    for (const statement of role.Statement) {
      const actions = list(statement.Action);
      if (actions.includes("iam:PassRole")) expect(statement.Condition?.StringEquals?.["iam:PassedToService"]).toBeDefined();
      if (actions.includes("iam:CreateServiceLinkedRole"))
        expect(statement.Condition?.StringEquals?.["iam:AWSServiceName"]).toBeDefined();
    }
  });
});

test("the apply role may pass the function, API Gateway logging and drill fault roles, and create the DynamoDB replication role", () => {
  const passed = applyRole.Statement.filter((s) => list(s.Action).includes("iam:PassRole")).map(
    (s) => s.Condition!.StringEquals!["iam:PassedToService"],
  );
  expect(passed.sort()).toEqual(["apigateway.amazonaws.com", "fis.amazonaws.com", "lambda.amazonaws.com"]);
  const linked = applyRole.Statement.filter((s) => list(s.Action).includes("iam:CreateServiceLinkedRole")).map(
    (s) => s.Condition!.StringEquals!["iam:AWSServiceName"],
  );
  expect(linked).toContain("replication.dynamodb.amazonaws.com");
});
