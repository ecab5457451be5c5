/**
 * `npm run api:local`: the ticket API on http://127.0.0.1:$PORT/ (default 3000, 0 = any free
 * port) over an in-memory DynamoDB. TABLE_NAME (default SXRTickets), IDEMPOTENCY_TABLE_NAME
 * (default <TABLE_NAME>-idempotency) and CORS_ALLOW_ORIGIN (default *) configure it like the
 * deployed functions. Ctrl-C stops it cleanly.
 */
import { startLocalApi } from "./server";
import { DEFAULTS } from "../../config/schema";
import { HANDLER_ENV } from "../../contract/handlers";
import { runCli } from "../cli-entry";

/** Node's major version from which the AWS SDK for JavaScript keeps getting releases. */
const SDK_NODE_MAJOR = 22;

/**
 * On Node 20 (past its end of life, still working) the AWS SDK prints a nine-line
 * NodeVersionSupportWarning when the local table's client starts. It is switched off the way
 * the SDK documents (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true, aws-sdk-js-v3
 * issue 7983), unless the user set that variable, and replaced by one line that says what to do.
 * On Node 22 and later the SDK prints nothing and neither does this.
 */
export function nodeVersionNotice(version: string, env: NodeJS.ProcessEnv): string | undefined {
  const major = Number(/^v(\d+)\./.exec(version)?.[1]);
  if (major >= SDK_NODE_MAJOR || env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED !== undefined) return undefined;
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  return `Node ${version} is past its end of life and AWS SDK releases after early 2027 need Node ${SDK_NODE_MAJOR}: use Node ${SDK_NODE_MAJOR} (.nvmrc)`;
}

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === "") return 3000;
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65_535) throw new Error(`PORT must be an integer from 0 to 65535, got "${value}"`);
  return port;
}

async function main(): Promise<void> {
  const notice = nodeVersionNotice(process.version, process.env);
  if (notice !== undefined) console.warn(notice);
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

if (require.main === module) runCli("api:local", main);
