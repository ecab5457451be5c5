/** GET /health: the deep ping Route 53 probes; 200 when the regional table answers, else 503. */
import { createDynamoDbClient, documentClientOf, HEALTH_CALL_LIMITS, type DynamoDbClientFactory } from "./core/dynamo";
import { readHandlerEnv } from "./core/env";
import { checkTableHealth } from "./core/health";
import { apiHandler, type ProxyHandler } from "./core/http";
import { createLogger } from "./core/logger";

/** The handler over the clients `dynamoDbClient` makes; its cold start (the environment is read here). */
export function createHandler(dynamoDbClient: DynamoDbClientFactory): ProxyHandler {
  const env = readHandlerEnv();
  const logger = createLogger("health");
  // SDK retries stay on: a blip should not fail the probe (threshold 1 means failover), and the
  // read's deadline bounds all attempts together.
  const documentClient = documentClientOf(dynamoDbClient(HEALTH_CALL_LIMITS));

  return apiHandler(
    async () => {
      const { healthy } = await checkTableHealth({ documentClient, tableName: env.tableName, logger });
      return healthy
        ? { statusCode: 200, body: { region: env.region, message: "Tickets API is healthy: the regional table answered" } }
        : { statusCode: 503, body: { region: env.region, message: "Tickets API is unavailable in this region" } };
    },
    { logger, corsAllowOrigin: env.corsAllowOrigin },
  );
}

/** What Lambda runs: the SDK's own client. */
export const handler = createHandler(createDynamoDbClient);
