/**
 * The local API over real HTTP: the same handler modules and routes as API Gateway, on
 * 127.0.0.1 with an in-memory dynalite.
 */
import { PROJECT_ROOT } from "../../bundling/project-root";
import { spawn } from "node:child_process";
import { startLocalApi, type LocalApi } from "../../tools/local-api/server";
import { BAD_BODIES, countItems } from "../lambdas/helpers";

const ORIGIN = "https://ui.example.com";
let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi({ port: 0, tableName: "LocalTickets", corsAllowOrigin: ORIGIN });
});

afterAll(async () => {
  await api.close();
});

const tableOf = () => ({ endpoint: api.dynamodbEndpoint, tableName: api.tableName, close: async () => undefined });

// Node's fetch types the JSON body as unknown; the assertions check its shape.
const json = (response: Response): Promise<any> => response.json();

function post(body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${api.url}ticket`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });
}

const idempotencyTableOf = () => ({ ...tableOf(), tableName: api.idempotencyTableName });

describe("local API", () => {
  test("serves on 127.0.0.1 with the UI's trailing slash", () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test("POST then GET round-trips a ticket, with CORS and JSON headers", async () => {
    const created = await post(JSON.stringify({ description: "Saddle squeaks", assigned: "bo" }));
    expect(created.status).toBe(201);
    expect(created.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(created.headers.get("content-type")).toBe("application/json");
    const ticket = await json(created);

    const listed = await fetch(`${api.url}ticket?limit=1000`);
    expect(listed.status).toBe(200);
    expect(listed.headers.get("access-control-expose-headers")).toBe("X-Next-Token,Retry-After");
    expect(await json(listed)).toContainEqual(ticket);
  });

  test("paginates with limit and X-Next-Token until the header is absent", async () => {
    const created = await Promise.all(
      Array.from({ length: 25 }, (_, i) => post(JSON.stringify({ description: `page test ${i}` }))),
    );
    const createdIds = await Promise.all(created.map(async (response) => (await json(response)).id as string));

    const seen: string[] = [];
    let token: string | null = null;
    do {
      const query: string = token === null ? "limit=7" : `limit=7&nextToken=${encodeURIComponent(token)}`;
      const response = await fetch(`${api.url}ticket?${query}`);
      expect(response.status).toBe(200);
      const page = (await json(response)) as { id: string }[];
      expect(page.length).toBeLessThanOrEqual(7);
      seen.push(...page.map((ticket) => ticket.id));
      token = response.headers.get("x-next-token");
    } while (token !== null);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(createdIds));
  });

  test.each(BAD_BODIES.filter((bad) => !bad.base64 && bad.body !== null))(
    "bad body ($name) -> $status naming $field, nothing written",
    async ({ body, status, field }) => {
      const before = await countItems(tableOf());

      const response = await post(body!);

      expect(response.status).toBe(status);
      expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
      expect((await json(response)).message).toContain(field);
      expect(await countItems(tableOf())).toBe(before);
    },
  );

  test.each(["0", "1001", "abc", "1.5"])("limit=%s -> 400 naming limit", async (limit) => {
    const response = await fetch(`${api.url}ticket?limit=${limit}`);
    expect(response.status).toBe(400);
    expect((await json(response)).message).toContain("limit");
  });

  test.each([
    ["text/plain (a string body without a type)", undefined],
    ["form encoding (curl -d)", "application/x-www-form-urlencoded"],
    ["text/plain", "text/plain"],
  ])("a POST sent as %s -> 415 naming application/json, nothing written", async (_name, type) => {
    const before = await countItems(tableOf());
    const headers: Record<string, string> = type === undefined ? {} : { "Content-Type": type };

    const response = await fetch(`${api.url}ticket`, { method: "POST", headers, body: '{"description":"x"}' });

    expect(response.status).toBe(415);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect((await json(response)).message).toContain("application/json");
    expect(await countItems(tableOf())).toBe(before);
  });

  test("a POST without Content-Type at all -> 415", async () => {
    const response = await fetch(`${api.url}ticket`, { method: "POST", body: new TextEncoder().encode('{"description":"x"}') });
    expect(response.status).toBe(415);
  });

  test("invalid UTF-8 reaches the function as sent and is a 400 naming UTF-8, never stored as U+FFFD", async () => {
    const before = await countItems(tableOf());
    const latin1 = Buffer.concat([Buffer.from('{"description":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);

    const response = await post(latin1);

    expect(response.status).toBe(400);
    expect((await json(response)).message).toBe("body is not valid UTF-8");
    expect(await countItems(tableOf())).toBe(before);
  });

  test("valid UTF-8 is stored exactly as sent", async () => {
    const description = "Ünïcode ✓ 😀 \u0000 end";
    const response = await post(Buffer.from(JSON.stringify({ description }), "utf8"));
    expect(response.status).toBe(201);
    expect((await json(response)).description).toBe(description);
  });

  test("the cap admits the longest body the schema admits (every character escaped)", async () => {
    const escaped = "\\u00e9".repeat(4000);
    const response = await post(`{"description":"${escaped}","assigned":"${"\\u0061".repeat(256)}"}`);
    expect(response.status).toBe(201);
    expect((await json(response)).description).toBe("é".repeat(4000));
  });

  test("a nextToken longer than 4,096 characters -> 400 naming nextToken", async () => {
    const response = await fetch(`${api.url}ticket?nextToken=${"A".repeat(4097)}`);
    expect(response.status).toBe(400);
    expect((await json(response)).message).toContain("nextToken");
  });

  test("a malformed nextToken -> 400 naming nextToken", async () => {
    const response = await fetch(`${api.url}ticket?nextToken=%7B%22id%22%3A1%7D`);
    expect(response.status).toBe(400);
    expect((await json(response)).message).toContain("nextToken");
  });

  test("GET /health answers 200 with a region", async () => {
    const response = await fetch(`${api.url}health`);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(await json(response)).toEqual({ region: expect.any(String), message: expect.any(String) });
  });

  test.each([
    ["ticket", "GET,OPTIONS,POST"],
    ["health", "GET,OPTIONS"],
  ])("OPTIONS /%s answers the preflight like the mock integration", async (path, methods) => {
    const response = await fetch(`${api.url}${path}`, {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "POST" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toBe(methods);
    expect(response.headers.get("access-control-allow-headers")).toBe(
      "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,Idempotency-Key",
    );
  });

  test("an unknown route is a JSON 404, a wrong method a JSON 405 with Allow, both with CORS", async () => {
    const missing = await fetch(`${api.url}tickets`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect((await json(missing)).message).toContain("/tickets");

    const wrong = await fetch(`${api.url}health`, { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET,OPTIONS");
    expect(wrong.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect((await json(wrong)).message).toContain("DELETE");
  });

  test("a retry with the same Idempotency-Key answers the first ticket and stores nothing new", async () => {
    const [ticketsBefore, recordsBefore] = [await countItems(tableOf()), await countItems(idempotencyTableOf())];
    const headers = { "Idempotency-Key": "5b1c0a52-6a0e-4b8e-8f2e-0c4d7a1e9f10" };

    const first = await post('{"description":"Retried over a flaky network"}', headers);
    const retry = await post('{"description":"Retried over a flaky network"}', headers);

    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(await retry.text()).toBe(await first.text());
    expect(await countItems(tableOf())).toBe(ticketsBefore + 1);
    expect(await countItems(idempotencyTableOf())).toBe(recordsBefore + 1);
  });

  test("concurrent duplicates store one ticket; the others get it or a 409 with a readable Retry-After", async () => {
    const before = await countItems(tableOf());
    const headers = { "Idempotency-Key": "concurrent-local-duplicate" };

    const responses = await Promise.all(Array.from({ length: 10 }, () => post('{"description":"Double submit"}', headers)));

    expect(await countItems(tableOf())).toBe(before + 1);
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const bodies = new Set(
      await Promise.all(responses.filter((response) => response.status === 201).map((response) => response.text())),
    );
    expect(bodies.size).toBe(1);
    for (const response of responses.filter((response) => response.status === 409)) {
      expect(response.headers.get("retry-after")).toBe("1");
      expect(response.headers.get("access-control-expose-headers")).toContain("Retry-After");
    }
  });

  test("the same Idempotency-Key with another body -> 422; a malformed key -> 400", async () => {
    await post('{"description":"First"}', { "Idempotency-Key": "reused-key" });

    const reused = await post('{"description":"Second"}', { "Idempotency-Key": "reused-key" });
    const malformed = await post('{"description":"x"}', { "Idempotency-Key": "k".repeat(129) });

    expect(reused.status).toBe(422);
    expect((await json(reused)).message).toContain("Idempotency-Key");
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).message).toContain("Idempotency-Key");
  });

  test("a second start in the same process is refused with a clear message", async () => {
    await expect(startLocalApi({ port: 0 })).rejects.toThrow("already started");
  });
});

describe("npm run api:local", () => {
  test("prints its URL, serves, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "tools/local-api/main.ts"], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        PORT: "0",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        POWERTOOLS_LOG_LEVEL: "SILENT",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    try {
      const url = await new Promise<string>((done, fail) => {
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Tickets API listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
          if (match) done(match[1]!);
        });
        child.on("exit", () => fail(new Error(`exited before listening:\n${output}`)));
      });

      const response = await fetch(`${url}health`);
      expect(response.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
