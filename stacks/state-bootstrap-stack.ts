import { Construct } from "constructs";
import { LocalBackend, TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { TicketsConfig } from "../config/schema";
import { stateKeyAlias } from "../config/state-backend";
import { MOVED_BLOCKS_TERRAFORM, StableAddressStack, STATE_STACK_ADDRESSES } from "./stable-addresses";

export interface StateBootstrapStackProps {
  readonly config: TicketsConfig;
  /** Local state file of this stack, relative to its synthesized folder. */
  readonly localStatePath: string;
}

/** Days a superseded state version is kept before it expires. */
export const NONCURRENT_STATE_RETENTION_DAYS = 90;

/**
 * The S3 bucket that holds the Terraform state of the main stacks. It keeps its own state
 * in a local file, since the bucket it would use does not exist before it runs.
 */
export class StateBootstrapStack extends StableAddressStack {
  constructor(scope: Construct, id: string, props: StateBootstrapStackProps) {
    super(scope, id);
    this.pinAddresses(STATE_STACK_ADDRESSES);
    const { stateBackend, tags } = props.config;

    new LocalBackend(this, { path: props.localStatePath });
    this.addOverride("terraform.required_version", MOVED_BLOCKS_TERRAFORM);
    new AwsProvider(this, "aws", { region: stateBackend.region, defaultTags: [{ tags: { ...tags } }] });

    // A key of our own rather than aws/s3: its policy is ours to scope, it rotates, and the
    // backend can name it for the state and lock objects.
    const key = new KmsKey(this, "state-key", {
      description: `Terraform state in s3://${stateBackend.bucket}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      lifecycle: { preventDestroy: true },
    });
    new KmsAlias(this, "state-key-alias", { name: stateKeyAlias(props.config), targetKeyId: key.keyId });

    const bucket = new S3Bucket(this, "state-bucket", {
      bucket: stateBackend.bucket,
      lifecycle: { preventDestroy: true },
    });
    new S3BucketVersioningA(this, "state-versioning", {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "state-encryption", {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "state-public-access-block", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "state-ownership", {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketPolicy(this, "state-tls-only", {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucket.arn, `${bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
      dependsOn: [publicAccessBlock],
    });
    new S3BucketLifecycleConfiguration(this, "state-lifecycle", {
      bucket: bucket.id,
      rule: [
        {
          id: "expire-noncurrent-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: NONCURRENT_STATE_RETENTION_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    this.checkPinnedAddresses();

    new TerraformOutput(this, "backend_bucket", { value: bucket.bucket, description: "S3 bucket of the main stacks' state" });
    new TerraformOutput(this, "backend_region", { value: stateBackend.region, description: "Region of the state bucket" });
    new TerraformOutput(this, "backend_kms_key_arn", { value: key.arn, description: "KMS key of the state objects" });
    new TerraformOutput(this, "backend_key_prefix", { value: stateBackend.keyPrefix, description: "Prefix of each stack's state key" });
  }
}
