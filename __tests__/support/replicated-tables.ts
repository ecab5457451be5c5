/**
 * TEST MODEL, not a product feature: DynamoDB global tables' replication between regions,
 * without AWS, for tests that run the real handlers in two (or more) "regions".
 *
 * Each region is its own in-memory DynamoDB (dynalite) behind a small HTTP proxy; the
 * handlers of a region talk to its proxy (`endpoint`). After each successful write
 * (`PutItem`, `UpdateItem`, `DeleteItem`) to a replicated table, the proxy reads the item's
 * new state from its own dynalite, stamps it with a version (a write time from the injectable
 * clock, ties broken by region name) and schedules its delivery to every other region after
 * `delayMs`. A delivery applies the state (put or delete) straight to the target's dynalite only
 * if its version is newer than the target's version of that key: last writer wins, as global
 * tables resolve concurrent writes. Writes are serialized per region (a write, then its read,
 * under one lock) so that versions follow the order of the writes.
 *
 * The proxy also fills in what dynalite lacks and the handlers rely on: the old item of a
 * failed conditional write with `ReturnValuesOnConditionCheckFailure: ALL_OLD`.
 *
 * Not modelled: batch and transactional writes (refused, so a test cannot silently rely on
 * them), streams, TTL (delete the items instead, through a proxy: TTL deletes replicate too).
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { startDynalite } from "../../tools/local-api/embedded-dynamodb";
import { closeServer, LOCAL_HOST } from "../../tools/local-api/network";
import { LOCAL_CREDENTIALS } from "../../tools/local-api/local-dynamodb-client";
import { createHashKeyTable } from "./local-dynamodb";

// The SDK's notice that it will need Node 22 (the tests may run on 20), as helpers.ts does.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

type Item = Record<string, AttributeValue>;

/** When a write happened: later time wins; at the same time, the greater region name. */
export interface Version {
  time: number;
  region: string;
}

export function isNewer(a: Version, b: Version): boolean {
  return a.time !== b.time ? a.time > b.time : a.region > b.region;
}

/** One item state on its way from one region to another. */
export interface Delivery {
  from: string;
  to: string;
  table: string;
  key: Item;
  /** The item after the write; `undefined` after a delete. */
  item: Item | undefined;
  version: Version;
}

export interface ReplicatedTableSpec {
  name: string;
  hashKey: string;
}

export interface ReplicatedTablesOptions {
  regions: readonly string[];
  tables: readonly ReplicatedTableSpec[];
  /** Milliseconds from a write to its delivery; `Infinity` holds every delivery until `settle()`. */
  delayMs: number;
  /** The write time of a version; default `Date.now`. */
  clock?: () => number;
}

export interface Region {
  name: string;
  /** The proxy: what the region's handlers use as `DYNAMODB_ENDPOINT`. */
  endpoint: string;
  /** A client straight to the region's dynalite: reads and writes that bypass replication. */
  client: DynamoDBClient;
}

export interface ReplicatedTables {
  regions: Record<string, Region>;
  /** Deliveries scheduled and not applied yet. */
  pending(): Delivery[];
  /** Applies every pending delivery (or those `filter` picks) now, and waits for all in flight. */
  settle(filter?: (delivery: Delivery) => boolean): Promise<void>;
  /** Deliveries that arrived older than the target's version and were dropped (LWW). */
  dropped(): Delivery[];
  close(): Promise<void>;
}

const WRITES: ReadonlySet<string> = new Set(["PutItem", "UpdateItem", "DeleteItem"]);
const UNMODELLED_WRITES: ReadonlySet<string> = new Set(["BatchWriteItem", "TransactWriteItems"]);

