/**
 * Times `npm run synth` as a whole process (what a user waits for), median of several
 * runs. Prints numbers; asserts nothing.
 *
 *   npm run bench
 */
import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "../../build/project-root";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_SECONDS = 1.5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

// The synths it times run without checkpoint calls to HashiCorp, like `npm run synth`.
process.env.CHECKPOINT_DISABLE ??= "1";
const seconds: number[] = [];
spawnSync("npm", ["run", "synth", "--silent"], { cwd: PROJECT_ROOT }); // warm the file cache
for (let run = 0; run < RUNS; run += 1) {
  const start = process.hrtime.bigint();
  const result = spawnSync("npm", ["run", "synth", "--silent"], { cwd: PROJECT_ROOT, encoding: "utf8" });
  seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  if (result.status !== 0) {
    console.error(result.stderr);
    process.exit(1);
  }
}

console.log("npm run synth (whole process)");
console.log(`  runs:    ${RUNS}`);
console.log(`  median:  ${median(seconds).toFixed(2)} s   (target <= ${TARGET_SECONDS} s)`);
console.log(`  min/max: ${Math.min(...seconds).toFixed(2)} / ${Math.max(...seconds).toFixed(2)} s`);
