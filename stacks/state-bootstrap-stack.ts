import { Construct } from "constructs";
import { Fn, LocalBackend, TerraformOutput } from "cdktf";
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
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import type { TicketsConfig } from "../config/schema";
import { stateKeyAlias } from "../config/state-backend";
import { MOVED_BLOCKS_TERRAFORM, StableAddressStack } from "./stable-addresses";
import { pinTerraformName } from "../constructs/terraform-address";

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
    const { stateBackend, tags } = props.config;

    new LocalBackend(this, { path: props.localStatePath });
    this.addOverride("terraform.required_version", MOVED_BLOCKS_TERRAFORM);
    new AwsProvider(this, "aws", { region: stateBackend.region, defaultTags: [{ tags: { ...tags } }] });

    // The key's alias is what the backend's `kms_key_id` names; the replica's key has the same
    // alias in its own region, so the backend finds a key there too.
    const alias = stateKeyAlias(props.config);
    const primary = stateBucket(this, "state", { name: stateBackend.bucket, region: stateBackend.region, alias });

    const replica = stateBackend.replica;
    if (replica !== undefined) {
      const provider = new AwsProvider(this, "aws-replica", {
        alias: "replica",
        region: replica.region,
        defaultTags: [{ tags: { ...tags } }],
      });
      const copy = stateBucket(this, "replica", { name: replica.bucket, region: replica.region, alias, provider });
      replicate(this, { namePrefix: props.config.namePrefix, source: primary, destination: copy });
      new TerraformOutput(this, "backend_replica_bucket", {
        value: copy.bucket.bucket,
        description: "Replica of the state bucket",
      });
      new TerraformOutput(this, "backend_replica_region", { value: replica.region, description: "Region of the replica" });
    }

    this.addMovedBlocks();

    new TerraformOutput(this, "backend_bucket", {
      value: primary.bucket.bucket,
      description: "S3 bucket of the main stacks' state",
    });
    new TerraformOutput(this, "backend_region", { value: stateBackend.region, description: "Region of the state bucket" });
    new TerraformOutput(this, "backend_kms_key_arn", { value: primary.key.arn, description: "KMS key of the state objects" });
    new TerraformOutput(this, "backend_key_prefix", {
      value: stateBackend.keyPrefix,
      description: "Prefix of each stack's state key",
    });
  }
}

interface StateBucketProps {
  /** The bucket's name. */
  readonly name: string;
  readonly region: string;
  /** Alias of the bucket's KMS key. */
  readonly alias: string;
  readonly provider?: AwsProvider;
}

/** A state bucket with its key and controls, as replication sees it. */
interface StateBucket {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  readonly region: string;
  /** Replication needs it in place first. */
  readonly versioning: S3BucketVersioningA;
}

/** What a state key does for the state: only S3 asks for it (SSE-KMS, replication). */
export const STATE_KEY_CRYPTO_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:CreateGrant",
];

/**
 * The state key's own policy, in place of AWS's default (which lets any principal of the
 * account whose IAM policy allows KMS use the key directly): the account administers the key,
 * but its cryptographic use (and grants, which could hand that use on) goes only through S3 in
 * the key's own region. The state can be read only as S3 objects, under the bucket's policy.
 */
function stateKeyPolicy(
  scope: Construct,
  prefix: string,
  key: KmsKey,
  { region, provider }: { region: string; provider?: AwsProvider },
) {
  // The account id, read from the key's own ARN: no AWS call at plan time.
  const account = [`arn:aws:iam::${Fn.element(Fn.split(":", key.arn), 4)}:root`];
  const document = new DataAwsIamPolicyDocument(scope, `${prefix}-key-policy-document`, {
    provider,
    statement: [
      {
        sid: "AccountAdministers",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: account }],
        notActions: STATE_KEY_CRYPTO_ACTIONS,
        resources: ["*"],
      },
      {
        sid: "StateThroughS3Only",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: account }],
        actions: STATE_KEY_CRYPTO_ACTIONS,
        resources: ["*"],
        condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`s3.${region}.amazonaws.com`] }],
      },
    ],
  });
  new KmsKeyPolicy(scope, `${prefix}-key-policy`, { provider, keyId: key.id, policy: document.json });
}

/**
 * A state bucket that refuses to be destroyed, under a rotating KMS key of its own (rather than
 * aws/s3: its policy is ours to scope, and the backend can name it for the state and lock
 * objects), with its controls: versioning, SSE-KMS with a bucket key, all public access
 * blocked, ACLs off, TLS only, noncurrent versions expiring.
 */
function stateBucket(
  scope: Construct,
  prefix: "state" | "replica",
  { name, region, alias, provider }: StateBucketProps,
): StateBucket {
  const key = new KmsKey(scope, `${prefix}-key`, {
    provider,
    description: `Terraform state in s3://${name}`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    lifecycle: { preventDestroy: true },
  });
  pinTerraformName(key, `${prefix}_key`);
  stateKeyPolicy(scope, prefix, key, { region, provider });
  new KmsAlias(scope, `${prefix}-key-alias`, { provider, name: alias, targetKeyId: key.keyId });
  const bucket = new S3Bucket(scope, `${prefix}-bucket`, { provider, bucket: name, lifecycle: { preventDestroy: true } });
  pinTerraformName(bucket, `${prefix}_bucket`);
  const versioning = new S3BucketVersioningA(scope, `${prefix}-versioning`, {
    provider,
    bucket: bucket.id,
    versioningConfiguration: { status: "Enabled" },
  });
  pinTerraformName(versioning, `${prefix}_versioning`);
  new S3BucketServerSideEncryptionConfigurationA(scope, `${prefix}-encryption`, {
    provider,
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
  });
  bucketAccessControls(scope, prefix, bucket, provider);
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
  return { bucket, key, region, versioning };
}

/** All public access blocked, ACLs off (the bucket owns every object), TLS only. */
function bucketAccessControls(scope: Construct, prefix: string, bucket: S3Bucket, provider: AwsProvider | undefined): void {
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
function replicate(scope: Construct, props: { namePrefix: string; source: StateBucket; destination: StateBucket }): void {
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
