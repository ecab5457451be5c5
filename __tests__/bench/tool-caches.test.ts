/**
 * The bench empties TOOL_CACHES before its first `npm test`, to measure what a fresh clone
 * runs: every cache the type check and the lint script write must be inside one of them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";
import { TOOL_CACHES } from "../../tools/bench/tests";

const readJson = (file: string) => JSON.parse(readFileSync(join(PROJECT_ROOT, file), "utf8"));

/** The path after each cache option of a command line (`--cache-location <path>`, `--cache <path>`). */
function cachePaths(script: string): string[] {
  return [...script.matchAll(/--cache(?:-location)? (?!-)(\S+)/g)].map(([, path]) => path!);
}

test("tsc's build info and each linter's cache are inside the folders the bench empties", () => {
  const inside = (path: string) => TOOL_CACHES.some((folder) => path.startsWith(`${folder}/`));
  const lint = readJson("package.json").scripts.lint as string;
  const paths = [readJson("tsconfig.json").compilerOptions.tsBuildInfoFile as string, ...cachePaths(lint)];
  // tsc, prettier, eslint and dependency-cruiser.
  expect(paths).toHaveLength(4);
  expect(paths.filter((path) => !inside(path))).toEqual([]);
});

test("each linter in the lint script caches (an uncached one would make every run cold)", () => {
  const lint = readJson("package.json").scripts.lint as string;
  for (const command of lint.split(" && "))
    expect({ command, cached: command.includes("--cache") }).toEqual({ command, cached: true });
});
