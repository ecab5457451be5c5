/** GET /health: the deep ping Route 53 probes; 200 when the regional table answers, else 503. */
import { createDocumentClient, HEALTH_CALL_LIMITS } from "./core/dynamo";
import { readHandlerEnv } from "./core/env";
import { checkTableHealth } from "./core/health";
import { apiHandler } from "./core/http";
import { createLogger } from "./core/logger";

const env = readHandlerEnv();
const logger = createLogger("health");
// SDK retries stay on: a blip should not fail the probe (threshold 1 means failover), and the
// read's deadline bounds all attempts together.
const documentClient = createDocumentClient(HEALTH_CALL_LIMITS);

export const handler = apiHandler(
  async () => {
    const { healthy } = await checkTableHealth({ documentClient, tableName: env.tableName, logger });
    return healthy
      ? { statusCode: 200, body: { region: env.region, message: "Tickets API is healthy: the regional table answered" } }
      : { statusCode: 503, body: { region: env.region, message: "Tickets API is unavailable in this region" } };
  },
  { logger, corsAllowOrigin: env.corsAllowOrigin },
);
