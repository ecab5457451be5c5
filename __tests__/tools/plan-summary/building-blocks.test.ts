/** The pure pieces of the plan summary, on the edge cases the fixture plans don't reach. */
import { attributeChanges, formatAttributePath, MAX_VALUE_CHARS } from "../../../tools/plan-summary/attribute-diff";
import { githubRunFromEnv, runUrl } from "../../../tools/plan-summary/github-run";
import { parsePlan, type PlanResourceChange } from "../../../tools/plan-summary/plan-schema";
import { moduleConfigPath, placeResources } from "../../../tools/plan-summary/provider-regions";
import { codeSpan as code, tableCell } from "../../../tools/report-format";
import { STATEFUL_RESOURCE_TYPES } from "../../../tools/plan-summary/stateful-resources";
import { changeKind } from "../../../tools/plan-summary/summarize";

describe("changeKind", () => {
  test.each([
    [["no-op"], "no-op"],
    [["create"], "create"],
    [["read"], "read"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["forget"], "forget"],
  ] as const)("%j is %s", (actions, kind) => {
    expect(changeKind(actions)).toBe(kind);
  });
});

describe("formatAttributePath", () => {
  test("writes replace paths the way HCL addresses them", () => {
    expect(formatAttributePath(["attribute", 0, "name"])).toBe("attribute[0].name");
    expect(formatAttributePath(["tags", "cost center"])).toBe('tags["cost center"]');
  });
});

describe("moduleConfigPath", () => {
  test("drops instance keys, including ones with dots and brackets", () => {
    expect(moduleConfigPath('module.region["eu-west-1"].module.api[0]')).toBe("module.region.module.api");
    expect(moduleConfigPath('module.x["a.b[1]"]')).toBe("module.x");
    expect(moduleConfigPath(undefined)).toBe("");
  });
});

describe("placeResources", () => {
  // The smallest plan that reaches a nested, indexed module and a region from a variable.
  const plan = parsePlan(
    JSON.stringify({
      format_version: "1.2",
      planned_values: {},
      variables: { region: { value: "ap-southeast-1" } },
      configuration: {
        provider_config: {
          "aws.replica": { name: "aws", alias: "replica", expressions: { region: { references: ["var.region"] } } },
        },
        root_module: {
          module_calls: {
            region: {
              module: {
                module_calls: {
                  logs: {
                    module: {
                      resources: [
                        {
                          address: "aws_cloudwatch_log_group.api",
                          mode: "managed",
                          type: "aws_cloudwatch_log_group",
                          name: "api",
                          provider_config_key: "aws.replica",
                        },
                      ],
                    },
                  },
                },
              },
            },
          },
        },
      },
    }),
  );
  const place = placeResources(plan);
  const change = (moduleAddress: string | undefined, before: Record<string, unknown> | null = null): PlanResourceChange => ({
    address: "x",
    module_address: moduleAddress,
    mode: "managed",
    type: "aws_cloudwatch_log_group",
    name: "api",
    provider_name: "registry.terraform.io/hashicorp/aws",
    change: { actions: ["create"], before, after: null },
  });

  test("finds the provider of a resource in a nested module instance and reads its region variable", () => {
    expect(place(change('module.region["a"].module.logs'))).toEqual({
      provider: "aws.replica",
      region: "ap-southeast-1",
      regionSource: "configuration",
    });
  });

  test("falls back to the ARN of the prior object for a resource without configuration", () => {
    expect(place(change(undefined, { arn: "arn:aws:logs:eu-west-1:123456789012:log-group:api" }))).toEqual({
      provider: undefined,
      region: "eu-west-1",
      regionSource: "state",
    });
    expect(place(change(undefined, { arn: "arn:aws:iam::123456789012:role/api" }))).toEqual({
      provider: undefined,
      region: undefined,
      regionSource: undefined,
    });
  });
});

describe("Markdown cells", () => {
  test("escape pipes and fold line breaks", () => {
    expect(tableCell('`a["x|y"]`\nnext')).toBe('`a["x\\|y"]` next');
  });

  test("code spans survive backticks in the text", () => {
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`a")).toBe("`` `a ``");
  });
});

describe("STATEFUL_RESOURCE_TYPES", () => {
  test("covers the data the tickets stacks keep, and not config-only resources", () => {
    expect(Object.keys(STATEFUL_RESOURCE_TYPES)).toEqual(
      expect.arrayContaining([
        "aws_dynamodb_table",
        "aws_s3_bucket",
        "aws_s3_bucket_versioning",
        "aws_cloudwatch_log_group",
        "aws_kms_key",
      ]),
    );
    for (const configOnly of [
      "aws_lambda_function",
      "aws_iam_role",
      "aws_acm_certificate",
      "aws_route53_record",
      "aws_s3_object",
    ]) {
      expect(STATEFUL_RESOURCE_TYPES).not.toHaveProperty(configOnly);
    }
  });
});

