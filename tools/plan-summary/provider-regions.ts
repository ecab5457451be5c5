/**
 * Which provider configuration (and so which AWS region) each resource uses.
 * `resource_changes[].provider_name` is only the provider's source address, so the alias
 * comes from the configuration (`provider_config_key`) and the region from that provider's
 * `region` argument. Resources that are no longer configured (deletions) fall back to what
 * their prior state says.
 */
import { type ModuleConfig, type Plan, type PlanResourceChange, readExpression } from "./plan-schema";

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

/** Every configured resource, keyed by module path + address, mapped to its provider key. */
export function providerKeysByResource(root: ModuleConfig | undefined): Map<string, string | undefined> {
  const keys = new Map<string, string | undefined>();
  const visit = (module: ModuleConfig, modulePath: string): void => {
    for (const resource of module.resources ?? []) {
      keys.set(configKey(modulePath, resource.address), resource.provider_config_key);
    }
    for (const [name, call] of Object.entries(module.module_calls ?? {})) {
      if (call.module !== undefined) visit(call.module, configKey(modulePath, `module.${name}`));
    }
  };
  if (root !== undefined) visit(root, "");
  return keys;
}

/** The `region` argument of each provider configuration: a literal, or a root variable's value. */
export function regionsByProvider(plan: Plan): Map<string, string | undefined> {
  const regions = new Map<string, string | undefined>();
  for (const [key, provider] of Object.entries(plan.configuration?.provider_config ?? {})) {
    const region = readExpression(provider.expressions?.region);
    let value: unknown = region?.constant_value;
    const variable = region?.references?.find((reference) => reference.startsWith("var."));
    // Only root providers can read plan.variables; a module's `var.x` is a different scope.
    if (value === undefined && variable !== undefined && !key.includes(":")) {
      value = plan.variables?.[variable.slice("var.".length)]?.value;
    }
    regions.set(key, typeof value === "string" ? value : undefined);
  }
  return regions;
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
    const address = `${change.mode === "data" ? "data." : ""}${change.type}.${change.name}`;
    const provider = providerKeys.get(configKey(moduleConfigPath(change.module_address), address));
    const configured = provider === undefined ? undefined : regions.get(provider);
    if (configured !== undefined) return { provider, region: configured, regionSource: "configuration" };
    const recorded = regionFromState(change.change.before);
    return { provider, region: recorded, regionSource: recorded === undefined ? undefined : "state" };
  };
}
