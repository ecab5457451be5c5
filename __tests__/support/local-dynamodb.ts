/**
 * A local DynamoDB (dynalite, in memory) that the AWS provider can refresh and import from,
 * so that Terraform itself produces plans with drift and imports without an AWS account.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient, TagResourceCommand } from "@aws-sdk/client-dynamodb";
import type { LocalTable } from "../fixtures/plan-summary/prior-state";

// dynalite ships no types; this is the part used here.
const dynalite = require("dynalite") as (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

const HOST = "127.0.0.1";

export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>`, for the provider's `endpoints { dynamodb = … }`. */
  readonly endpoint: string;
  readonly close: () => Promise<void>;
}

/**
 * dynalite writes table ARNs with the region and account it reads from the environment when
 * it starts; set them for that moment only, so the ARNs match the fixture's prior state.
 */
function createServer(region: string, account: string): Server {
  const saved = { region: process.env.AWS_REGION, account: process.env.AWS_ACCOUNT_ID };
  process.env.AWS_REGION = region;
  process.env.AWS_ACCOUNT_ID = account;
  try {
    return dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  } finally {
    for (const [key, value] of [
      ["AWS_REGION", saved.region],
      ["AWS_ACCOUNT_ID", saved.account],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** An on-demand table keyed by one string attribute, like the stack's tables. */
export function createHashKeyTable(client: DynamoDBClient, name: string, hashKey: string): Promise<unknown> {
  return client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: "S" }],
      KeySchema: [{ AttributeName: hashKey, KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}

async function createTables(endpoint: string, region: string, account: string, tables: readonly LocalTable[]): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  try {
    for (const table of tables) {
      await createHashKeyTable(client, table.name, table.hashKey);
      const tags = Object.entries(table.tags).map(([Key, Value]) => ({ Key, Value }));
      if (tags.length > 0) {
        await client.send(
          new TagResourceCommand({ ResourceArn: `arn:aws:dynamodb:${region}:${account}:table/${table.name}`, Tags: tags }),
        );
      }
    }
  } finally {
    client.destroy();
  }
}

/** Starts dynalite on a free port of 127.0.0.1 holding `tables`. */
export async function startLocalDynamoDb(region: string, account: string, tables: readonly LocalTable[]): Promise<LocalDynamoDb> {
  const server = createServer(region, account);
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, HOST, () => done());
  });
  const endpoint = `http://${HOST}:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())));
  try {
    await createTables(endpoint, region, account, tables);
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, close };
}
