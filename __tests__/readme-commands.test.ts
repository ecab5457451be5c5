/**
 * Every command in the README's ```sh blocks either runs here as written (or by a cheaper
 * equivalent that proves it), or is listed with what it needs. How to keep the lists:
 * __tests__/support/readme-commands.ts.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PROJECT_ROOT } from "../bundling/project-root";
import {
  NEEDS_AWS,
  NEEDS_OTHER,
  projectCopy,
  projectReadme,
  readmeCommands,
  RUNS_WITH_TERRAFORM,
} from "./support/readme-commands";
import { uiTypeErrors } from "./support/typescript-check";
import { shellEnv } from "./support/shell-env";

type Runner = ((command: string) => Promise<void> | void) | typeof WITH_LOCAL_API;

/** Run by the local API's test: the server started, its requests sent, the server stopped. */
const WITH_LOCAL_API = "with the local API";

/**
 * `npm run [-s] ui-env -- --out <file>` or `npm run -s ui-env > <file>`, any target path
 * (without `-s`, npm's banner lines would land in the redirected file).
 */
const UI_ENV_COMMAND = /^npm run (?:(?:-s |--silent )?ui-env -- --out (\S+)|(?:-s|--silent) ui-env > (\S+))$/;
/** The local API's example requests, on the port the README names. */
const LOCAL_API_REQUEST = /^curl -s .*localhost:3000\//;

/**
 * Commands that run here: an exact command, or a pattern for a family (a README may write
 * the same call with another path). Each runner throws (fails) when the command doesn't work.
 */
const RUNS_HERE: readonly (readonly [string | RegExp, Runner])[] = [
  [UI_ENV_COMMAND, runUiEnvCommand],
  // One test file by jest: the suite runs that file anyway; what can break is the path.
  [/^npx jest \S+\.test\.ts$/, (command) => expect(existsSync(join(PROJECT_ROOT, command.split(" ")[2]!))).toBe(true)],
  ["npm run api:local", WITH_LOCAL_API],
  [LOCAL_API_REQUEST, WITH_LOCAL_API],
  [
    "cd examples/terraform-native",
    () => expect(existsSync(join(PROJECT_ROOT, "examples", "terraform-native", "main.tf"))).toBe(true),
  ],
];

const README = projectReadme();
const COMMANDS = readmeCommands(README);

function runnerOf(command: string): Runner | undefined {
  return RUNS_HERE.find(([key]) => (typeof key === "string" ? key === command : key.test(command)))?.[1];
}

/** Where the README lists a command: every command must be in exactly one place. */
function placesOf(command: string): string[] {
  return [
    ...(runnerOf(command) ? ["RUNS_HERE"] : []),
    ...((RUNS_WITH_TERRAFORM as readonly string[]).includes(command) ? ["RUNS_WITH_TERRAFORM"] : []),
    ...(command in NEEDS_AWS ? ["NEEDS_AWS"] : []),
    ...(command in NEEDS_OTHER ? ["NEEDS_OTHER"] : []),
  ];
}

describe("readmeCommands", () => {
  test("one command per line of ```sh blocks, comments outside quotes removed, continuations joined", () => {
    const markdown = [
      "text `npm run not-a-block`",
      "```sh",
      "npm ci   # install",
      "# a comment line",
      "aws x --name a \\",
      "  --env 'A=#1' \"B # 2\"   # trailing",
      "",
      "```",
      "```json",
      '{ "not": "a command" }',
      "```",
      "```bash",
      "echo a#b",
      "```",
    ].join("\n");
    expect(readmeCommands(markdown)).toEqual(["npm ci", "aws x --name a --env 'A=#1' \"B # 2\"", "echo a#b"]);
  });
});

