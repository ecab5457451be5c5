/**
 * The oldest Terraform release that reads a module: the newest of the language features it
 * uses. Declaring more than that (the main stack's 1.10 is for the S3 backend's lockfile, which
 * a module never has) would lock out teams for nothing; declaring less would let an older
 * Terraform fail with a parse error instead of a version message.
 */

type TerraformJson = Record<string, any>;

export interface LanguageFeature {
  /** What a reader recognises, e.g. "`moved` blocks". */
  readonly name: string;
  /** First Terraform release with it. */
  readonly since: string;
}

interface DetectableFeature extends LanguageFeature {
  readonly usedIn: (module: ModuleLanguage) => boolean;
}

/** What the detection looks at: the module's body (everything but the `terraform` block). */
export interface ModuleLanguage {
  readonly body: TerraformJson;
  /** `configuration_aliases` the module declares. */
  readonly providerAliases: readonly string[];
}

const blocksOf = (body: TerraformJson, kind: string) =>
  Object.values<TerraformJson>(body[kind] ?? {}).flatMap((byName) => Object.values<TerraformJson>(byName));
const resourceLike = (body: TerraformJson) => [...blocksOf(body, "resource"), ...blocksOf(body, "data")];
const variables = (body: TerraformJson) => Object.entries<TerraformJson>(body.variable ?? {});
/** Every string of the body that holds an expression (`${…}`). */
function expressions(node: unknown): string[] {
  if (typeof node === "string") return node.includes("${") ? [node] : [];
  if (node === null || typeof node !== "object") return [];
  return Object.values(node).flatMap(expressions);
}
const callsFunction = (body: TerraformJson, name: string) =>
  expressions(body).some((expression) => new RegExp(`\\b${name}\\(`).test(expression));

/**
 * Features newer than Terraform 0.15, with how to see them in a module's JSON. A feature that
 * is missing here and newer than the result would go unnoticed: add it when the stack starts
 * using one (the unit test lists what each detection finds).
 */
const FEATURES: readonly DetectableFeature[] = [
  { name: "`configuration_aliases` in `required_providers`", since: "0.15.0", usedIn: (m) => m.providerAliases.length > 0 },
  { name: "`moved` blocks", since: "1.1.0", usedIn: (m) => (m.body.moved ?? []).length > 0 },
  { name: "`nullable` variables", since: "1.1.0", usedIn: (m) => variables(m.body).some(([, v]) => "nullable" in v) },
  {
    name: "preconditions and postconditions",
    since: "1.2.0",
    usedIn: (m) =>
      [...resourceLike(m.body), ...Object.values<TerraformJson>(m.body.output ?? {})].some(
        (block) =>
          block.lifecycle?.precondition !== undefined ||
          block.lifecycle?.postcondition !== undefined ||
          block.precondition !== undefined,
      ),
  },
  {
    name: "`replace_triggered_by`",
    since: "1.2.0",
    usedIn: (m) => resourceLike(m.body).some((b) => b.lifecycle?.replace_triggered_by !== undefined),
  },
  {
    name: "`optional()` object attributes",
    since: "1.3.0",
    usedIn: (m) => variables(m.body).some(([, v]) => String(v.type).includes("optional(")),
  },
  {
    name: "`startswith`/`endswith`",
    since: "1.3.0",
    usedIn: (m) => callsFunction(m.body, "startswith") || callsFunction(m.body, "endswith"),
  },
  { name: "`terraform_data` resources", since: "1.4.0", usedIn: (m) => m.body.resource?.terraform_data !== undefined },
  { name: "`check` blocks", since: "1.5.0", usedIn: (m) => m.body.check !== undefined },
  { name: "`import` blocks", since: "1.5.0", usedIn: (m) => m.body.import !== undefined },
  {
    name: "`strcontains`/`plantimestamp`",
    since: "1.5.0",
    usedIn: (m) => callsFunction(m.body, "strcontains") || callsFunction(m.body, "plantimestamp"),
  },
  { name: "`removed` blocks", since: "1.7.0", usedIn: (m) => m.body.removed !== undefined },
  {
    name: "provider-defined functions",
    since: "1.8.0",
    usedIn: (m) => expressions(m.body).some((expression) => expression.includes("provider::")),
  },
  {
    name: "variable validations that refer to other variables",
    since: "1.9.0",
    usedIn: (m) =>
      variables(m.body).some(([name, v]) =>
        (v.validation ?? []).some((rule: { condition: string }) =>
          [...rule.condition.matchAll(/\bvar\.(\w+)/g)].some(([, ref]) => ref !== name),
        ),
      ),
  },
  { name: "`templatestring`", since: "1.9.0", usedIn: (m) => callsFunction(m.body, "templatestring") },
  {
    name: "ephemeral values",
    since: "1.10.0",
    usedIn: (m) => m.body.ephemeral !== undefined || variables(m.body).some(([, v]) => v.ephemeral === true),
  },
];

export interface TerraformFloor {
  /** `required_version` of the module. */
  readonly constraint: string;
  /** The features that set the floor, newest first. */
  readonly features: readonly LanguageFeature[];
}

/** Compares dotted versions numerically ("1.10.0" > "1.9.0"). */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((version) => version.split(".").map(Number));
  for (let i = 0; i < Math.max(x!.length, y!.length); i += 1) {
    const difference = (x![i] ?? 0) - (y![i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The module's `required_version` and the features behind it. */
export function terraformFloor(module: ModuleLanguage): TerraformFloor {
  const used = FEATURES.filter((feature) => feature.usedIn(module))
    .map(({ name, since }) => ({ name, since }))
    .sort((a, b) => compareVersions(b.since, a.since));
  // JSON syntax with `//` comments and `one()` are Terraform 0.15; anything older is out of support.
  const floor = used[0]?.since ?? "0.15.0";
  return { constraint: `>= ${floor}`, features: used };
}
