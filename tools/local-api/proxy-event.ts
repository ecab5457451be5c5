/**
 * API Gateway's side of a Lambda proxy integration (REST API, payload 1.0): the event a
 * handler receives for an HTTP request, and the HTTP response its result becomes.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { STAGE_NAME } from "../../contract/handlers";
import { LOCAL_HOST } from "./network";

/** API Gateway's own cap is 10 MB; the local server refuses more before buffering it. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** The request body's bytes, or undefined when it is over the cap. */
export function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      // Past the cap, keep draining (so the 413 can still be sent) but stop buffering.
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on("end", () => done(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks)));
    request.on("error", fail);
  });
}

// ignoreBOM: a leading BOM stays in the text, byte for byte.
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The body as the event carries it: text when it is valid UTF-8, otherwise base64 with
 * `isBase64Encoded`, so the function sees exactly the bytes sent and can refuse them. (Decoding
 * leniently would turn invalid bytes into U+FFFD and store a changed text.)
 */
export function eventBody(bytes: Buffer): Pick<APIGatewayProxyEvent, "body" | "isBase64Encoded"> {
  if (bytes.byteLength === 0) return { body: null, isBase64Encoded: false };
  try {
    return { body: STRICT_UTF8.decode(bytes), isBase64Encoded: false };
  } catch {
    return { body: bytes.toString("base64"), isBase64Encoded: true };
  }
}

/**
 * A name's value and all its values, as API Gateway maps headers and query parameters: the
 * single-value map keeps the last value of a repeated name.
 */
function valueMaps(pairs: Iterable<readonly [string, string]>): {
  single: Record<string, string>;
  multi: Record<string, string[]>;
} {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}

/** Node's `rawHeaders` (name, value, name, value, ...) as pairs, each name spelled as sent. */
function* headerPairs(rawHeaders: readonly string[]): Generator<readonly [string, string]> {
  for (let i = 0; i < rawHeaders.length; i += 2) yield [rawHeaders[i]!, rawHeaders[i + 1]!];
}

/** The event API Gateway's proxy integration sends (REST API, payload 1.0). */
export function proxyEvent(request: IncomingMessage, url: URL, path: string, method: string, body: Buffer): APIGatewayProxyEvent {
  const headers = valueMaps(headerPairs(request.rawHeaders));
  const query = valueMaps(url.searchParams);
  const hasQuery = Object.keys(query.single).length > 0;
  const requestId = randomUUID();
  const now = new Date();
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: hasQuery ? query.single : null,
    multiValueQueryStringParameters: hasQuery ? query.multi : null,
    pathParameters: null,
    stageVariables: null,
    ...eventBody(body),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: null,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? LOCAL_HOST,
        user: null,
        userAgent: request.headers["user-agent"] ?? null,
        userArn: null,
      },
      path: `/${STAGE_NAME}${path}`,
      protocol: `HTTP/${request.httpVersion}`,
      requestId,
      requestTimeEpoch: now.getTime(),
      resourceId: "local",
      resourcePath: path,
      stage: STAGE_NAME,
    },
  };
}

export function sendProxyResult(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  const body = result.isBase64Encoded ? Buffer.from(result.body, "base64") : Buffer.from(result.body, "utf8");
  response.writeHead(result.statusCode, { ...headers, "Content-Length": String(body.byteLength) });
  response.end(body);
}
