/**
 * An in-memory DynamoDB (dynalite) on a random loopback port, and the tickets and idempotency
 * tables as the infrastructure creates them.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IDEMPOTENCY_TABLE } from "../../contract/handlers";
import { LOCAL_CREDENTIALS } from "./local-dynamodb-client";
import { closeServer, LOCAL_HOST } from "./network";

// dynalite ships no types; this is the part used here.
const dynalite = require("dynalite") as (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

export interface EmbeddedDynamoDb {
  endpoint: string;
  close: () => Promise<void>;
}

/** Embedded in-memory DynamoDB on a random 127.0.0.1 port. */
export async function startDynalite(): Promise<EmbeddedDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, LOCAL_HOST, () => done());
  });
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://${LOCAL_HOST}:${port}`, close: () => closeServer(server) };
}

/** The tickets table as the infra creates it: hash key `id` (S), on-demand. */
export function createTicketsTable(endpoint: string, tableName: string): Promise<void> {
  return createHashKeyTable(endpoint, tableName, "id");
}

/**
 * The idempotency table as the contract describes it (`IDEMPOTENCY_TABLE`). Without TTL:
 * dynalite has none, and Powertools treats a record past its `expiration` as absent anyway.
 */
export function createIdempotencyTable(endpoint: string, tableName: string): Promise<void> {
  return createHashKeyTable(endpoint, tableName, IDEMPOTENCY_TABLE.hashKey);
}

async function createHashKeyTable(endpoint: string, tableName: string, hashKey: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: "local", credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: "S" }],
        KeySchema: [{ AttributeName: hashKey, KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  } finally {
    client.destroy();
  }
}
