/**
 * Least privilege of the functions, proven from the handlers' own calls: the calls recorded
 * while the handlers run their scenarios (handler-calls.ts) against each function's identity
 * policy as the tickets stack synthesizes it, evaluated by a real IAM engine, for every
 * function in every region. Every call is allowed on its exact ARN; the same actions on
 * another region's table, on the other table, on another function's log group, and any write
 * by a read-only function are denied; and every permission is used by some call.
 */
import { HANDLER_NAMES, type HandlerName } from "../../contract/handlers";
import { ACCOUNT, evaluate, renderPolicyDocument } from "../support/iam-simulation";
import { tableArn, type RecordedCall } from "../support/sdk-call-recorder";
import { policyDocument, resourcesOf, synthStacks, type TerraformJson } from "../support/synth";
import { recordHandlerCalls, type FunctionEnv, type RecordedRun } from "./handler-calls";

/**
 * Allowed actions no handler call can use, each with why it is granted anyway. Nothing else
 * may be: a permission without a recorded call is dead.
 */
export const NOT_CALLED_BY_HANDLERS: Readonly<Record<string, string>> = {
  "xray:PutTraceSegments": "sent by the Lambda runtime's X-Ray daemon (active tracing), not by handler code",
  "xray:PutTelemetryRecords": "sent by the Lambda runtime's X-Ray daemon (active tracing), not by handler code",
  "logs:CreateLogStream": "the Lambda runtime creates the function's log stream; the handlers only write to stdout",
  "logs:PutLogEvents": "the Lambda runtime ships stdout to the log group; the handlers only write to stdout",
};

/** Every DynamoDB action that changes data or tables: none for a read-only function. */
const DYNAMODB_WRITES = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:PartiQLInsert",
  "dynamodb:PartiQLUpdate",
  "dynamodb:PartiQLDelete",
  "dynamodb:UpdateTable",
  "dynamodb:DeleteTable",
];

/** The functions that only read: a list, not derived from the manifest, so a write added there fails. */
const READ_ONLY: readonly HandlerName[] = ["tickets-get", "health"];

/** A function of one region as the stack synthesizes it. */
export interface SynthesizedFunction {
  readonly handler: HandlerName;
  readonly region: string;
  readonly roleArn: string;
  readonly logGroupArn: string;
  /** The identity policy's IAM JSON, references resolved. */
  readonly policy: ReturnType<typeof renderPolicyDocument>;
  readonly env: FunctionEnv;
}

const providerRegion = (block: Record<string, any>) => {
  const region = /^aws\.(.+)$/.exec(String(block.provider))?.[1];
  if (region === undefined) throw new Error(`no regional provider on ${JSON.stringify(block).slice(0, 200)}`);
  return region;
};

/**
 * Replaces the references the function policies and environments use by what AWS gives once
 * the resources exist: table names and ARNs (the primary's, or a replica's in its region) and
 * log group ARNs. Throws on any reference left, so a new one can't pass unresolved.
 */
export function resolveReferences(stack: TerraformJson, text: string): string {
  const tables = resourcesOf(stack, "aws_dynamodb_table");
  const logGroups = resourcesOf(stack, "aws_cloudwatch_log_group");
  const table = (name: string) => {
    if (tables[name] === undefined) throw new Error(`no table ${name}`);
    return tables[name]!;
  };
  const resolved = text
    .replace(
      /\$\{one\(\[for replica in aws_dynamodb_table\.([a-z0-9_]+)\.replica : replica\.arn if replica\.region_name == \\?"([a-z0-9-]+)\\?"\]\)\}/g,
      (_, name: string, region: string) => tableArn(region, table(name).name),
    )
    .replace(/\$\{aws_dynamodb_table\.([a-z0-9_]+)\.arn\}/g, (_, name: string) =>
      tableArn(providerRegion(table(name)), table(name).name),
    )
    .replace(/\$\{aws_dynamodb_table\.([a-z0-9_]+)\.name\}/g, (_, name: string) => table(name).name)
    .replace(/\$\{aws_cloudwatch_log_group\.([a-z0-9_]+)\.arn\}/g, (_, name: string) => {
      const group = logGroups[name];
      if (group === undefined) throw new Error(`no log group ${name}`);
      return `arn:aws:logs:${providerRegion(group)}:${ACCOUNT}:log-group:${group.name}`;
    });
  if (resolved.includes("${")) throw new Error(`unresolved reference in ${resolved.slice(resolved.indexOf("${"), 300)}`);
  return resolved;
}

