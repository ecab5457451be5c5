/**
 * The OpenAPI document: what API Gateway gets (integrations, CORS, validation, gateway
 * responses), its determinism, and agreement between its body schema and the function's.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";
import {
  routeTable,
  ROUTES,
  TICKET_INPUT_JSON_SCHEMA,
  ticketsApiDocument,
  type TicketsApiDocumentOptions,
} from "../../contract/openapi";
import { InvalidInputError } from "../../lambdas/core/errors";
import { ticketInputSchema, parseTicketInput } from "../../lambdas/core/ticket-input-parser";
import { HANDLER_NAMES, HANDLERS } from "../../contract/handlers";
import { IDEMPOTENCY_KEY, NEXT_TOKEN_LIMITS, TICKET_LIMITS, worstCaseTicketBodyBytes } from "../../contract/ticket-json-schema";

const OPTIONS: TicketsApiDocumentOptions = {
  title: "tickets-eu-west-1-api",
  corsAllowOrigin: "*",
  // What the infra passes: a Terraform token, opaque here.
  integrationUri: (handler) =>
    `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/\${aws_lambda_function.${handler}.arn}/invocations`,
};
const document = ticketsApiDocument(OPTIONS) as any;

describe("ticketsApiDocument", () => {
  test("is OpenAPI 3 with the title", () => {
    expect(document.openapi).toBe("3.0.1");
    expect(document.info.title).toBe("tickets-eu-west-1-api");
  });

  test.each(HANDLER_NAMES)("routes %s to its function through an aws_proxy POST integration", (handler) => {
    const { method, path } = HANDLERS[handler].route;
    expect(document.paths[path][method.toLowerCase()]["x-amazon-apigateway-integration"]).toEqual({
      type: "aws_proxy",
      httpMethod: "POST",
      uri: OPTIONS.integrationUri(handler),
      passthroughBehavior: "when_no_match",
    });
  });

  test("has exactly the manifest's routes plus OPTIONS on each path", () => {
    const methods = Object.fromEntries(
      Object.entries(document.paths).map(([path, ops]) => [path, Object.keys(ops as object).sort()]),
    );
    expect(methods).toEqual({ "/health": ["get", "options"], "/ticket": ["get", "options", "post"] });
  });

  test.each([
    ["/ticket", "'GET,OPTIONS,POST'"],
    ["/health", "'GET,OPTIONS'"],
  ])("OPTIONS %s is a mock answering 200 with the CORS headers", (path, methods) => {
    const integration = document.paths[path].options["x-amazon-apigateway-integration"];
    expect(integration.type).toBe("mock");
    expect(integration.requestTemplates).toEqual({ "application/json": '{"statusCode": 200}' });
    expect(integration.responses.default).toEqual({
      statusCode: "200",
      responseParameters: {
        "method.response.header.Access-Control-Allow-Origin": "'*'",
        "method.response.header.Access-Control-Allow-Methods": methods,
        "method.response.header.Access-Control-Allow-Headers":
          "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,Idempotency-Key'",
      },
    });
    // API Gateway maps only headers the method response declares.
    expect(Object.keys(document.paths[path].options.responses["200"].headers).sort()).toEqual([
      "Access-Control-Allow-Headers",
      "Access-Control-Allow-Methods",
      "Access-Control-Allow-Origin",
    ]);
  });

  test("POST /ticket bodies are validated at the gateway against TicketInput", () => {
    expect(document["x-amazon-apigateway-request-validators"].body).toEqual({
      validateRequestBody: true,
      validateRequestParameters: false,
    });
    const post = document.paths["/ticket"].post;
    expect(post["x-amazon-apigateway-request-validator"]).toBe("body");
    expect(post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/TicketInput" });
    expect(document.components.schemas.TicketInput).toEqual(TICKET_INPUT_JSON_SCHEMA);
    expect(document.components.schemas.TicketInput.additionalProperties).toBe(false);
  });

  test("gateway errors carry the CORS origin and a JSON message", () => {
    const responses = document["x-amazon-apigateway-gateway-responses"];
    for (const type of ["DEFAULT_4XX", "DEFAULT_5XX", "BAD_REQUEST_BODY"]) {
      expect(responses[type].responseParameters).toEqual({ "gatewayresponse.header.Access-Control-Allow-Origin": "'*'" });
      expect(responses[type].responseTemplates["application/json"]).toMatch(/^\{"message":("?)\$context\.error\.\w+\1\}$/);
    }
  });

  test("a specific origin is quoted for API Gateway; one that would break the literal is refused", () => {
    const specific = ticketsApiDocument({ ...OPTIONS, corsAllowOrigin: "https://app.example.com" }) as any;
    expect(
      specific.paths["/ticket"].options["x-amazon-apigateway-integration"].responses.default.responseParameters,
    ).toMatchObject({
      "method.response.header.Access-Control-Allow-Origin": "'https://app.example.com'",
    });
    expect(() => ticketsApiDocument({ ...OPTIONS, corsAllowOrigin: "https://x.com'; DROP" })).toThrow("corsAllowOrigin");
    expect(() => ticketsApiDocument({ ...OPTIONS, corsAllowOrigin: "" })).toThrow("corsAllowOrigin");
  });

  test("is deterministic: same options, same JSON, keys sorted at every level", () => {
    const json = JSON.stringify(ticketsApiDocument(OPTIONS));
    expect(JSON.stringify(ticketsApiDocument({ ...OPTIONS }))).toBe(json);
    const assertSorted = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(assertSorted);
      if (value !== null && typeof value === "object") {
        const keys = Object.keys(value);
        expect(keys).toEqual([...keys].sort());
        Object.values(value).forEach(assertSorted);
      }
    };
    assertSorted(JSON.parse(json));
  });

  test("every $ref resolves to a component schema", () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const name = ref.replace(/^"\$ref":"#\/components\/schemas\//, "").replace(/"$/, "");
      expect(document.components.schemas[name]).toBeDefined();
    }
  });
});

describe("routes read back from the document", () => {
  test("ROUTES are the manifest's handlers", () => {
    expect([...ROUTES].sort((a, b) => a.handler.localeCompare(b.handler))).toEqual(
      [...HANDLER_NAMES].sort().map((handler) => ({ handler, ...HANDLERS[handler].route })),
    );
  });

  test("routeTable gives each path its handlers and unquoted preflight headers", () => {
    const table = routeTable("https://app.example.com");
    expect(table.get("/ticket")).toEqual({
      handlers: { GET: "tickets-get", POST: "tickets-post" },
      preflightHeaders: {
        "Access-Control-Allow-Headers": "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,Idempotency-Key",
        "Access-Control-Allow-Methods": "GET,OPTIONS,POST",
        "Access-Control-Allow-Origin": "https://app.example.com",
      },
    });
    expect(table.get("/health")?.handlers).toEqual({ GET: "health" });
  });
});

/**
 * The few JSON-schema keywords the TicketInput schema uses, as API Gateway's validator
 * applies them (lengths in code points; pattern unanchored).
 */
