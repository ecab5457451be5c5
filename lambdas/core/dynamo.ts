import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Points the functions at a local DynamoDB (dynalite) for the local API and the tests. */
export const LOCAL_ENDPOINT_ENV = "DYNAMODB_ENDPOINT";
/** Static fake credentials for a local DynamoDB: real ones are never sent to it. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

/** What the core needs from a document client (the real one, or aws-sdk-client-mock's). */
export type DocumentClient = Pick<DynamoDBDocumentClient, "send">;

/**
 * The document client a function uses. Without `DYNAMODB_ENDPOINT` it is the SDK default
 * (region and credentials from the Lambda environment). With it, the client talks to that
 * endpoint with fake static credentials, so real credentials are never sent to a local server;
 * the override is refused inside Lambda, where it can only be a misconfiguration.
 */
export function createDocumentClient(env: NodeJS.ProcessEnv = process.env): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = {};
  const endpoint = env[LOCAL_ENDPOINT_ENV];
  if (endpoint !== undefined && endpoint !== "") {
    if (env.AWS_LAMBDA_FUNCTION_NAME !== undefined) {
      throw new Error(`${LOCAL_ENDPOINT_ENV} is for local runs only and must not be set in Lambda`);
    }
    if (!/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) {
      throw new Error(`${LOCAL_ENDPOINT_ENV} must be an http(s) origin like http://127.0.0.1:8000, got "${endpoint}"`);
    }
    config.endpoint = endpoint;
    config.region = env.AWS_REGION ?? "local";
    config.credentials = LOCAL_CREDENTIALS;
  }
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    // Optional ticket fields the client omitted are left out of the item, not stored as null.
    marshallOptions: { removeUndefinedValues: true },
  });
}
