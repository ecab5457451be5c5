import { Construct } from "constructs";
import { S3Backend, TerraformStack } from "cdktf";
import type { TicketsConfig } from "../config/schema";
import { RegionalProviders } from "../constructs/regional-providers";

export interface TicketsStackProps {
  readonly config: TicketsConfig;
}

/** The multi-region ticket API: one provider per region, state in the bootstrap bucket. */
export class TicketsStack extends TerraformStack {
  readonly providers: RegionalProviders;

  constructor(scope: Construct, id: string, props: TicketsStackProps) {
    super(scope, id);
    const { config } = props;

    const backend = new S3Backend(this, {
      bucket: config.stateBackend.bucket,
      key: `${config.stateBackend.keyPrefix}/${id}.tfstate`,
      region: config.stateBackend.region,
      encrypt: true,
    });
    // cdktf 0.21's S3Backend predates S3-native locking (Terraform >= 1.10).
    backend.addOverride("use_lockfile", true);

    this.providers = new RegionalProviders(this, "providers", {
      regions: config.regions.map((region) => region.name),
      tags: config.tags,
    });
  }
}
