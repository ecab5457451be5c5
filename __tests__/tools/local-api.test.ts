/**
 * The local API over real HTTP: the same handler modules and routes as API Gateway, on
 * 127.0.0.1 with an in-memory dynalite.
 */
import { PROJECT_ROOT } from "../../build/project-root";
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

function post(body: string): Promise<Response> {
  return fetch(`${api.url}ticket`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
}

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
    expect(listed.headers.get("access-control-expose-headers")).toBe("X-Next-Token");
    expect(await json(listed)).toContainEqual(ticket);
  });

  test("paginates with limit and X-Next-Token until the header is absent", async () => {
    const created = await Promise.all(Array.from({ length: 25 }, (_, i) => post(JSON.stringify({ description: `page test ${i}` }))));
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
    expect(response.headers.get("access-control-allow-headers")).toBe("Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token");
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

  test("a second start in the same process is refused with a clear message", async () => {
    await expect(startLocalApi({ port: 0 })).rejects.toThrow("already started");
  });
});

describe("npm run api:local", () => {
  test("prints its URL, serves, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "tools/local-api/main.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: "0", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", POWERTOOLS_LOG_LEVEL: "SILENT" },
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