describe("attributeChanges", () => {
  const value = (text: string) => ({ kind: "value", text });

  test("masks a sensitive value inside an object that is added, and keeps the rest readable", () => {
    expect(
      attributeChanges({
        before: { environment: [] },
        after: { environment: [{ variables: { MODE: "strict", TOKEN: "s3cret" } }] },
        after_sensitive: { environment: [{ variables: { TOKEN: true } }] },
      }),
    ).toEqual([
      {
        path: "environment[0]",
        before: { kind: "absent" },
        after: value('{ variables = { MODE = "strict", TOKEN = (sensitive value) } }'),
        forcesReplacement: false,
      },
    ]);
  });

  test("lists a sensitive value only when it changes", () => {
    const sensitive = { before_sensitive: { password: true }, after_sensitive: { password: true } };
    expect(attributeChanges({ before: { password: "a" }, after: { password: "a" }, ...sensitive })).toEqual([]);
    expect(attributeChanges({ before: { password: "a" }, after: { password: "b" }, ...sensitive })).toEqual([
      { path: "password", before: { kind: "sensitive" }, after: { kind: "sensitive" }, forcesReplacement: false },
    ]);
  });

  test("matches list elements by value when the length changes", () => {
    expect(attributeChanges({ before: { names: ["a", "b", "c"] }, after: { names: ["a", "c"] } })).toEqual([
      { path: "names[1]", before: value('"b"'), after: { kind: "absent" }, forcesReplacement: false },
    ]);
  });

  test("marks every attribute inside a replace path as forcing the replacement", () => {
    const rows = attributeChanges({
      before: { attribute: [{ name: "id" }], billing_mode: "PROVISIONED" },
      after: { attribute: [{ name: "ticketId" }], billing_mode: "PAY_PER_REQUEST" },
      replace_paths: [["attribute"]],
    });
    expect(rows.map((row) => [row.path, row.forcesReplacement])).toEqual([
      ["attribute[0].name", true],
      ["billing_mode", false],
    ]);
  });

  test("quotes map keys that are not identifiers", () => {
    expect(attributeChanges({ before: { tags: { "cost center": "1" } }, after: { tags: { "cost center": "2" } } })[0]?.path).toBe(
      'tags["cost center"]',
    );
  });

  test("compares JSON strings as JSON, and shows the strings when only their formatting differs", () => {
    expect(attributeChanges({ before: { policy: '{"a":[1]}' }, after: { policy: '{"a":[1,2]}' } })).toEqual([
      { path: "jsondecode(policy).a[1]", before: { kind: "absent" }, after: value("2"), forcesReplacement: false },
    ]);
    expect(attributeChanges({ before: { policy: '{"a":1}' }, after: { policy: '{ "a": 1 }' } })).toEqual([
      { path: "policy", before: value('"{\\"a\\":1}"'), after: value('"{ \\"a\\": 1 }"'), forcesReplacement: false },
    ]);
  });

  test("cuts long values and says how long they were", () => {
    const long = "x".repeat(500);
    const [row] = attributeChanges({ before: { body: "short" }, after: { body: long } });
    expect(row?.after).toEqual(value(`"${"x".repeat(MAX_VALUE_CHARS - 21)}… (502 chars)`));
  });

  test("leaves out attributes that only become known after apply, unless nothing else changes", () => {
    expect(
      attributeChanges({ before: { arn: null, name: "a" }, after: { name: "b" }, after_unknown: { arn: true } }).map(
        (row) => row.path,
      ),
    ).toEqual(["name"]);
    expect(attributeChanges({ before: { arn: null, name: "a" }, after: { name: "a" }, after_unknown: { arn: true } })).toEqual([
      { path: "arn", before: value("null"), after: { kind: "unknown" }, forcesReplacement: false },
    ]);
  });
});

describe("githubRunFromEnv", () => {
  const env = {
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: "acme/tickets",
    GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
    GITHUB_RUN_ID: "42",
  };

  test("reads the run from the variables of an Actions job", () => {
    const run = githubRunFromEnv({ ...env, GITHUB_RUN_ATTEMPT: "1" });
    expect(run).toEqual({
      serverUrl: "https://github.com",
      repository: "acme/tickets",
      sha: env.GITHUB_SHA,
      runId: "42",
      runAttempt: "1",
    });
    expect(runUrl(run!)).toBe("https://github.com/acme/tickets/actions/runs/42/attempts/1");
  });

  test.each([
    ["outside Actions", {}],
    ["without a run id", { ...env, GITHUB_RUN_ID: undefined }],
    ["with a sha that is not a commit id", { ...env, GITHUB_SHA: "main" }],
    ["with a repository that would break the link", { ...env, GITHUB_REPOSITORY: "acme/tickets)[x](y" }],
  ])("gives no run %s", (_, variables) => {
    expect(githubRunFromEnv(variables)).toBeUndefined();
  });
});