function jsonSchemaErrors(schema: any, value: unknown, path = "body"): string[] {
  if (schema.type === "object") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${path}: not an object`];
    const record = value as Record<string, unknown>;
    const errors = (schema.required ?? []).filter((key: string) => !(key in record)).map((key: string) => `${key}: required`);
    for (const [key, child] of Object.entries(record)) {
      if (schema.properties?.[key]) errors.push(...jsonSchemaErrors(schema.properties[key], child, key));
      else if (schema.additionalProperties === false) errors.push(`${key}: not allowed`);
    }
    return errors;
  }
  if (schema.type === "string") {
    if (typeof value !== "string") return [`${path}: not a string`];
    const length = [...value].length;
    const errors: string[] = [];
    if (schema.minLength !== undefined && length < schema.minLength) errors.push(`${path}: too short`);
    if (schema.maxLength !== undefined && length > schema.maxLength) errors.push(`${path}: too long`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: pattern`);
    return errors;
  }
  throw new Error(`keyword type ${schema.type} not supported by this checker`);
}

describe("the gateway's JSON schema and the function's zod schema agree", () => {
  const bodies: [string, unknown][] = [
    ["minimal", { description: "x" }],
    ["all fields", { description: "d", assigned: "a", priority: "p", status: "s", createdBy: "c" }],
    ["description at max", { description: "d".repeat(4000) }],
    ["description over max", { description: "d".repeat(4001) }],
    ["optional field at max", { description: "d", assigned: "a".repeat(256) }],
    ["optional field over max", { description: "d", createdBy: "c".repeat(257) }],
    ["empty optional field", { description: "d", status: "" }],
    ["missing description", { assigned: "a" }],
    ["empty description", { description: "" }],
    ["blank description", { description: " \t\n" }],
    ["padded description", { description: "  x  " }],
    ["numeric description", { description: 1 }],
    ["null optional field", { description: "d", assigned: null }],
    ["unknown field", { description: "d", colour: "red" }],
    ["client id", { description: "d", id: "x" }],
    ["client createdOn", { description: "d", createdOn: "2024-01-01 00:00:00" }],
    ["array", [{ description: "d" }]],
    ["null", null],
    ["string", "d"],
    ["non-ASCII within limits", { description: "é".repeat(4000) }],
  ];

  test.each(bodies)("%s", (_name, body) => {
    const gatewayAccepts = jsonSchemaErrors(TICKET_INPUT_JSON_SCHEMA, body).length === 0;
    expect(ticketInputSchema.safeParse(body).success).toBe(gatewayAccepts);

    // And the function's full parse (size, JSON, unknown fields, zod) agrees too.
    let functionAccepts = true;
    try {
      parseTicketInput(JSON.stringify(body));
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      functionAccepts = false;
    }
    expect(functionAccepts).toBe(gatewayAccepts);
  });

  test("the limits are the same numbers", () => {
    const description = TICKET_INPUT_JSON_SCHEMA.properties.description;
    expect(description.maxLength).toBe(4000);
    expect(TICKET_INPUT_JSON_SCHEMA.required).toEqual(["description"]);
    for (const field of ["assigned", "priority", "status", "createdBy"] as const) {
      expect(TICKET_INPUT_JSON_SCHEMA.properties[field]).toEqual({ type: "string", maxLength: 256 });
    }
  });
});

