import { Construct } from "constructs";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";

export interface RegionalProvidersProps {
  /** Regions that get a provider right away, primary first. */
  readonly regions: readonly string[];
  /** Tags every resource of every provider carries. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * One `aws` provider per region, each aliased by its region code (`aws.eu-west-1`), so
 * that every resource names its region and a module consumer maps providers by region.
 *
 * Each alias is guarded: an `aws_region` data source (the provider's configured region, no
 * AWS call) with a postcondition fails the plan when the provider behind `aws.<region>` is
 * set to another region. In this app that can't happen; in the plain Terraform module the
 * caller wires the providers, and a miswired `aws.us-east-1` would otherwise put the alarms
 * where Route 53 publishes no metrics, silently.
 */
export class RegionalProviders extends Construct {
  private readonly providers = new Map<string, AwsProvider>();
  private readonly tags: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: RegionalProvidersProps) {
    super(scope, id);
    this.tags = props.tags;
    props.regions.forEach((region) => this.forRegion(region));
  }

  /** The provider of `region`, created on first use (e.g. us-east-1 for Route 53 metrics). */
  forRegion(region: string): AwsProvider {
    let provider = this.providers.get(region);
    if (provider === undefined) {
      provider = new AwsProvider(this, region, {
        alias: region,
        region,
        defaultTags: [{ tags: { ...this.tags } }],
      });
      this.providers.set(region, provider);
      new DataAwsRegion(this, `${region}-guard`, {
        provider,
        lifecycle: {
          postcondition: [
            {
              condition: `\${self.name == "${region}"}`,
              errorMessage: `The provider passed as aws.${region} is configured for region \${self.name}; it must be ${region}.`,
            },
          ],
        },
      });
    }
    return provider;
  }
}
