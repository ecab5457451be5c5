/** Runs `npm run plan:summary` as CI runs it, a child process (the CLI bundled once per test file). */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../../../bundling/project-root";
import { bundleCli } from "../../support/cli-bundle";

const run = promisify(execFile);

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The variables GitHub Actions sets, removed so a run of the tests in Actions doesn't change the output. */
const GITHUB_RUN_VARIABLES = ["GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA", "GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT"];

/** `tools/plan-summary/cli.ts`, bundled on first use. */
let bundle: string | undefined;
const cli = () => (bundle ??= bundleCli("tools/plan-summary/cli.ts"));

export async function planSummary(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const env = { ...process.env };
  for (const name of GITHUB_RUN_VARIABLES) delete env[name];
  try {
    const { stdout, stderr } = await run(process.execPath, [cli(), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...env, ...extraEnv },
    });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { status: code, stdout, stderr };
  }
}

/** Starts every run at once (each costs a node start-up); the tests await theirs. */
export function startAll<K extends string>(runs: Record<K, string[]>): Record<K, Promise<CliResult>> {
  return Object.fromEntries(Object.entries<string[]>(runs).map(([name, args]) => [name, planSummary(args)])) as Record<
    K,
    Promise<CliResult>
  >;
}
