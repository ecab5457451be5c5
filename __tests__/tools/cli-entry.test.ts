/** How a CLI under tools/ ends (tools/cli-entry.ts): its exit code, or its error's message and 1. */
import { runCli } from "../../tools/cli-entry";

let written: string[];
beforeEach(() => {
  written = [];
  jest.spyOn(process.stderr, "write").mockImplementation((text) => {
    written.push(String(text));
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  process.exitCode = 0;
});

const settle = () => new Promise((resolve) => setImmediate(resolve));

test.each([
  ["a returned code", () => 3, 3],
  ["a resolved code", async () => 2, 2],
  ["nothing returned", () => undefined, 0],
])("%s becomes the exit code, and nothing is printed", async (_case, main, code) => {
  runCli("tool", main);
  await settle();
  expect([process.exitCode, written]).toEqual([code, []]);
});

test.each([
  [
    "a throw",
    () => {
      throw new Error("no such stack");
    },
  ],
  ["a rejection", async () => Promise.reject(new Error("no such stack"))],
])("%s prints the command's name and the message, and exits 1", async (_case, main) => {
  runCli("plan", main);
  await settle();
  expect([process.exitCode, written]).toEqual([1, ["plan: no such stack\n"]]);
});
