import { HANDLER_ENV } from "../../contract/handlers";

/**
 * Reads a required environment variable; a missing or empty one is a deployment bug, so it
 * fails the cold start loudly instead of running with a silent `''`.
 */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === "") {
    throw new Error(`Missing required environment variable ${name}: the function cannot start without it`);
  }
  return value;
}

export interface HandlerEnv {
  tableName: string;
  corsAllowOrigin: string;
  /** Set by the Lambda runtime; the SDK and the health answer need it. */
  region: string;
}

export function readHandlerEnv(env: NodeJS.ProcessEnv = process.env): HandlerEnv {
  return {
    tableName: requireEnv(HANDLER_ENV.tableName, env),
    corsAllowOrigin: requireEnv(HANDLER_ENV.corsAllowOrigin, env),
    region: requireEnv("AWS_REGION", env),
  };
}
