/** runMeasured on real (tiny) processes: wall time always, CPU and memory where GNU time exists, failures. */
import { tmpdir } from "node:os";
import { hasGnuTime, runMeasured } from "../../tools/bench/measure";

const node = (script: string, allowFailure = false) =>
  runMeasured(process.execPath, ["-e", script], { cwd: tmpdir(), allowFailure });

test("a passing command: wall time, exit 0, and CPU and peak RSS when GNU time is there", () => {
  const run = node("const a = new Array(1e6).fill(1); console.log(a.length)");
  expect(run.exitCode).toBe(0);
  expect(run.wallSeconds).toBeGreaterThan(0);
  if (hasGnuTime()) {
    expect(run.cpuSeconds).toBeGreaterThanOrEqual(0);
    expect(run.maxRssMb).toBeGreaterThan(1);
  } else {
    expect(run).not.toHaveProperty("cpuSeconds");
  }
});

test("a failing command throws with its exit code and output", () => {
  expect(() => node('console.error("broken"); process.exit(3)')).toThrow(/exited 3 in .*:\nbroken/);
});

test("with allowFailure, a failing command is timed and keeps its exit code", () => {
  const run = node("process.exit(3)", true);
  expect(run.exitCode).toBe(3);
  expect(run.wallSeconds).toBeGreaterThan(0);
  if (hasGnuTime()) expect(run.maxRssMb).toBeGreaterThan(1);
});
