import { Testing } from "cdktf";
import { parseConfig } from "../../config/load";
import { DEFAULTS, type ConfigInput } from "../../config/schema";
import { buildStacks } from "../../stacks/app";
import type { TerraformJson } from "./terraform-json";

// The JSON readers live in terraform-json.ts (construct tests use them without the app).
export * from "./terraform-json";

/** Settings for a test: the defaults with `overrides` on top. */
export function testConfig(overrides: Partial<Record<keyof ConfigInput, unknown>> = {}) {
  return parseConfig({ ...DEFAULTS, ...overrides });
}

/** Synthesizes every stack in memory and returns each one's Terraform JSON. */
export function synthStacks(overrides: Parameters<typeof testConfig>[0] = {}) {
  const app = Testing.app();
  const stacks = buildStacks(app, testConfig(overrides));
  return {
    stateBootstrap: JSON.parse(Testing.synth(stacks.stateBootstrap)) as TerraformJson,
    tickets: JSON.parse(Testing.synth(stacks.tickets)) as TerraformJson,
  };
}