/** Every function of every region: its identity policy, role, log group and environment. */
export function synthesizedFunctions(stack: TerraformJson): SynthesizedFunction[] {
  const roles = resourcesOf(stack, "aws_iam_role");
  const functions = Object.values(resourcesOf(stack, "aws_lambda_function"));
  const rolePolicies = Object.values(resourcesOf(stack, "aws_iam_role_policy"));
  // From the functions: the stack has other roles (the drill's) whose policies are not theirs.
  return functions.map((fn) => {
    const roleName = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(fn.role)?.[1];
    const own = rolePolicies.filter((p) =>
      [`\${aws_iam_role.${roleName}.name}`, `\${aws_iam_role.${roleName}.id}`].includes(p.role),
    );
    if (roleName === undefined || own.length !== 1) {
      throw new Error(`function ${fn.function_name} (${fn.provider}) has ${own.length} role policies, not one`);
    }
    const rolePolicy = own[0]!;
    // The bundle's file name is the handler's manifest name.
    const handler = /([^/]+)\.zip$/.exec(fn.filename)?.[1] as HandlerName;
    if (!HANDLER_NAMES.includes(handler)) throw new Error(`function ${fn.function_name} runs no known bundle: ${fn.filename}`);
    // `${aws_cloudwatch_log_group.<name>.name}`: the function's own group.
    const logGroup = /^\$\{aws_cloudwatch_log_group\.([^.]+)\.name\}$/.exec(fn.logging_config?.log_group)?.[1];
    if (logGroup === undefined) throw new Error(`function ${fn.function_name} names no log group resource`);
    const document = policyDocument(stack, rolePolicy.policy);
    return {
      handler,
      region: providerRegion(fn),
      roleArn: `arn:aws:iam::${ACCOUNT}:role/${roles[roleName]!.name}`,
      logGroupArn: resolveReferences(stack, `\${aws_cloudwatch_log_group.${logGroup}.arn}`),
      policy: JSON.parse(resolveReferences(stack, JSON.stringify(renderPolicyDocument(document.statement)))),
      env: JSON.parse(resolveReferences(stack, JSON.stringify(fn.environment.variables))),
    };
  });
}

/** The (action, resource) pairs a policy allows, one per action and resource of each Allow statement. */
export function allowedPairs(policy: SynthesizedFunction["policy"]): { action: string; resource: string }[] {
  return policy.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => {
    // A NotAction statement would allow everything else: no function policy may have one.
    if (!("Action" in s)) throw new Error(`a function policy statement with NotAction: ${JSON.stringify(s)}`);
    return s.Action.flatMap((action) => s.Resource.map((resource) => ({ action, resource })));
  });
}

/**
 * The jest suite for one configuration: synth, record the calls of the regions `recordIn` (at
 * least two, for the cross-region retries; default every region), evaluate their functions
 * against every region's resources. A configuration with many regions is split over files
 * that name their regions, so each file stays fast.
 */
