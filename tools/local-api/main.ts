/**
 * `npm run api:local`: the ticket API on http://127.0.0.1:$PORT/ (default 3000, 0 = any free
 * port) over an in-memory DynamoDB. TABLE_NAME (default SXRTickets), IDEMPOTENCY_TABLE_NAME
 * (default <TABLE_NAME>-idempotency) and CORS_ALLOW_ORIGIN (default *) configure it like the
 * deployed functions. Ctrl-C stops it cleanly.
 */
import { startLocalApi } from "./server";
import { DEFAULTS } from "../../config/schema";
import { HANDLER_ENV } from "../../contract/handlers";

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === "") return 3000;
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65_535) throw new Error(`PORT must be an integer from 0 to 65535, got "${value}"`);
  return port;
}

async function main(): Promise<void> {
  const api = await startLocalApi({
    port: portFromEnv(process.env.PORT),
    tableName: process.env[HANDLER_ENV.tableName] || DEFAULTS.tableName,
    corsAllowOrigin: process.env[HANDLER_ENV.corsAllowOrigin] || DEFAULTS.corsAllowOrigin,
    idempotencyTableName: process.env[HANDLER_ENV.idempotencyTableName] || undefined,
  });
  console.log(`Tickets API listening on ${api.url} (tables ${api.tableName} and ${api.idempotencyTableName}, in memory)`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    api.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("stopping failed", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
