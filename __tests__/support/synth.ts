import { Testing } from "cdktf";
import { parseConfig } from "../../config/load";
import { DEFAULTS, type ConfigInput } from "../../config/schema";
import { buildStacks } from "../../stacks/app";

/** Settings for a test: the defaults with `overrides` on top. */
export function testConfig(overrides: Partial<Record<keyof ConfigInput, unknown>> = {}) {
  return parseConfig({ ...DEFAULTS, ...overrides });
}

/** Synthesizes every stack in memory and returns each one's Terraform JSON. */
export function synthStacks(overrides: Parameters<typeof testConfig>[0] = {}) {
  const app = Testing.app();
  const stacks = buildStacks(app, testConfig(overrides));
  return {
    stateBootstrap: JSON.parse(Testing.synth(stacks.stateBootstrap)) as Record<string, any>,
    tickets: JSON.parse(Testing.synth(stacks.tickets)) as Record<string, any>,
  };
}

/** The resources of one type in a synthesized stack, by their Terraform name. */
export function resourcesOf(stackJson: Record<string, any>, type: string): Record<string, Record<string, any>> {
  return (stackJson.resource?.[type] ?? {}) as Record<string, Record<string, any>>;
}

/** The only resource of `type`; fails when there are none or several. */
export function onlyResource(stackJson: Record<string, any>, type: string): Record<string, any> {
  const all = Object.values(resourcesOf(stackJson, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0]!;
}

/** The resources of `type` on the provider of `region`. */
export function resourcesIn(stackJson: Record<string, any>, type: string, region: string): Record<string, any>[] {
  return Object.values(resourcesOf(stackJson, type)).filter((resource) => resource.provider === `aws.${region}`);
}

/** The data sources of one type, by their Terraform name. */
export function dataSourcesOf(stackJson: Record<string, any>, type: string): Record<string, Record<string, any>> {
  return (stackJson.data?.[type] ?? {}) as Record<string, Record<string, any>>;
}

/** Resolves `${data.aws_iam_policy_document.<name>.json}` to that document's synthesized config. */
export function policyDocument(stackJson: Record<string, any>, reference: string): Record<string, any> {
  const name = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(reference)?.[1];
  if (name === undefined) throw new Error(`not a policy document reference: ${reference}`);
  return dataSourcesOf(stackJson, "aws_iam_policy_document")[name]!;
}

/** `${aws_x.name.attr}` -> the resource `aws_x.name`. */
export function referencedResource(stackJson: Record<string, any>, reference: string): Record<string, any> {
  const match = /^\$\{([a-z0-9_]+)\.([^.]+)\.[a-z_]+\}$/.exec(reference);
  if (match === null) throw new Error(`not a resource attribute reference: ${reference}`);
  return resourcesOf(stackJson, match[1]!)[match[2]!]!;
}
