/**
 * Synthesizing one construct on its own, for the construct tests: a test stack holding only
 * what the test builds, synthesized in memory (Testing.synthScope writes nothing), and cdktf's
 * jest matchers (`toHaveResourceWithProperties`, `toHaveDataSourceWithProperties`, ...).
 */
import "cdktf/lib/testing/adapters/jest";
import { TerraformOutput, Testing } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ValidationError } from "../../constructs/validation-error";
import type { TerraformJson } from "./terraform-json";

Testing.setupJest();

export interface SynthesizedScope {
  /** The Terraform JSON text: what cdktf's matchers take. */
  readonly text: string;
  /** The same, parsed: what the readers of terraform-json.ts take. */
  readonly json: TerraformJson;
}

/** Synthesizes a test stack holding what `build` adds to it. */
export function synthScope(build: (scope: Construct) => void): SynthesizedScope {
  const text = Testing.synthScope(build);
  return { text, json: JSON.parse(text) as TerraformJson };
}

/** A provider for `region` aliased by its region code, as the app's are: its resources show `aws.<region>`. */
export function regionalProvider(scope: Construct, region: string): AwsProvider {
  return new AwsProvider(scope, `aws-${region}`, { region, alias: region });
}

/**
 * Puts `value` (a construct's attribute or a method's result, usually a token) in the output
 * `name`, where the synthesized JSON shows what it resolves to.
 */
export function exposeValue(scope: Construct, name: string, value: unknown): void {
  new TerraformOutput(scope, outputName(name), { value });
}

/** Prefixed, so that it never takes the id of a construct under test. */
const outputName = (name: string) => `exposed_${name}`;

/** The resolved value of the output `name` (see `exposeValue`). */
export function exposedValue(json: TerraformJson, name: string): any {
  const output = json.output?.[outputName(name)];
  if (output === undefined) throw new Error(`no output ${name}`);
  return output.value;
}

/**
 * The ValidationError `build` throws, as `{ path, message }` with the message's path prefix cut
 * off; fails the test when it throws nothing or another error.
 */
export function validationErrorOf(build: () => unknown): { path: string; message: string } {
  try {
    build();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    expect(error.message.startsWith(`${error.constructPath}: `)).toBe(true);
    return { path: error.constructPath, message: error.message.slice(error.constructPath.length + 2) };
  }
  throw new Error("expected a ValidationError, but nothing was thrown");
}
