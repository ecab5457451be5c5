/**
 * Evaluates AWS policies with a real IAM policy engine (@cloud-copilot/iam-simulate): explicit
 * deny, allow, conditions (IpAddress, ArnNotEquals, ...) and resource policies as AWS
 * documents them, instead of reading policy text.
 */
import { anonymousPrincipal, runSimulation } from "@cloud-copilot/iam-simulate";

export const ACCOUNT = "123456789012";

export interface PolicyRequest {
  /** An IAM principal ARN, or `anonymous` for an unsigned request (a public API). */
  readonly principal: string | "anonymous";
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
  /** The caller's identity policies. @default - none */
  readonly identityPolicies?: readonly unknown[];
}

/** `Allowed`, `ExplicitlyDenied` or `ImplicitlyDenied`; throws when the simulator rejects the input (an unknown action, a malformed policy). */
export async function evaluate(resourcePolicy: unknown, request: PolicyRequest): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: request.principal === "anonymous" ? anonymousPrincipal : request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        // The simulator doesn't derive request context from the principal; AWS does.
        contextVariables: {
          ...(request.principal === "anonymous" ? {} : { "aws:PrincipalArn": request.principal }),
          ...request.context,
        },
      },
      identityPolicies: (request.identityPolicies ?? []).map((policy, index) => ({ name: `identity-${index}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    } as Parameters<typeof runSimulation>[0],
    {},
  );
  if (result.resultType !== "single") throw new Error(`simulation failed: ${JSON.stringify(result).slice(0, 2000)}`);
  return result.overallResult;
}

/** Everything allowed: an administrator's identity policy. */
export const ADMINISTRATOR = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/**
 * The IAM JSON that an `aws_iam_policy_document` data source renders from its `statement`
 * blocks (the shape DataAwsIamPolicyDocument takes), for the cases our constructs use.
 */
export function renderPolicyDocument(
  statements: readonly {
    sid?: string;
    effect: string;
    principals?: readonly { type: string; identifiers: readonly string[] }[];
    actions?: readonly string[];
    /** `not_actions` as the synthesized document writes it. */
    not_actions?: readonly string[];
    resources: readonly string[];
    condition?: readonly { test: string; variable: string; values: readonly string[] }[];
  }[],
) {
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      ...(s.sid === undefined ? {} : { Sid: s.sid }),
      Effect: s.effect === "Deny" ? "Deny" : "Allow",
      ...(s.principals === undefined
        ? {}
        : {
            Principal:
              s.principals.length === 1 && s.principals[0]!.type === "*"
                ? "*"
                : Object.fromEntries(s.principals.map((p) => [p.type, [...p.identifiers]])),
          }),
      ...(s.not_actions === undefined ? { Action: [...(s.actions ?? [])] } : { NotAction: [...s.not_actions] }),
      Resource: [...s.resources],
      ...(s.condition === undefined
        ? {}
        : { Condition: Object.fromEntries(s.condition.map((c) => [c.test, { [c.variable]: [...c.values] }])) }),
    })),
  };
}
