/**
 * What the numbers were measured on: cores, CPU, Node and Terraform versions, and the load
 * average, which says whether the machine was idle (load well under the core count) or
 * shared with other work (at or above it), and so how far to trust the wall times.
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { findTerraform } from "../terraform/toolchain";

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  /** `terraform version` first line, or undefined when there is no terraform. */
  readonly terraform: string | undefined;
  /** 1, 5 and 15 minute load averages. */
  readonly loadAtStart: readonly [number, number, number];
  readonly loadAtEnd?: readonly [number, number, number];
  readonly startedAt: string;
}

export function terraformVersion(): string | undefined {
  const terraform = findTerraform();
  if (terraform === undefined) return undefined;
  const result = spawnSync(terraform, ["version"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  return result.status === 0 ? result.stdout.split("\n")[0]!.trim() : undefined;
}

export const currentLoad = (): [number, number, number] => loadavg() as [number, number, number];

export function describeMachine(): MachineInfo {
  const processors = cpus();
  return {
    cores: processors.length,
    cpuModel: processors[0]?.model.trim() ?? "unknown",
    memoryGb: totalmem() / 1024 ** 3,
    os: `${type()} ${release()}`,
    node: process.version,
    terraform: terraformVersion(),
    loadAtStart: currentLoad(),
    startedAt: new Date().toISOString(),
  };
}

/** "idle", "busy" or "overloaded", from the 1-minute load per core. */
export function loadVerdict(load: number, cores: number): "idle" | "busy" | "overloaded" {
  const perCore = load / cores;
  if (perCore < 0.5) return "idle";
  return perCore < 1.5 ? "busy" : "overloaded";
}