interface RegionState extends Region {
  databaseEndpoint: string;
  proxy: Server;
  closeDatabase: () => Promise<void>;
  /** Per table, per key (JSON of the key's attribute value): the version the region holds. */
  versions: Map<string, Version>;
  /** Runs `work` after every earlier write of the region has finished. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Starts one dynalite and proxy per region, each holding `tables` (empty, hash key only, like the API's tables). */
export async function startReplicatedTables(options: ReplicatedTablesOptions): Promise<ReplicatedTables> {
  const clock = options.clock ?? Date.now;
  const tables = new Map(options.tables.map((table) => [table.name, table]));
  const regions = new Map<string, RegionState>();
  const pending = new Map<Delivery, NodeJS.Timeout | undefined>();
  const inFlight = new Set<Promise<void>>();
  const dropped: Delivery[] = [];

  const versionKey = (table: string, key: Item) => `${table}\0${JSON.stringify(key)}`;

  function deliver(delivery: Delivery): void {
    pending.delete(delivery);
    const target = regions.get(delivery.to)!;
    const applying = target.exclusive(async () => {
      const id = versionKey(delivery.table, delivery.key);
      const current = target.versions.get(id);
      if (current !== undefined && !isNewer(delivery.version, current)) {
        dropped.push(delivery);
        return;
      }
      if (delivery.item === undefined) {
        await target.client.send(new DeleteItemCommand({ TableName: delivery.table, Key: delivery.key }));
      } else {
        await target.client.send(new PutItemCommand({ TableName: delivery.table, Item: delivery.item }));
      }
      target.versions.set(id, delivery.version);
    });
    inFlight.add(applying);
    void applying.finally(() => inFlight.delete(applying));
  }

  /** After a write in `region`: its new state, versioned, on its way to every other region. */
  async function replicate(region: RegionState, table: ReplicatedTableSpec, key: Item): Promise<void> {
    const { Item: item } = await region.client.send(
      new GetItemCommand({ TableName: table.name, Key: key, ConsistentRead: true }),
    );
    const id = versionKey(table.name, key);
    const previous = region.versions.get(id);
    let version: Version = { time: clock(), region: region.name };
    // Two writes of one region in the same millisecond: the second is still the later one.
    if (previous !== undefined && !isNewer(version, previous)) version = { time: previous.time + 1, region: region.name };
    region.versions.set(id, version);
    for (const to of regions.keys()) {
      if (to === region.name) continue;
      const delivery: Delivery = { from: region.name, to, table: table.name, key, item, version };
      pending.set(delivery, Number.isFinite(options.delayMs) ? setTimeout(() => deliver(delivery), options.delayMs) : undefined);
    }
  }

  async function handle(region: RegionState, incoming: IncomingMessage): Promise<Answer> {
    const body = await readAll(incoming);
    const operation = String(incoming.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    if (UNMODELLED_WRITES.has(operation)) {
      return errorAnswer(400, "ValidationException", `${operation} is not modelled by the replicated-tables test proxy`);
    }
    if (!WRITES.has(operation)) return forward(region.databaseEndpoint, incoming, body);
    const input = JSON.parse(body.toString("utf8")) as { TableName: string; Item?: Item; Key?: Item } & Record<string, unknown>;
    const table = tables.get(input.TableName);
    return region.exclusive(async () => {
      const answer = await forward(region.databaseEndpoint, incoming, body);
      if (table === undefined) return answer;
      const key = { [table.hashKey]: (operation === "PutItem" ? input.Item : input.Key)![table.hashKey]! };
      if (answer.status === 200) {
        await replicate(region, table, key);
        return answer;
      }
      if (input.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && isConditionalCheckFailure(answer)) {
        const { Item: old } = await region.client.send(
          new GetItemCommand({ TableName: table.name, Key: key, ConsistentRead: true }),
        );
        if (old !== undefined) return withJsonBody(answer, { ...JSON.parse(answer.body.toString("utf8")), Item: old });
      }
      return answer;
    });
  }

  try {
    for (const name of options.regions) {
      const database = await startDynalite();
      const client = new DynamoDBClient({ endpoint: database.endpoint, region: name, credentials: LOCAL_CREDENTIALS });
      let last: Promise<unknown> = Promise.resolve();
      const region = {
        name,
        endpoint: "",
        client,
        databaseEndpoint: database.endpoint,
        closeDatabase: database.close,
        versions: new Map(),
        exclusive<T>(work: () => Promise<T>): Promise<T> {
          const result = last.then(work, work);
          last = result.catch(() => undefined);
          return result;
        },
      } as unknown as RegionState;
      regions.set(name, region);
      for (const table of options.tables) await createHashKeyTable(client, table.name, table.hashKey);
      region.proxy = createServer((incoming, outgoing) => {
        handle(region, incoming).then(
          (answer) => outgoing.writeHead(answer.status, answer.headers).end(answer.body),
          (error: Error) => {
            const answer = errorAnswer(500, "InternalFailure", `replicated-tables proxy: ${error.message}`);
            outgoing.writeHead(answer.status, answer.headers).end(answer.body);
          },
        );
      });
      await new Promise<void>((done, fail) => {
        region.proxy.once("error", fail);
        region.proxy.listen(0, LOCAL_HOST, () => done());
      });
      region.endpoint = `http://${LOCAL_HOST}:${(region.proxy.address() as AddressInfo).port}`;
    }
  } catch (error) {
    await closeAll();
    throw error;
  }

  async function closeAll(): Promise<void> {
    for (const timer of pending.values()) clearTimeout(timer);
    pending.clear();
    await Promise.allSettled([...inFlight]);
    for (const region of regions.values()) {
      if (region.proxy?.listening) {
        region.proxy.closeAllConnections();
        await closeServer(region.proxy);
      }
      region.client.destroy();
      await region.closeDatabase();
    }
  }

  return {
    regions: Object.fromEntries(regions) as Record<string, Region>,
    pending: () => [...pending.keys()],
    dropped: () => [...dropped],
    async settle(filter = () => true) {
      for (const [delivery, timer] of [...pending]) {
        if (!filter(delivery)) continue;
        clearTimeout(timer);
        deliver(delivery);
      }
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close: closeAll,
  };
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.once("end", () => done(Buffer.concat(chunks)));
    stream.once("error", fail);
  });
}

function forward(endpoint: string, incoming: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise((done, fail) => {
    const outgoing = request(
      `${endpoint}${incoming.url ?? "/"}`,
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        readAll(answer).then(
          (answerBody) => done({ status: answer.statusCode ?? 500, headers: answer.headers, body: answerBody }),
          fail,
        );
      },
    );
    outgoing.once("error", fail);
    outgoing.end(body);
  });
}

function isConditionalCheckFailure(answer: Answer): boolean {
  return answer.status === 400 && answer.body.toString("utf8").includes("ConditionalCheckFailedException");
}

/** `answer` with another JSON body (and without dynalite's CRC of the old one). */
function withJsonBody(answer: Answer, json: unknown): Answer {
  const body = Buffer.from(JSON.stringify(json), "utf8");
  const headers: IncomingHttpHeaders = { ...answer.headers, "content-length": String(body.byteLength) };
  delete headers["x-amz-crc32"];
  return { status: answer.status, headers, body };
}

function errorAnswer(status: number, type: string, message: string): Answer {
  return withJsonBody(
    { status, headers: { "content-type": "application/x-amz-json-1.0" }, body: Buffer.alloc(0) },
    {
      __type: `com.amazonaws.dynamodb.v20120810#${type}`,
      message,
    },
  );
}