describe("gateway responses", () => {
  const document = ticketsApiDocument({
    title: "t",
    corsAllowOrigin: "*",
    integrationUri: (handler) => `uri:${handler}`,
  }) as Record<string, any>;
  const responses = document["x-amazon-apigateway-gateway-responses"];

  test("a rejected body answers 400 with the validator's message as a JSON string", () => {
    expect(responses.BAD_REQUEST_BODY.statusCode).toBe("400");
    const template: string = responses.BAD_REQUEST_BODY.responseTemplates["application/json"];
    // With a sample of what API Gateway substitutes, the body is valid JSON.
    const body = template.replace(
      "$context.error.validationErrorString",
      '[object has missing required properties ([\\"description\\"])]',
    );
    expect(JSON.parse(body)).toEqual({ message: '[object has missing required properties (["description"])]' });
  });

  test("other gateway errors keep the quoted message, with the CORS origin", () => {
    for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"]) {
      const body = responses[type].responseTemplates["application/json"].replace(
        "$context.error.messageString",
        '"Missing Authentication Token"',
      );
      expect(JSON.parse(body)).toEqual({ message: "Missing Authentication Token" });
      expect(responses[type].responseParameters).toEqual({ "gatewayresponse.header.Access-Control-Allow-Origin": "'*'" });
    }
  });
});

describe("the document declares what the API does", () => {
  const operation = (path: string, method: string) => document.paths[path][method];
  const statuses = (path: string, method: string) => Object.keys(operation(path, method).responses).sort();

  test.each([
    ["/ticket", "get", ["200", "400", "429", "500", "502", "503", "504"]],
    ["/ticket", "post", ["201", "400", "409", "413", "415", "422", "429", "500", "502", "503", "504"]],
    ["/health", "get", ["200", "429", "500", "502", "503", "504"]],
    ["/ticket", "options", ["200", "429"]],
    ["/health", "options", ["200", "429"]],
  ])("%s %s answers exactly %p", (path, method, expected) => {
    expect(statuses(path, method)).toEqual(expected);
  });

  test.each([
    ["/ticket", "get", "503"],
    ["/ticket", "post", "503"],
    ["/ticket", "post", "409"],
    ["/ticket", "get", "429"],
    ["/health", "get", "429"],
  ])("%s %s %s carries Retry-After in seconds", (path, method, status) => {
    expect(operation(path, method).responses[status].headers["Retry-After"].schema).toEqual({ type: "integer", minimum: 1 });
  });

  test("the stage's throttling answer (429) sends Retry-After, readable cross-origin", () => {
    expect(document["x-amazon-apigateway-gateway-responses"].THROTTLED).toEqual({
      statusCode: "429",
      responseParameters: {
        "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
        "gatewayresponse.header.Access-Control-Expose-Headers": "'Retry-After'",
        "gatewayresponse.header.Retry-After": "'1'",
      },
      responseTemplates: { "application/json": '{"message":$context.error.messageString}' },
    });
  });

  test("nextToken and limit carry the limits the function enforces", () => {
    const [limit, nextToken] = operation("/ticket", "get").parameters;
    expect(limit.schema).toEqual({ type: "integer", minimum: 1, maximum: 1000, default: 100 });
    expect(nextToken.schema).toEqual({
      type: "string",
      minLength: 1,
      maxLength: NEXT_TOKEN_LIMITS.maxLength,
      pattern: NEXT_TOKEN_LIMITS.pattern,
    });
  });

  test("POST declares the optional Idempotency-Key header with its format", () => {
    expect(operation("/ticket", "post").parameters).toEqual([
      expect.objectContaining({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        schema: { type: "string", minLength: 1, maxLength: 128, pattern: IDEMPOTENCY_KEY.pattern },
      }),
    ]);
    const description: string = operation("/ticket", "post").description;
    for (const promise of [
      "24 hours",
      "201, same body",
      "another body is a 422",
      "a retry gets 409",
      "answers the stored ticket and stores nothing",
    ]) {
      expect(description).toContain(promise);
    }
  });

  test("POST accepts application/json only and names the byte cap; 413 and 415 say why", () => {
    const post = operation("/ticket", "post");
    expect(Object.keys(post.requestBody.content)).toEqual(["application/json"]);
    expect(post.requestBody.description).toContain(`${TICKET_LIMITS.maxBodyBytes} bytes`);
    expect(post.responses["413"].description).toContain(`${TICKET_LIMITS.maxBodyBytes} bytes`);
    expect(post.responses["415"].description).toContain("application/json");
  });

  test("is open on purpose: security [] at the root, said so in the description", () => {
    expect(document.security).toEqual([]);
    expect(document.info.description).toContain("Open on purpose (`security: []`)");
    expect(document.components.securitySchemes).toBeUndefined();
  });

  test("servers: relative by default, the given ones otherwise", () => {
    expect(document.servers).toEqual([{ url: "/", description: expect.any(String) }]);
    const servers = [{ url: "https://api.wildrydes.dev", description: "failover" }, { url: "https://ireland.wildrydes.dev" }];
    expect((ticketsApiDocument({ ...OPTIONS, servers }) as any).servers).toEqual(servers);
  });
});

