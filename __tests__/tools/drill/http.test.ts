/** The Node HTTP client of the drill, against a local server (plain HTTP; TLS is node's). */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describeAnswer, nodeHttpClient } from "../../../tools/drill/http";

let server: Server;
let port: number;
const received: { method?: string; url?: string; host?: string; body: string; headers: IncomingMessage["headers"] }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      received.push({ method: request.method, url: request.url, host: request.headers.host, body, headers: request.headers });
      if (request.url === "/slow") return; // never answers
      response.writeHead(request.method === "POST" ? 201 : 200, { "Content-Type": "application/json", "X-Next-Token": "abc" });
      response.end(JSON.stringify({ region: "eu-west-1" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test("connects to the pinned address while keeping the URL's host name (no DNS lookup of it)", async () => {
  // `.invalid` never resolves: the request can only arrive through the pinned address.
  const response = await nodeHttpClient({
    method: "GET",
    url: `http://api.tickets.invalid:${port}/health`,
    address: "127.0.0.1",
    timeoutMs: 5_000,
  });
  expect(response.status).toBe(200);
  expect(JSON.parse(response.body)).toEqual({ region: "eu-west-1" });
  expect(response.headers["x-next-token"]).toBe("abc");
  expect(received.at(-1)).toMatchObject({ method: "GET", url: "/health", host: `api.tickets.invalid:${port}` });
});

test("posts the body with its length and the given headers", async () => {
  const body = JSON.stringify({ description: "Probe ü" });
  const response = await nodeHttpClient({
    method: "POST",
    url: `http://api.tickets.invalid:${port}/ticket`,
    headers: { "content-type": "application/json", "idempotency-key": "drill-x-probe-001" },
    body,
    address: "127.0.0.1",
    timeoutMs: 5_000,
  });
  expect(response.status).toBe(201);
  const request = received.at(-1)!;
  expect(request.body).toBe(body);
  expect(request.headers["content-length"]).toBe(String(Buffer.byteLength(body)));
  expect(request.headers["idempotency-key"]).toBe("drill-x-probe-001");
});

test("gives up after the timeout", async () => {
  await expect(nodeHttpClient({ method: "GET", url: `http://127.0.0.1:${port}/slow`, timeoutMs: 200 })).rejects.toThrow(
    `GET http://127.0.0.1:${port}/slow: no answer within 200 ms`,
  );
});

test("stops when its signal aborts", async () => {
  const controller = new AbortController();
  const pending = nodeHttpClient({
    method: "GET",
    url: `http://127.0.0.1:${port}/slow`,
    timeoutMs: 5_000,
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(), 50);
  await expect(pending).rejects.toThrow(/abort/i);
});

test("refuses an address that is not an IP address", async () => {
  await expect(
    nodeHttpClient({ method: "GET", url: "http://api.tickets.invalid/health", address: "example.com", timeoutMs: 1_000 }),
  ).rejects.toThrow("not an IP address: example.com");
});

test("describeAnswer quotes an API error's message, or the start of any other body", () => {
  expect(describeAnswer({ status: 400, headers: {}, body: '{"message":"description is required"}' })).toBe(
    "400 description is required",
  );
  expect(describeAnswer({ status: 502, headers: {}, body: "<html>\n Bad Gateway </html>" })).toBe(
    "502 <html> Bad Gateway </html>",
  );
  expect(describeAnswer({ status: 504, headers: {}, body: "" })).toBe("504");
});
