/**
 * An interrupted drill restores from the phase it reached, for every fault: SIGINT arrives
 * just after each step has started (times from an uninterrupted run of the same fake), and
 * whatever the drill had changed by then is put back; nothing it had not reached is touched.
 */
import type { FaultKind } from "../../../tools/drill/faults/fault";
import type { DrillRecord, StepName } from "../../../tools/drill/record";
import { DRILL_MARKER_TAG } from "../../../tools/drill/targets";
import { FakeDeployment, type FakeDeploymentOptions } from "./support/fake-deployment";

const STEPS: readonly StepName[] = ["preflight", "mark", "baseline", "break", "observe", "restore", "unmark", "verify"];

/** Per fault: the fake to drill, and what "as before the drill" means for what the fault touches. */
const FAULTS: Record<FaultKind, { options: FakeDeploymentOptions; expectRestored: (deployment: FakeDeployment) => void }> = {
  "health-check": {
    options: {},
    expectRestored: (deployment) => {
      expect(deployment.primaryCheck.inverted).toBe(false);
      expect(deployment.primaryCheck.tags.has(DRILL_MARKER_TAG)).toBe(false);
    },
  },
  functions: {
    options: {},
    expectRestored: (deployment) => {
      expect(deployment.functions.filter((fn) => fn.region === "eu-west-1").map((fn) => fn.reserved)).toEqual([
        undefined,
        undefined,
        10,
      ]);
      expect(deployment.functions.some((fn) => fn.tags.has(DRILL_MARKER_TAG))).toBe(false);
    },
  },
  replication: {
    options: { replicationFault: true },
    expectRestored: (deployment) => {
      for (const experiment of deployment.experiments) expect(experiment.stopRequestedAt).toBeDefined();
    },
  },
};

function outcomes(record: DrillRecord): Partial<Record<StepName, string>> {
  return Object.fromEntries(record.steps.map((step) => [step.name, step.outcome]));
}

describe.each(Object.keys(FAULTS) as FaultKind[])("--fault %s", (fault) => {
  const { options, expectRestored } = FAULTS[fault];
  let reference: DrillRecord;

  beforeAll(async () => {
    reference = await new FakeDeployment(options).run({ fault, probes: 4 });
    expect(reference.outcome).toBe("passed");
  });

  test.each(STEPS)("SIGINT during %s", async (step) => {
    const deployment = new FakeDeployment(options);
    const startedAt = reference.steps.find((entry) => entry.name === step)!.startedAt;
    deployment.clock.at(reference.startedAt + startedAt + 1, () => deployment.signals.emit("SIGINT"));
    const record = await deployment.run({ fault, probes: 4 });
    const reached = STEPS.indexOf(step);
    const ran = outcomes(record);

    expect(record.exitCode).toBe(130);
    // Restore runs once the break was reached, unmark once mark was; verify never after a signal.
    expect(ran.restore !== undefined).toBe(reached >= STEPS.indexOf("break"));
    expect(ran.unmark !== undefined).toBe(reached >= STEPS.indexOf("mark"));
    if (step !== "verify") expect(ran.verify).toBeUndefined();
    expect(ran.unmark ?? "ok").toBe("ok");
    expect(["ok", "interrupted"]).toContain(ran.restore ?? "ok");
    expectRestored(deployment);
  });
});
