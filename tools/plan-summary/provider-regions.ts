/**
 * Which provider configuration (and so which AWS region) each resource uses.
 * `resource_changes[].provider_name` is only the provider's source address, so the alias
 * comes from the configuration (`provider_config_key`) and the region from that provider's
 * `region` argument. Resources that are no longer configured (deletions) fall back to what
 * their prior state says.
 */
import { type ModuleConfig, type Plan, type PlanExpression, type PlanResourceChange, readExpression } from "./plan-schema";

export interface ResourcePlacement {
  /** The provider configuration key, e.g. `aws.eu-west-1`; `undefined` when not configured. */
  readonly provider: string | undefined;
  readonly region: string | undefined;
  /** `state` when the region was read from the prior object, not from the configuration. */
  readonly regionSource: "configuration" | "state" | undefined;
}

/** `module.a["x"].module.b[0]` -> `module.a.module.b`: configuration has no instance keys. */
export function moduleConfigPath(moduleAddress: string | undefined): string {
  return (moduleAddress ?? "").replace(/\[(?:"(?:[^"\\]|\\.)*"|\d+)\]/g, "");
}

function configKey(modulePath: string, resourceAddress: string): string {
  return modulePath === "" ? resourceAddress : `${modulePath}.${resourceAddress}`;
}

/**
 * The configuration key of a resource change: its module's path without instance keys plus the
 * resource's address (`module.region.module.api.aws_lambda_function.tickets_get`), as
 * configuredResources keys the configuration's resources.
 */
export function configAddress(change: PlanResourceChange): string {
  const address = `${change.mode === "data" ? "data." : ""}${change.type}.${change.name}`;
  return configKey(moduleConfigPath(change.module_address), address);
}

export type ConfigResource = NonNullable<ModuleConfig["resources"]>[number];

/** Every resource of the configuration, in the root module and each module it calls, with its configuration key. */
export function configuredResources(root: ModuleConfig | undefined): { key: string; resource: ConfigResource }[] {
  const found: { key: string; resource: ConfigResource }[] = [];
  const visit = (module: ModuleConfig, modulePath: string): void => {
    for (const resource of module.resources ?? []) found.push({ key: configKey(modulePath, resource.address), resource });
    for (const [name, call] of Object.entries(module.module_calls ?? {})) {
      if (call.module !== undefined) visit(call.module, configKey(modulePath, `module.${name}`));
    }
  };
  if (root !== undefined) visit(root, "");
  return found;
}

/** Every configured resource, keyed by module path + address, mapped to its provider key. */
export function providerKeysByResource(root: ModuleConfig | undefined): Map<string, string | undefined> {
  return new Map(configuredResources(root).map(({ key, resource }) => [key, resource.provider_config_key]));
}

/** The `region` argument of each provider configuration: a literal, or a root variable's value. */
export function regionsByProvider(plan: Plan): Map<string, string | undefined> {
  const regions = new Map<string, string | undefined>();
  for (const [key, provider] of Object.entries(plan.configuration?.provider_config ?? {})) {
    const region = readExpression(provider.expressions?.region);
    const literal = region?.constant_value;
    const value = literal !== undefined ? literal : rootVariableValue(plan, key, region);
    regions.set(key, typeof value === "string" ? value : undefined);
  }
  return regions;
}

/**
 * The value of the root variable an expression reads (`var.region`), for a root provider only:
 * a module's provider (`module.x:aws`) reads `var.x` in its module's scope, which plan.variables is not.
 */
function rootVariableValue(plan: Plan, providerKey: string, expression: PlanExpression | undefined): unknown {
  const variable = expression?.references?.find((reference) => reference.startsWith("var."));
  if (variable === undefined || providerKey.includes(":")) return undefined;
  return plan.variables?.[variable.slice("var.".length)]?.value;
}

/** The region in an ARN (`arn:aws:dynamodb:eu-west-1:…`); empty for global services. */
function arnRegion(arn: unknown): string | undefined {
  if (typeof arn !== "string") return undefined;
  const region = arn.split(":")[3];
  return region ? region : undefined;
}

/** Region recorded in the prior object: an explicit `region` attribute, else its ARN. */
function regionFromState(before: unknown): string | undefined {
  if (before === null || typeof before !== "object") return undefined;
  const { region, arn } = before as { region?: unknown; arn?: unknown };
  return typeof region === "string" && region !== "" ? region : arnRegion(arn);
}

/** Builds the lookup once per plan; the returned function places one resource change. */
export function placeResources(plan: Plan): (change: PlanResourceChange) => ResourcePlacement {
  const providerKeys = providerKeysByResource(plan.configuration?.root_module);
  const regions = regionsByProvider(plan);
  return (change) => {
    const provider = providerKeys.get(configAddress(change));
    const configured = provider === undefined ? undefined : regions.get(provider);
    if (configured !== undefined) return { provider, region: configured, regionSource: "configuration" };
    const recorded = regionFromState(change.change.before);
    return { provider, region: recorded, regionSource: recorded === undefined ? undefined : "state" };
  };
}
