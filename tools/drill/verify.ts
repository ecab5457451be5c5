/** The verify step: every probe written is read back in every region (replication included). */
import type { DrillContext } from "./context";
import { readBack } from "./probes";

export async function verifyProbes(context: DrillContext): Promise<string> {
  const { journal, targets, settings } = context;
  const written = journal.probes.filter((probe) => probe.ticketId !== undefined);
  const { regions } = targets;
  const result = await readBack({
    http: context.deps.http,
    clock: context.clock,
    regions,
    ticketIds: written.map((probe) => probe.ticketId!),
    retryMs: settings.pollSeconds * 1000,
    graceMs: settings.readBackGraceSeconds * 1000,
    signal: context.drillSignal,
  });
  for (const probe of written) {
    probe.readBack = Object.fromEntries(
      regions.map((region) => [region.name, result.missing.get(region.name)!.has(probe.ticketId!) ? "missing" : "found"]),
    );
  }
  const lost = written.filter((probe) => Object.values(probe.readBack!).includes("missing"));
  for (const probe of lost) {
    const where = Object.entries(probe.readBack!)
      .filter(([, state]) => state === "missing")
      .map(([region]) => region);
    journal.problems.push(`probe ${probe.index} (ticket ${probe.ticketId}) is lost: missing in ${where.join(", ")}`);
  }
  for (const [region, error] of result.errors) journal.problems.push(`verify: could not read the tickets in ${region}: ${error}`);
  return `${written.length - lost.length} of ${written.length} written probes found in every region (${regions.map((r) => r.name).join(", ")})`;
}
