/** Rewrites docs/drill-sample/ from the fake drill (see sample.ts). */
import { writeReport } from "../../../../tools/drill/report";
import { SAMPLE_DIR, sampleDrill } from "./sample";

if (require.main === module) {
  sampleDrill()
    .then((record) => {
      for (const file of writeReport(record, SAMPLE_DIR)) process.stdout.write(`wrote ${file}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    });
}
