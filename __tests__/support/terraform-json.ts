/**
 * Reading synthesized Terraform JSON (`cdk.tf.json`) in tests. A block type is named either by
 * its provider binding class (`DynamodbTable`, whose static `tfResourceType` is
 * `aws_dynamodb_table`) or by that string.
 */

/** A synthesized stack: untyped JSON, as Terraform reads it. */
export type TerraformJson = Record<string, any>;
/** One resource, data source or provider block of a synthesized stack. */
export type TerraformBlock = Record<string, any>;
/** A provider binding class; its `tfResourceType` names the block type. */
export interface TerraformType {
  readonly tfResourceType: string;
}
export type BlockType = string | TerraformType;

const typeName = (type: BlockType) => (typeof type === "string" ? type : type.tfResourceType);

/** The resources of one type in a synthesized stack, by their Terraform name. */
export function resourcesOf(stackJson: TerraformJson, type: BlockType): Record<string, TerraformBlock> {
  return (stackJson.resource?.[typeName(type)] ?? {}) as Record<string, TerraformBlock>;
}

/** The data sources of one type, by their Terraform name. */
export function dataSourcesOf(stackJson: TerraformJson, type: BlockType): Record<string, TerraformBlock> {
  return (stackJson.data?.[typeName(type)] ?? {}) as Record<string, TerraformBlock>;
}

/** The only resource of `type`; fails when there are none or several. */
export function onlyResource(stackJson: TerraformJson, type: BlockType): TerraformBlock {
  const all = Object.values(resourcesOf(stackJson, type));
  if (all.length !== 1) throw new Error(`expected one ${typeName(type)}, found ${all.length}`);
  return all[0]!;
}

/** The resources of `type` on the provider of `region`. */
export function resourcesIn(stackJson: TerraformJson, type: BlockType, region: string): TerraformBlock[] {
  return Object.values(resourcesOf(stackJson, type)).filter((resource) => resource.provider === `aws.${region}`);
}

/** Fails, naming the type, unless `blocks` holds exactly `count` of them. */
function expectCount<T>(blocks: T[], kind: string, type: BlockType, count: number): T[] {
  expect({ [kind]: typeName(type), count: blocks.length }).toEqual({ [kind]: typeName(type), count });
  return blocks;
}

/**
 * Exactly `count` resources of `type`, asserted first so that a test looping over them can't
 * pass by finding none.
 */
export function expectResources(stackJson: TerraformJson, type: BlockType, count: number): TerraformBlock[] {
  return expectCount(Object.values(resourcesOf(stackJson, type)), "resource", type, count);
}

/** Exactly `count` resources of `type` as `[name, resource]` pairs, for tests that need their addresses. */
export function expectNamedResources(stackJson: TerraformJson, type: BlockType, count: number): [string, TerraformBlock][] {
  return expectCount(Object.entries(resourcesOf(stackJson, type)), "resource", type, count);
}

/** The one resource of `type`, asserted to be the only one. */
export function expectOnlyResource(stackJson: TerraformJson, type: BlockType): TerraformBlock {
  return expectResources(stackJson, type, 1)[0]!;
}

/** The one resource of `type` on the provider of `region`, asserted to be the only one there. */
export function expectOnlyIn(stackJson: TerraformJson, type: BlockType, region: string): TerraformBlock {
  return expectCount(resourcesIn(stackJson, type, region), `resource in ${region}`, type, 1)[0]!;
}

/** Exactly `count` data sources of `type`. */
export function expectDataSources(stackJson: TerraformJson, type: BlockType, count: number): TerraformBlock[] {
  return expectCount(Object.values(dataSourcesOf(stackJson, type)), "data source", type, count);
}

/** `aws_x.name`: the address of `resource`, one of the stack's resources of `type`. */
export function addressOf(stackJson: TerraformJson, type: BlockType, resource: TerraformBlock): string {
  const entry = Object.entries(resourcesOf(stackJson, type)).find(([, candidate]) => candidate === resource);
  if (entry === undefined) throw new Error(`not a resource of type ${typeName(type)} in this stack`);
  return `${typeName(type)}.${entry[0]}`;
}

/** `${aws_x.name.attribute}`: how a reference to `resource`'s attribute synthesizes. */
export function attributeRef(stackJson: TerraformJson, type: BlockType, resource: TerraformBlock, attribute: string): string {
  return `\${${addressOf(stackJson, type, resource)}.${attribute}}`;
}

/** Resolves `${data.aws_iam_policy_document.<name>.json}` to that document's synthesized config. */
export function policyDocument(stackJson: TerraformJson, reference: string): TerraformBlock {
  const name = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(reference)?.[1];
  if (name === undefined) throw new Error(`not a policy document reference: ${reference}`);
  const document = dataSourcesOf(stackJson, "aws_iam_policy_document")[name];
  if (document === undefined) throw new Error(`no policy document ${name}`);
  return document;
}

/** `${aws_x.name.attr}` -> the resource `aws_x.name`. */
export function referencedResource(stackJson: TerraformJson, reference: string): TerraformBlock {
  const match = /^\$\{([a-z0-9_]+)\.([^.]+)\.[a-z_]+\}$/.exec(reference);
  if (match === null) throw new Error(`not a resource attribute reference: ${reference}`);
  const resource = resourcesOf(stackJson, match[1]!)[match[2]!];
  if (resource === undefined) throw new Error(`no resource ${match[1]}.${match[2]}`);
  return resource;
}
