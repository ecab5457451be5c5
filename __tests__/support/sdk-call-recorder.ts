/**
 * Records the AWS calls a handler makes, at the HTTP level: a small proxy in front of a local
 * DynamoDB (dynalite, or the replicated-tables proxy) that the handler gets as its
 * `DYNAMODB_ENDPOINT`. Each request names its action in `X-Amz-Target`, its table in the body,
 * and the region it was signed for in the SigV4 credential scope of `Authorization`: exactly
 * what IAM authorizes. Recording on the wire rather than with SDK middleware sees every call
 * whatever client or library makes it (the document client, Powertools' persistence layer),
 * every retry, and works unchanged for a bundle running in another process.
 *
 * It can also inject a fault into matching requests (a DynamoDB error, a reset connection, a
 * request that never gets an answer), so the fault paths run with the real clients and their
 * calls are recorded too. An injected request is still recorded: IAM evaluates a request
 * before DynamoDB does anything with it.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Socket } from "node:net";
import { closeServer, LOCAL_HOST } from "../../tools/local-api/network";
import { ACCOUNT } from "./iam-simulation";

/** One AWS call as IAM sees it. */
export interface RecordedCall {
  /** The signing service, e.g. `dynamodb`. */
  readonly service: string;
  /** The IAM action, e.g. `dynamodb:PutItem`. */
  readonly action: string;
  /** The region the request was signed for: the handler's `AWS_REGION`. */
  readonly region: string;
  readonly tableName: string;
  /** The table's ARN in `region`. */
  readonly resource: string;
}

/** A DynamoDB table's ARN. */
export const tableArn = (region: string, tableName: string, account = ACCOUNT) =>
  `arn:aws:dynamodb:${region}:${account}:table/${tableName}`;

/** DynamoDB's own error bodies (JSON 1.0 protocol), as the SDK parses them. */
const ERRORS = {
  throttled: { status: 400, type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException" },
  throttling: { status: 400, type: "com.amazon.coral.availability#ThrottlingException" },
  internal: { status: 500, type: "com.amazonaws.dynamodb.v20120810#InternalServerError" },
  unavailable: { status: 503, type: "com.amazon.coral.availability#ServiceUnavailableException" },
  denied: { status: 400, type: "com.amazon.coral.service#AccessDeniedException" },
  "not-found": { status: 400, type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" },
} as const;

/** What an injected request gets: a DynamoDB error, a reset connection, or no answer at all. */
export type Fault = keyof typeof ERRORS | "reset" | "hang";
export const FAULTS = [...Object.keys(ERRORS), "reset", "hang"] as Fault[];

export interface FaultRule {
  /** `dynamodb:PutItem`. */
  readonly action: string;
  /** Only requests on this table. @default - any table */
  readonly tableName?: string;
  readonly fault: Fault;
  /** Only requests whose body contains this string (a ticket's description, a record's key). @default - any */
  readonly bodyIncludes?: string;
  /** How many matching requests get the fault. @default - all until cleared */
  readonly times?: number;
}

export interface CallRecorder {
  /** What the handler uses as `DYNAMODB_ENDPOINT`. */
  readonly endpoint: string;
  /** Every call so far, in order. */
  calls(): RecordedCall[];
  /** Adds a fault rule (tried in order, the first match wins); `hits()` counts the requests it faulted. */
  inject(rule: FaultRule): { hits(): number };
  clearFaults(): void;
  close(): Promise<void>;
}

const TARGET = /^DynamoDB_\d{8}\.([A-Za-z]+)$/;
const CREDENTIAL_SCOPE = /Credential=[^/,]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

/** Starts a recorder that forwards to `target` (an http origin). */
export async function startCallRecorder(target: string): Promise<CallRecorder> {
  const calls: RecordedCall[] = [];
  let rules: { rule: FaultRule; left: number; hits: number }[] = [];
  const held = new Set<Socket>();

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      let call: RecordedCall;
      try {
        call = parseCall(incoming, body);
      } catch (error) {
        outgoing.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
        outgoing.end(JSON.stringify({ __type: "recorder#UnrecognisedRequest", message: (error as Error).message }));
        calls.push({ service: "unknown", action: "unknown", region: "unknown", tableName: "unknown", resource: "unknown" });
        return;
      }
      calls.push(call);
      const text = body.toString("utf8");
      const match = rules.find(
        ({ rule, left }) =>
          left > 0 &&
          rule.action === call.action &&
          (rule.tableName ?? call.tableName) === call.tableName &&
          (rule.bodyIncludes === undefined || text.includes(rule.bodyIncludes)),
      );
      if (match !== undefined) {
        match.left -= 1;
        match.hits += 1;
        injectFault(match.rule.fault, incoming, outgoing, held);
        return;
      }
      forward(target, incoming, body, outgoing);
    });
  });
  await new Promise<void>((done) => server.listen(0, LOCAL_HOST, done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${LOCAL_HOST}:${port}`,
    calls: () => [...calls],
    inject: (rule) => {
      const entry = { rule, left: rule.times ?? Infinity, hits: 0 };
      rules.push(entry);
      return { hits: () => entry.hits };
    },
    clearFaults: () => {
      rules = [];
    },
    close: () => {
      for (const socket of held) socket.destroy();
      // The handlers' clients keep their connections alive; they would hold the close.
      server.closeAllConnections();
      return closeServer(server);
    },
  };
}

function parseCall(incoming: IncomingMessage, body: Buffer): RecordedCall {
  const operation = TARGET.exec(String(incoming.headers["x-amz-target"] ?? ""))?.[1];
  const scope = CREDENTIAL_SCOPE.exec(String(incoming.headers.authorization ?? ""));
  if (operation === undefined || scope === null) throw new Error("not a signed DynamoDB JSON request");
  const [, region, service] = scope as unknown as [string, string, string];
  const tableName = (JSON.parse(body.toString("utf8")) as { TableName?: unknown }).TableName;
  // Batch and transactional calls name several tables; the handlers make none, and a recorder
  // that guessed one of them would hide a call from the policy check.
  if (typeof tableName !== "string") throw new Error(`${operation} names no single TableName: not recordable`);
  return { service, action: `${service}:${operation}`, region, tableName, resource: tableArn(region, tableName) };
}

function injectFault(fault: Fault, incoming: IncomingMessage, outgoing: ServerResponse, held: Set<Socket>): void {
  if (fault === "hang") {
    held.add(incoming.socket);
    incoming.socket.once("close", () => held.delete(incoming.socket));
    return;
  }
  if (fault === "reset") {
    incoming.socket.destroy();
    return;
  }
  const { status, type } = ERRORS[fault];
  outgoing.writeHead(status, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "injected" });
  outgoing.end(JSON.stringify({ __type: type, message: `injected ${fault}` }));
}

function forward(target: string, incoming: IncomingMessage, body: Buffer, outgoing: ServerResponse): void {
  const url = new URL(target);
  const upstream = request(
    {
      host: url.hostname,
      port: url.port,
      method: incoming.method,
      path: incoming.url,
      headers: { ...incoming.headers, host: url.host, "content-length": String(body.byteLength) },
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  upstream.on("error", () => incoming.socket.destroy());
  upstream.end(body);
}

/** The distinct `action resource` pairs of `calls`, sorted. */
export function distinctCalls(calls: readonly RecordedCall[]): string[] {
  return [...new Set(calls.map((call) => `${call.action} ${call.resource}`))].sort();
}
