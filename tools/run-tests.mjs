// `npm test` on two cores: the terraform jest group (whose global setup, terraform plans in
// child processes, is the long pole) starts first; beside it the type check, the linters and
// the unit group run one after the other, as `tsc --noEmit && npm run -s lint && jest` did.
// The terraform group's output is printed when it ends, so the two reports don't interleave.
// Any failure fails the run; a failed type check or lint stops the terraform group too.
// With arguments (`npm test -- <jest args>`) it runs the old sequence, passing them to jest.
// The phases themselves are in tools/test-phases.cjs.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const { CHECK_PHASES, TERRAFORM_PHASE, phaseCommand } = createRequire(import.meta.url)("./test-phases.cjs");
const step = (phase, args = phase.args) => [phaseCommand(root, phase), args];
const [typeCheck, lint, unit] = CHECK_PHASES;

/** Runs a command; resolves with its exit code (and its output when `capture` is set). */
function run(command, args, { capture = false, onStart } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
      // Its own process group, so a stop reaches terraform and every jest worker.
      detached: capture,
    });
    onStart?.(child);
    const output = [];
    child.stdout?.on("data", (chunk) => output.push(chunk));
    child.stderr?.on("data", (chunk) => output.push(chunk));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: Buffer.concat(output) }));
  });
}

async function sequence(steps) {
  for (const [command, args] of steps) {
    const { code } = await run(command, args);
    if (code !== 0) return code;
  }
  return 0;
}

const extra = process.argv.slice(2);
if (extra.length > 0) {
  process.exit(await sequence([step(typeCheck), step(lint), step(unit, extra)]));
}

let terraformGroup;
const terraform = run(...step(TERRAFORM_PHASE), {
  capture: true,
  onStart: (child) => (terraformGroup = child),
});
const checks = sequence(CHECK_PHASES.map((phase) => step(phase)));
const checksCode = await checks;
if (checksCode !== 0 && terraformGroup.exitCode === null) {
  try {
    process.kill(-terraformGroup.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}
const { code: terraformCode, output } = await terraform;
process.stderr.write(output);
process.exit(checksCode !== 0 ? checksCode : terraformCode);
