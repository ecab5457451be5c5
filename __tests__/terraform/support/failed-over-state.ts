/**
 * A Terraform state in which the primary region is failed over: its endpoint health check
 * exists, inverted, and tagged with a drill's marker, as `UpdateHealthCheck` and the drill leave
 * it. Built from the synthesized stack, so it follows the configuration: every other attribute
 * is what the configuration says, and a plan against it can only differ in the lever.
 */
import { FAILOVER_LEVER } from "../../../constructs/failover-lever";

export const FAILED_OVER_DRILL_ID = "drill-20261206T2100Z-4f2a";
const CHECK_ID = "0f4b6c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b";

/** The primary's endpoint check of a synthesized `tickets` stack: its Terraform name and block. */
export function primaryEndpointCheck(stackJson: Record<string, any>, primaryLabel: string): [string, Record<string, any>] {
  const checks = Object.entries<Record<string, any>>(stackJson.resource.aws_route53_health_check);
  const found = checks.filter(([, check]) => check.type === "HTTPS" && check.tags?.Name === `${primaryLabel}-api`);
  if (found.length !== 1) throw new Error(`expected one endpoint check tagged ${primaryLabel}-api, found ${found.length}`);
  return found[0]!;
}

/** The state: that one check, inverted and marked; `fqdn` is the name its domain reference resolves to. */
export function failedOverState(stackJson: Record<string, any>, primary: { label: string; fqdn: string }): unknown {
  const [name, check] = primaryEndpointCheck(stackJson, primary.label);
  const defaultTags = (stackJson.provider.aws as { alias: string; default_tags?: { tags: Record<string, string> }[] }[]).find(
    (provider) => `aws.${provider.alias}` === check.provider,
  )?.default_tags?.[0]?.tags;
  const tags = { ...check.tags, [FAILOVER_LEVER.markerTag]: FAILED_OVER_DRILL_ID };
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 7,
    lineage: "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: "aws_route53_health_check",
        name,
        provider: `provider["registry.terraform.io/hashicorp/aws"].${check.provider.replace(/^aws\./, "")}`,
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: CHECK_ID,
              arn: `arn:aws:route53:::healthcheck/${CHECK_ID}`,
              type: check.type,
              fqdn: primary.fqdn,
              port: check.port,
              resource_path: check.resource_path,
              enable_sni: check.enable_sni,
              request_interval: check.request_interval,
              failure_threshold: check.failure_threshold,
              measure_latency: check.measure_latency,
              regions: check.regions,
              [FAILOVER_LEVER.attribute]: true,
              disabled: false,
              tags,
              tags_all: { ...defaultTags, ...tags },
              // What the provider stores for a check without triggers.
              triggers: {},
            },
          },
        ],
      },
    ],
  };
}