export function describeFunctionPolicies(
  title: string,
  overrides: Parameters<typeof synthStacks>[0],
  recordIn?: readonly string[],
): void {
  describe(title, () => {
    const { tickets } = synthStacks(overrides);
    const allFunctions = synthesizedFunctions(tickets);
    const allRegions = [...new Set(allFunctions.map((fn) => fn.region))];
    const regions = recordIn ?? allRegions;
    const functions = allFunctions.filter((fn) => regions.includes(fn.region));
    let run: RecordedRun;
    const callsOf = (fn: SynthesizedFunction): RecordedCall[] => [
      ...run.calls[fn.region]![fn.handler],
      ...(fn.handler === "tickets-post" ? run.withoutOldItem[fn.region]! : []),
    ];
    const ask = (fn: SynthesizedFunction, action: string, resource: string) =>
      evaluate(undefined, { principal: fn.roleArn, action, resource, identityPolicies: [fn.policy] });

    beforeAll(async () => {
      const envOf = (handler: HandlerName) => functions.find((fn) => fn.handler === handler)!.env;
      run = await recordHandlerCalls(regions, Object.fromEntries(HANDLER_NAMES.map((name) => [name, envOf(name)])) as never);
    });

    test("every function of every region has its policy, and every function of a handler the same environment", () => {
      expect(regions.every((region) => allRegions.includes(region))).toBe(true);
      expect(allFunctions.map((fn) => `${fn.handler} ${fn.region}`).sort()).toEqual(
        allRegions.flatMap((region) => HANDLER_NAMES.map((name) => `${name} ${region}`)).sort(),
      );
      for (const fn of allFunctions) expect(fn.env).toEqual(allFunctions.find((other) => other.handler === fn.handler)!.env);
    });

    test("every scenario took its path in every region (each fault reached its call)", () => {
      const wrong = run.outcomes
        .filter((outcome) => outcome.actual !== outcome.expected)
        .map((o) => `${o.region} ${o.scenario}: ${o.expected} expected, got ${o.actual} ${o.message}`);
      expect(wrong).toEqual([]);
      expect(new Set(run.outcomes.map((outcome) => outcome.region))).toEqual(new Set(regions));
    });

    test("every function made calls, all signed for its own region", () => {
      for (const fn of functions) {
        const calls = callsOf(fn);
        expect({ function: `${fn.handler} ${fn.region}`, calls: calls.length > 0 }).toEqual({
          function: `${fn.handler} ${fn.region}`,
          calls: true,
        });
        expect(calls.filter((call) => call.region !== fn.region || call.service !== "dynamodb")).toEqual([]);
      }
    });

    describe.each(functions.map((fn) => [`${fn.handler} in ${fn.region}`, fn] as const))("%s", (_name, fn) => {
      const calls = () => callsOf(fn);
      const distinct = () => [...new Map(calls().map((call) => [`${call.action} ${call.resource}`, call])).values()];
      const otherRegions = allRegions.filter((region) => region !== fn.region);
      const tableNames = () => [
        fn.env.TABLE_NAME!,
        functions.find((f) => f.handler === "tickets-post")!.env.IDEMPOTENCY_TABLE_NAME!,
      ];

      test("every recorded call is allowed on its exact ARN", async () => {
        const decisions = await Promise.all(
          distinct().map(async (call) => [`${call.action} ${call.resource}`, await ask(fn, call.action, call.resource)]),
        );
        expect(decisions.filter(([, decision]) => decision !== "Allowed")).toEqual([]);
      });

      test("the same actions on the same table in every other region are denied", async () => {
        const cases = distinct().flatMap((call) =>
          otherRegions.map((region) => ({ action: call.action, resource: tableArn(region, call.tableName) })),
        );
        expect(cases.length).toBeGreaterThan(0);
        const allowed = await allowedOf(fn, cases);
        expect(allowed).toEqual([]);
      });

      test("the same actions on the other table of its region are denied, unless a call makes them there", async () => {
        const used = new Set(calls().map((call) => `${call.action} ${call.resource}`));
        const cases = distinct().flatMap((call) =>
          tableNames()
            .filter((name) => name !== call.tableName)
            .map((name) => ({ action: call.action, resource: tableArn(fn.region, name) }))
            .filter(({ action, resource }) => !used.has(`${action} ${resource}`)),
        );
        expect(cases.length).toBeGreaterThan(0);
        expect(await allowedOf(fn, cases)).toEqual([]);
      });

      test("logs go to its own log group only: not another function's, not its own group in another region", async () => {
        const stream = (groupArn: string) => `${groupArn}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`;
        const logActions = ["logs:CreateLogStream", "logs:PutLogEvents"];
        for (const action of logActions) expect(await ask(fn, action, stream(fn.logGroupArn))).toBe("Allowed");
        const others = allFunctions.filter((other) => other !== fn).map((other) => other.logGroupArn);
        const cases = others.flatMap((arn) => logActions.map((action) => ({ action, resource: stream(arn) })));
        expect(cases.length).toBeGreaterThan(0);
        expect(await allowedOf(fn, cases)).toEqual([]);
      });

      // Only the read-only functions get this test (tickets-post writes by design).
      if (READ_ONLY.includes(fn.handler)) {
        test("a read-only function can write nothing, on any table of any region", async () => {
          const cases = allRegions.flatMap((region) =>
            tableNames().flatMap((name) => DYNAMODB_WRITES.map((action) => ({ action, resource: tableArn(region, name) }))),
          );
          expect(await allowedOf(fn, cases)).toEqual([]);
        });
      }

      test("no dead permission: every allowed action on every resource is used by a recorded call", () => {
        const used = new Set(calls().map((call) => `${call.action} ${call.resource}`));
        const unused = allowedPairs(fn.policy)
          .filter(({ action }) => !(action in NOT_CALLED_BY_HANDLERS))
          .map(({ action, resource }) => `${action} ${resource}`)
          .filter((pair) => !used.has(pair));
        expect(unused).toEqual([]);
      });

      test("the exempt actions are granted only where the runtime needs them", () => {
        for (const { action, resource } of allowedPairs(fn.policy)) {
          if (action.startsWith("logs:")) expect(resource).toBe(`${fn.logGroupArn}:*`);
          if (action.startsWith("xray:")) expect(resource).toBe("*");
        }
      });
    });

    test("dynamodb:GetItem on the idempotency table: only Powertools' fallback, when a failed condition brings no old item, reads a record", () => {
      // Against DynamoDB (ReturnValuesOnConditionCheckFailure: ALL_OLD, which Powertools sets)
      // the failed put brings the record and nothing reads it; the grant serves the fallback.
      for (const region of regions) {
        const reads = (calls: RecordedCall[]) => calls.filter((call) => call.action === "dynamodb:GetItem").length;
        expect(reads(run.calls[region]!["tickets-post"])).toBe(0);
        expect(reads(run.withoutOldItem[region]!)).toBeGreaterThan(0);
      }
    });
  });
}

/** The cases of `cases` that `fn`'s policy allows (should be none). */
async function allowedOf(fn: SynthesizedFunction, cases: readonly { action: string; resource: string }[]): Promise<string[]> {
  const decisions = await Promise.all(
    cases.map(async ({ action, resource }) => ({
      case: `${action} ${resource}`,
      decision: await evaluate(undefined, { principal: fn.roleArn, action, resource, identityPolicies: [fn.policy] }),
    })),
  );
  return decisions.filter(({ decision }) => decision === "Allowed").map((d) => d.case);
}
