import { Construct } from "constructs";
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
    }
    return provider;
  }
}