describe("the README's commands", () => {
  test("the README has commands", () => {
    expect(COMMANDS.length).toBeGreaterThan(5);
  });

  test("each is listed in exactly one place (RUNS_HERE, RUNS_WITH_TERRAFORM, NEEDS_AWS, NEEDS_OTHER)", () => {
    const misplaced = COMMANDS.map((command) => ({ command, places: placesOf(command) })).filter(
      ({ places }) => places.length !== 1,
    );
    // The message names each command, so adding it to a list is a copy and paste.
    expect(misplaced).toEqual([]);
  });

  test("every listed command is still in the README", () => {
    const listed = [
      ...RUNS_HERE.map(([key]) => key).filter((key): key is string => typeof key === "string"),
      ...RUNS_WITH_TERRAFORM,
      ...Object.keys(NEEDS_AWS),
      ...Object.keys(NEEDS_OTHER),
    ];
    expect(listed.filter((command) => !COMMANDS.includes(command))).toEqual([]);
  });

  test("every listed reason says something", () => {
    for (const reason of [...Object.values(NEEDS_AWS), ...Object.values(NEEDS_OTHER)]) expect(reason.length).toBeGreaterThan(20);
  });
});

describe("README commands that run here", () => {
  const runnable = COMMANDS.flatMap((command) => {
    const runner = runnerOf(command);
    return runner === undefined || runner === WITH_LOCAL_API ? [] : [[command, runner] as const];
  });
  test.each(runnable)("%s", async (command, runner) => {
    await runner(command);
  });

  test("npm run api:local: starts, answers the README's requests, prints no warning, stops on SIGTERM", async () => {
    const requests = COMMANDS.filter((command) => LOCAL_API_REQUEST.test(command));
    expect(requests.length).toBeGreaterThan(0);
    expect(COMMANDS).toContain("npm run api:local");
    await withLocalApi(async (port, output) => {
      for (const request of requests) {
        // Port 3000 may be taken on a shared machine: PORT=0 picked a free one, same server.
        const result = spawnSync("sh", ["-c", request.replaceAll("localhost:3000", `localhost:${port}`)], { encoding: "utf8" });
        expect({ request, status: result.status, stderr: result.stderr }).toEqual({ request, status: 0, stderr: "" });
        expect(result.stdout).toMatch(/^(HTTP\/1\.1 200|\{"|\[)/);
      }
      expect(output()).not.toMatch(/Warning/);
    });
  });
});

/** Starts `npm run api:local` with PORT=0, gives `probe` its port, then stops it with SIGTERM. */
async function withLocalApi(probe: (port: number, output: () => string) => Promise<void>): Promise<void> {
  const env = shellEnv({ PORT: "0" });
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  const child = spawn("npm", ["run", "api:local"], { cwd: PROJECT_ROOT, env, detached: true });
  let output = "";
  child.stdout.on("data", (chunk) => (output += String(chunk)));
  child.stderr.on("data", (chunk) => (output += String(chunk)));
  // "close", not "exit": npm exits on SIGTERM before the server (which shares its stdio) has
  // written its last lines; the pipes close only when every process holding them has ended.
  const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
  try {
    const port = await new Promise<number>((found, failed) => {
      const timer = setInterval(() => {
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
        if (match) {
          clearInterval(timer);
          found(Number(match[1]));
        }
      }, 50);
      void exited.then((code) => {
        clearInterval(timer);
        failed(new Error(`npm run api:local exited (${code}) before listening:\n${output}`));
      });
    });
    await probe(port, () => output);
  } finally {
    // npm and the server share the process group started above.
    process.kill(-child.pid!, "SIGTERM");
    await exited;
  }
  expect(output).toContain("SIGTERM: stopping");
}

/**
 * Runs a ui-env command as written in a copy of the project that has the workshop UI beside
 * it (`../2_UI`, its environment.ts as the workshop ships it), then type-checks the result
 * where the UI reads it.
 */
function runUiEnvCommand(command: string): void {
  const root = projectCopy("readme-ui-env-");
  const [, out, redirect] = UI_ENV_COMMAND.exec(command)!;
  const target = resolve(root, out ?? redirect!);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, readFileSync(join(__dirname, "fixtures", "workshop-ui", "environment.ts")));
  const result = spawnSync("sh", ["-c", command], { cwd: root, env: shellEnv(), encoding: "utf8" });
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  const written = readFileSync(target, "utf8");
  expect(written).toContain("ticketAPI: 'https://api.example.com/'");
  expect(uiTypeErrors(dirname(target), written)).toEqual([]);
}
