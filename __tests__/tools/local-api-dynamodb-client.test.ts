/**
 * The handlers' DynamoDB clients against a local DynamoDB: only the local API and the tests
 * make them, and the deployed functions' code knows nothing of a local endpoint.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TICKET_CALL_LIMITS } from "../../lambdas/core/dynamo";
import {
  LOCAL_CREDENTIALS,
  LOCAL_ENDPOINT_ENV,
  LOCAL_REQUEST_TIMEOUT_ENV,
  localDynamoDbClients,
} from "../../tools/local-api/local-dynamodb-client";
import { PROJECT_ROOT } from "../../bundling/project-root";

// The SDK's notice that it will need Node 22 (the functions run on nodejs22.x; the tests may run on 20).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const ENDPOINT = "http://127.0.0.1:8000";

async function requestHandlerConfig(env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const client = localDynamoDbClients(env)!(TICKET_CALL_LIMITS);
  try {
    return await (client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider;
  } finally {
    client.destroy();
  }
}

test("without an endpoint there is no local client: the handler keeps the SDK's own", () => {
  expect(localDynamoDbClients({})).toBeUndefined();
  expect(localDynamoDbClients({ [LOCAL_ENDPOINT_ENV]: "" })).toBeUndefined();
});

test("a local client talks to the endpoint with the fake credentials only, never the environment's", async () => {
  const client = localDynamoDbClients({
    [LOCAL_ENDPOINT_ENV]: ENDPOINT,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIAREAL",
    AWS_SECRET_ACCESS_KEY: "real",
  })!(TICKET_CALL_LIMITS);
  try {
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe(ENDPOINT);
    expect(await client.config.region()).toBe("eu-west-1");
    expect(await client.config.credentials()).toMatchObject(LOCAL_CREDENTIALS);
    expect(await client.config.maxAttempts()).toBe(TICKET_CALL_LIMITS.maxAttempts);
  } finally {
    client.destroy();
  }
});

test(`${LOCAL_ENDPOINT_ENV} is refused inside Lambda`, () => {
  expect(() => localDynamoDbClients({ [LOCAL_ENDPOINT_ENV]: ENDPOINT, AWS_LAMBDA_FUNCTION_NAME: "tickets-get" })).toThrow(
    `${LOCAL_ENDPOINT_ENV} is for local runs only`,
  );
});

test(`${LOCAL_ENDPOINT_ENV} must be an http(s) origin`, () => {
  for (const endpoint of ["127.0.0.1:8000", "http://127.0.0.1:8000/path", "file:///tmp/x"]) {
    expect(() => localDynamoDbClients({ [LOCAL_ENDPOINT_ENV]: endpoint })).toThrow("must be an http(s) origin");
  }
});

test(`${LOCAL_REQUEST_TIMEOUT_ENV} stretches the timeouts for a local endpoint only`, async () => {
  expect(await requestHandlerConfig({ [LOCAL_ENDPOINT_ENV]: ENDPOINT, [LOCAL_REQUEST_TIMEOUT_ENV]: "30000" })).toMatchObject({
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
  });
  expect(await requestHandlerConfig({ [LOCAL_ENDPOINT_ENV]: ENDPOINT })).toMatchObject({
    connectionTimeout: TICKET_CALL_LIMITS.connectionTimeoutMs,
    requestTimeout: TICKET_CALL_LIMITS.requestTimeoutMs,
  });
  expect(() => localDynamoDbClients({ [LOCAL_REQUEST_TIMEOUT_ENV]: "30000" })).toThrow("applies to a local DynamoDB only");
  expect(() => localDynamoDbClients({ [LOCAL_ENDPOINT_ENV]: ENDPOINT, [LOCAL_REQUEST_TIMEOUT_ENV]: "soon" })).toThrow(
    "must be milliseconds",
  );
});

test("the functions' code (lambdas/, all a bundle can hold of ours but the contract) has no local endpoint settings", () => {
  const sources = (readdirSync(join(PROJECT_ROOT, "lambdas"), { recursive: true }) as string[]).filter((file) =>
    file.endsWith(".ts"),
  );
  expect(sources.length).toBeGreaterThan(3);
  for (const file of sources) {
    const text = readFileSync(join(PROJECT_ROOT, "lambdas", file), "utf8");
    expect({ file, local: [LOCAL_ENDPOINT_ENV, LOCAL_REQUEST_TIMEOUT_ENV].filter((name) => text.includes(name)) }).toEqual({
      file,
      local: [],
    });
  }
});
