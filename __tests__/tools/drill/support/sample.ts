/**
 * The sample report under docs/drill-sample/: a drill against the fake deployment with a
 * fixed clock, so the same code always writes the same bytes. Regenerate with
 *
 *   node --import tsx __tests__/tools/drill/support/write-sample.ts
 */
import { join, resolve } from "node:path";
import type { DrillRecord } from "../../../../tools/drill/record";
import { renderMarkdown, reportJson, REPORT_FILES } from "../../../../tools/drill/report";
import { renderTimelineSvg } from "../../../../tools/drill/timeline-svg";
import { FakeDeployment } from "./fake-deployment";

export const SAMPLE_DIR = join(resolve(__dirname, "..", "..", "..", ".."), "docs", "drill-sample");

export async function sampleDrill(): Promise<DrillRecord> {
  const deployment = new FakeDeployment({ failoverAfterMs: 19_000, failbackAfterMs: 12_000 });
  return deployment.run({ configSource: "a fake deployment (__tests__/tools/drill/support/fake-deployment.ts), virtual clock" });
}

/** File name -> content, as `npm run drill` writes them. */
export function sampleFiles(record: DrillRecord): Record<string, string> {
  return {
    [REPORT_FILES.markdown]: renderMarkdown(record),
    [REPORT_FILES.json]: reportJson(record),
    [REPORT_FILES.timeline]: renderTimelineSvg(record),
  };
}