describe("the body cap admits every body the schema admits", () => {
  test("the cap is at least the worst case: every field at its maximum, every character a \\uXXXX escape", () => {
    expect(TICKET_LIMITS.maxBodyBytes).toBeGreaterThanOrEqual(worstCaseTicketBodyBytes());
  });

  test("that worst-case body, pretty-printed, is accepted by the function", () => {
    // Escapes every UTF-16 unit, names included: JSON.parse reads it back as the plain object.
    const escape = (text: string) =>
      `"${[...text].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"`;
    const fields = {
      description: "é".repeat(TICKET_LIMITS.descriptionMaxLength),
      assigned: "a".repeat(256),
      priority: "p".repeat(256),
      status: "s".repeat(256),
      createdBy: "c".repeat(256),
    };
    const body = `{\n${Object.entries(fields)
      .map(([name, value]) => `  ${escape(name)}: ${escape(value)}`)
      .join(",\n")}\n}`;

    expect(Buffer.byteLength(body)).toBeGreaterThanOrEqual(worstCaseTicketBodyBytes());
    expect(parseTicketInput(body)).toEqual(fields);
  });
});

describe("redocly lint (recommended rules)", () => {
  test("passes on the generated document, with no warning, offline", () => {
    const dir = mkdtempSync(join(tmpdir(), "openapi-lint-"));
    try {
      const documents = {
        "default.json": ticketsApiDocument(OPTIONS),
        "with-servers.json": ticketsApiDocument({
          ...OPTIONS,
          corsAllowOrigin: "https://app.wildrydes.dev",
          servers: [{ url: "https://api.wildrydes.dev", description: "Failover name" }, { url: "https://ireland.wildrydes.dev" }],
        }),
      };
      for (const [name, value] of Object.entries(documents)) writeFileSync(join(dir, name), JSON.stringify(value, null, 2));

      const cli = join(PROJECT_ROOT, "node_modules", "@redocly", "cli", "bin", "cli.js");
      const preload = join(PROJECT_ROOT, "__tests__", "support", "no-network.cjs");
      const lint = spawnSync(
        process.execPath,
        ["--require", preload, cli, "lint", "--extends=recommended", "--format=json", ...Object.keys(documents)],
        {
          cwd: dir,
          // Telemetry off: redocly otherwise reports each run to otel.cloud.redocly.com.
          env: { PATH: process.env.PATH, HOME: dir, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
          encoding: "utf8",
        },
      );

      expect(lint.stderr).not.toContain("NETWORK ATTEMPT");
      expect(lint.status).toBe(0);
      // One JSON report per document, back to back.
      const reports = lint.stdout
        .split(/\n\}(?=\{)/)
        .map((part, i, parts) => JSON.parse(i < parts.length - 1 ? `${part}\n}` : part));
      expect(reports).toHaveLength(2);
      for (const report of reports) {
        expect(report.problems).toEqual([]);
        expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
