/** `npm run plan`'s main function, run in the test's process with its output captured. */
import { main } from "../../tools/plan/cli";

/** Runs `main` in this process and captures what it prints. */
export async function runPlanCli(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = jest.spyOn(process.stdout, "write").mockImplementation((chunk) => (stdout.push(String(chunk)), true));
  const err = jest.spyOn(process.stderr, "write").mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  try {
    const status = await main(args, env, cwd);
    return { status, stdout: stdout.join(""), stderr: stderr.join("") };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The environment of a machine with no AWS credentials or profile at all. */
export function withoutAws(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("AWS_")));
  return { ...clean, AWS_CONFIG_FILE: "/nonexistent/aws-config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials" };
}
