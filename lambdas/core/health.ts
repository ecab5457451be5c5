import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "./dynamo";
import type { CoreLogger } from "./logger";

/**
 * Route 53 waits 2 s for an answer; the read gets 1.5 s so the function still has time to
 * answer 503 itself rather than letting the checker time out.
 */
export const HEALTH_READ_TIMEOUT_MS = 1500;

/**
 * Key read by the probe. It never exists (ids are random UUIDs), and it need not: a GetItem
 * that finds nothing still proves the regional table answers, for 0.5 RCU and no scan.
 */
export const HEALTH_SENTINEL_KEY = { id: "__health-check__" } as const;

export interface HealthDependencies {
  documentClient: DocumentClient;
  tableName: string;
  logger: CoreLogger;
  timeoutMs?: number;
}

export interface TableHealth {
  healthy: boolean;
}

export async function checkTableHealth(deps: HealthDependencies): Promise<TableHealth> {
  const timeoutMs = deps.timeoutMs ?? HEALTH_READ_TIMEOUT_MS;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The race is the bound; the abort also frees the socket of a hung request.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`table read took longer than ${timeoutMs} ms`);
      error.name = "HealthCheckTimeout";
      abort.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    const read = deps.documentClient.send(
      new GetCommand({ TableName: deps.tableName, Key: HEALTH_SENTINEL_KEY, ProjectionExpression: "id" }),
      { abortSignal: abort.signal },
    );
    await Promise.race([read, deadline]);
    return { healthy: true };
  } catch (error) {
    deps.logger.error("health check: the table read failed", { error: error as Error, tableName: deps.tableName });
    return { healthy: false };
  } finally {
    clearTimeout(timer);
  }
}
