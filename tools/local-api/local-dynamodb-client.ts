/**
 * The DynamoDB clients of the handlers when they run here (the local API, the tests) against a
 * local DynamoDB (dynalite). Only this side knows about a local endpoint: the deployed
 * functions build their clients with `createDynamoDbClient` alone, and no bundle carries
 * these settings.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDynamoDbClient, type DynamoDbClientFactory } from "../../lambdas/core/dynamo";

/** The local DynamoDB's origin, as the local API and the tests pass it. */
export const LOCAL_ENDPOINT_ENV = "DYNAMODB_ENDPOINT";
/**
 * With a local endpoint only: another per-attempt timeout (ms), for connecting and for the
 * whole attempt. One local process serves many requests at once against a single-threaded
 * emulator, where queueing, not a fault, can outlast the deployed limits (a Lambda instance
 * runs one request at a time).
 */
export const LOCAL_REQUEST_TIMEOUT_ENV = "DYNAMODB_REQUEST_TIMEOUT_MS";
/** Static fake credentials for a local DynamoDB: real ones are never sent to it. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

/**
 * The client factory for the local DynamoDB that `env` names (`DYNAMODB_ENDPOINT`, and
 * optionally `DYNAMODB_REQUEST_TIMEOUT_MS`), or `undefined` when it names none. Its clients
 * talk to that endpoint only, with fake static credentials, so real credentials never reach a
 * local server; inside Lambda it refuses, since a local endpoint there can only be a
 * misconfiguration. Settings are checked here, once, before any handler starts.
 */
export function localDynamoDbClients(env: NodeJS.ProcessEnv = process.env): DynamoDbClientFactory | undefined {
  const endpoint = nonEmpty(env[LOCAL_ENDPOINT_ENV]);
  const timeout = nonEmpty(env[LOCAL_REQUEST_TIMEOUT_ENV]);
  if (endpoint === undefined) {
    if (timeout === undefined) return undefined;
    throw new Error(`${LOCAL_REQUEST_TIMEOUT_ENV} applies to a local DynamoDB only: set ${LOCAL_ENDPOINT_ENV} too, or unset it`);
  }
  if (env.AWS_LAMBDA_FUNCTION_NAME !== undefined) {
    throw new Error(`${LOCAL_ENDPOINT_ENV} is for local runs only and must not be set in Lambda`);
  }
  if (!/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) {
    throw new Error(`${LOCAL_ENDPOINT_ENV} must be an http(s) origin like http://127.0.0.1:8000, got "${endpoint}"`);
  }
  const requestTimeoutMs = timeout === undefined ? undefined : localRequestTimeoutMs(timeout);
  const region = env.AWS_REGION ?? "local";
  return (limits): DynamoDBClient =>
    createDynamoDbClient(
      requestTimeoutMs === undefined ? limits : { ...limits, connectionTimeoutMs: requestTimeoutMs, requestTimeoutMs },
      { endpoint, region, credentials: LOCAL_CREDENTIALS },
    );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

function localRequestTimeoutMs(value: string): number {
  if (!/^[1-9][0-9]{0,5}$/.test(value)) {
    throw new Error(`${LOCAL_REQUEST_TIMEOUT_ENV} must be milliseconds from 1 to 999999, got "${value}"`);
  }
  return Number(value);
}
