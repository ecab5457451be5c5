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
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import type { TicketsConfig } from "../config/schema";
import { stateKeyAlias } from "../config/state-backend";
import { MOVED_BLOCKS_TERRAFORM, StableAddressStack, STATE_REPLICA_ADDRESSES, STATE_STACK_ADDRESSES } from "./stable-addresses";

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
    if (props.config.stateBackend.replica !== undefined) this.pinAddresses(STATE_REPLICA_ADDRESSES);
    const { stateBackend, tags } = props.config;

    new LocalBackend(this, { path: props.localStatePath });
    this.addOverride("terraform.required_version", MOVED_BLOCKS_TERRAFORM);
    new AwsProvider(this, "aws", { region: stateBackend.region, defaultTags: [{ tags: { ...tags } }] });

    // A key of our own rather than aws/s3: its policy is ours to scope, it rotates, and the
    // backend can name it for the state and lock objects.
    const key = stateKey(this, "state", { alias: stateKeyAlias(props.config), bucket: stateBackend.bucket });
    const bucket = new S3Bucket(this, "state-bucket", {
      bucket: stateBackend.bucket,
      lifecycle: { preventDestroy: true },
    });
    const versioning = secureStateBucket(this, "state", { bucket, key });

    const replica = stateBackend.replica;
    if (replica !== undefined) {
      const provider = new AwsProvider(this, "aws-replica", {
        alias: "replica",
        region: replica.region,
        defaultTags: [{ tags: { ...tags } }],
      });
      // The same alias name in the replica's region: the backend's `kms_key_id` finds it there too.
      const replicaKey = stateKey(this, "replica", { alias: stateKeyAlias(props.config), bucket: replica.bucket, provider });
      const replicaBucket = new S3Bucket(this, "replica-bucket", {
        provider,
        bucket: replica.bucket,
        lifecycle: { preventDestroy: true },
      });
      const replicaVersioning = secureStateBucket(this, "replica", { bucket: replicaBucket, key: replicaKey, provider });
      replicate(this, {
        namePrefix: props.config.namePrefix,
        source: { bucket, key, region: stateBackend.region, versioning },
        destination: { bucket: replicaBucket, key: replicaKey, region: replica.region, versioning: replicaVersioning },
      });
      new TerraformOutput(this, "backend_replica_bucket", {
        value: replicaBucket.bucket,
        description: "Replica of the state bucket",
      });
      new TerraformOutput(this, "backend_replica_region", { value: replica.region, description: "Region of the replica" });
    }

    this.checkPinnedAddresses();

    new TerraformOutput(this, "backend_bucket", { value: bucket.bucket, description: "S3 bucket of the main stacks' state" });
    new TerraformOutput(this, "backend_region", { value: stateBackend.region, description: "Region of the state bucket" });
    new TerraformOutput(this, "backend_kms_key_arn", { value: key.arn, description: "KMS key of the state objects" });
    new TerraformOutput(this, "backend_key_prefix", {
      value: stateBackend.keyPrefix,
      description: "Prefix of each stack's state key",
    });
  }
}

interface StateKeyProps {
  readonly alias: string;
  readonly bucket: string;
  readonly provider?: AwsProvider;
}

/** A rotating KMS key for the objects of one state bucket, and its alias. */
function stateKey(scope: Construct, prefix: "state" | "replica", { alias, bucket, provider }: StateKeyProps): KmsKey {
  const key = new KmsKey(scope, `${prefix}-key`, {
    provider,
    description: `Terraform state in s3://${bucket}`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    lifecycle: { preventDestroy: true },
  });
  new KmsAlias(scope, `${prefix}-key-alias`, { provider, name: alias, targetKeyId: key.keyId });
  return key;
}

interface StateBucketProps {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  readonly provider?: AwsProvider;
}

/**
 * The controls of a state bucket: versioning, SSE-KMS under its key with a bucket key, all
 * public access blocked, ACLs off, TLS only, noncurrent versions expiring. Returns the
 * versioning, which replication needs first.
 */
function secureStateBucket(
  scope: Construct,
  prefix: "state" | "replica",
  { bucket, key, provider }: StateBucketProps,
): S3BucketVersioningA {
  const versioning = new S3BucketVersioningA(scope, `${prefix}-versioning`, {
    provider,
    bucket: bucket.id,
    versioningConfiguration: { status: "Enabled" },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, `${prefix}-encryption`, {
    provider,
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
  });
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, `${prefix}-public-access-block`, {
    provider,
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, `${prefix}-ownership`, {
    provider,
    bucket: bucket.id,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  new S3BucketPolicy(scope, `${prefix}-tls-only`, {
    provider,
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
  new S3BucketLifecycleConfiguration(scope, `${prefix}-lifecycle`, {
    provider,
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
  return versioning;
}

interface ReplicationSide {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  readonly region: string;
  readonly versioning: S3BucketVersioningA;
}

/** The IAM actions S3 replication needs, by side (Amazon S3 User Guide, "Replicating encrypted objects"). */
export const REPLICATION_ACTIONS = {
  sourceBucket: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
  sourceObjects: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
  destinationObjects: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
  sourceKey: ["kms:Decrypt"],
  destinationKey: ["kms:Encrypt", "kms:GenerateDataKey"],
} as const;

/**
 * Replicates every object of the source bucket, deletions included, to the destination,
 * re-encrypted under the destination's key; through a role that may read only the source and
 * write only the destination, and use each key only through S3 in its own region.
 */
function replicate(scope: Construct, props: { namePrefix: string; source: ReplicationSide; destination: ReplicationSide }): void {
  const { source, destination } = props;
  const role = new IamRole(scope, "replication-role", {
    name: `${props.namePrefix}-state-replication`,
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
  });
  const viaS3 = (region: string) => ({ StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } });
  const policy = new IamRolePolicy(scope, "replication-policy", {
    role: role.name,
    name: "replicate-state",
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: REPLICATION_ACTIONS.sourceBucket, Resource: source.bucket.arn },
        { Effect: "Allow", Action: REPLICATION_ACTIONS.sourceObjects, Resource: `${source.bucket.arn}/*` },
        { Effect: "Allow", Action: REPLICATION_ACTIONS.destinationObjects, Resource: `${destination.bucket.arn}/*` },
        { Effect: "Allow", Action: REPLICATION_ACTIONS.sourceKey, Resource: source.key.arn, Condition: viaS3(source.region) },
        {
          Effect: "Allow",
          Action: REPLICATION_ACTIONS.destinationKey,
          Resource: destination.key.arn,
          Condition: viaS3(destination.region),
        },
      ],
    }),
  });
  new S3BucketReplicationConfigurationA(scope, "replication", {
    bucket: source.bucket.id,
    role: role.arn,
    rule: [
      {
        id: `state-to-${destination.region}`,
        status: "Enabled",
        filter: { prefix: "" },
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: { bucket: destination.bucket.arn, encryptionConfiguration: { replicaKmsKeyId: destination.key.arn } },
      },
    ],
    // S3 refuses replication until both buckets are versioned; the role must be able to act.
    dependsOn: [source.versioning, destination.versioning, policy],
  });
}
