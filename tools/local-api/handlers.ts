import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import type { Context } from "aws-lambda";
import { PROJECT_ROOT } from "../../bundling/project-root";
import { DEFAULTS } from "../../config/schema";
import { HANDLER_NAMES, HANDLERS, type HandlerName } from "../../contract/handlers";
import type { DynamoDbClientFactory } from "../../lambdas/core/dynamo";
import type { ProxyHandler } from "../../lambdas/core/http";

/** What every handler module exports besides Lambda's `handler`: the handler over other DynamoDB clients. */
export interface HandlerModule {
  handler: ProxyHandler;
  createHandler: (dynamoDbClient: DynamoDbClientFactory) => ProxyHandler;
}

/** A handler module, required from source. */
export function requireHandlerModule(name: HandlerName): HandlerModule {
  return require(resolve(PROJECT_ROOT, HANDLERS[name].entry)) as HandlerModule;
}

/**
 * Every handler, from source, over the clients `dynamoDbClient` makes. Call it only after the
 * environment is set: creating a handler is its cold start, where it reads its environment once.
 */
export function loadHandlers(dynamoDbClient: DynamoDbClientFactory): Record<HandlerName, ProxyHandler> {
  return Object.fromEntries(
    HANDLER_NAMES.map((name) => [name, requireHandlerModule(name).createHandler(dynamoDbClient)]),
  ) as Record<HandlerName, ProxyHandler>;
}

/**
 * The Lambda context of one invocation, with the deployed function's timeout (the manifest's,
 * else the default of the ticket functions): the idempotency layer uses the remaining time to
 * bound how long a crashed create keeps its key in progress.
 */
export function invocationContext(name: HandlerName, memoryMb: number = DEFAULTS.lambda.memorySize): Context {
  const spec = HANDLERS[name];
  const timeoutMs = ("timeoutSeconds" in spec ? spec.timeoutSeconds : DEFAULTS.lambda.timeout) * 1000;
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error("the local API runs async handlers only");
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
