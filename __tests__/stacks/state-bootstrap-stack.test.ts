import { DEFAULTS } from "../../config/schema";
import { REPLICATION_ACTIONS } from "../../stacks/state-bootstrap-stack";
import { onlyResource, resourcesOf, synthStacks } from "../support/synth";

describe("state bootstrap stack", () => {
  const { stateBootstrap: stack } = synthStacks();

  test("keeps its own state in a local file outside the synth output", () => {
    expect(stack.terraform.backend).toEqual({ local: { path: "../../../terraform.tickets-state.tfstate" } });
  });

  test("asks for the Terraform version its moved blocks need (Terraform checks it, not the synth)", () => {
    expect(stack.terraform.required_version).toBe(">= 1.5.0");
    expect(stack.moved?.length).toBeGreaterThan(0);
  });

  test("uses one provider in the state region, with the default tags", () => {
    expect(stack.provider.aws).toEqual([
      { region: "eu-west-1", default_tags: [{ tags: { Project: "wild-rydes-tickets", ManagedBy: "cdktf" } }] },
    ]);
  });

  test("creates the configured bucket and refuses to destroy it", () => {
    const bucket = onlyResource(stack, "aws_s3_bucket");
    expect(bucket.bucket).toBe("wild-rydes-tickets-tfstate");
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("versions every state write", () => {
    expect(onlyResource(stack, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
  });

  test("encrypts by default with its own rotating KMS key, aliased for the backend's kms_key_id", () => {
    expect(onlyResource(stack, "aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.state_key.arn}" },
        bucket_key_enabled: true,
      },
    ]);
    expect(onlyResource(stack, "aws_kms_key")).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    expect(onlyResource(stack, "aws_kms_alias")).toMatchObject({
      name: "alias/wild-rydes-tickets-tfstate",
      target_key_id: "${aws_kms_key.state_key.key_id}",
    });
  });

  test("pins the stateful resources' names, with moved blocks from the generated ones", () => {
    expect(Object.keys(stack.resource.aws_s3_bucket)).toEqual(["state_bucket"]);
    expect(stack.moved).toEqual(
      expect.arrayContaining([{ from: "aws_s3_bucket.state-bucket", to: "aws_s3_bucket.state_bucket" }]),
    );
  });

  test("blocks every kind of public access", () => {
    expect(onlyResource(stack, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("disables ACLs: the bucket owner owns every object", () => {
    expect(onlyResource(stack, "aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  });

  test("denies every request that does not use TLS", () => {
    const policy = JSON.parse(onlyResource(stack, "aws_s3_bucket_policy").policy);
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["${aws_s3_bucket.state_bucket.arn}", "${aws_s3_bucket.state_bucket.arn}/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  test("expires superseded state versions and stale uploads", () => {
    expect(onlyResource(stack, "aws_s3_bucket_lifecycle_configuration").rule).toEqual([
      {
        id: "expire-noncurrent-state-versions",
        status: "Enabled",
        filter: [{ prefix: "" }],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
    ]);
  });

  test("outputs the backend settings of the main stacks", () => {
    expect(stack.output).toEqual({
      backend_bucket: { value: "${aws_s3_bucket.state_bucket.bucket}", description: "S3 bucket of the main stacks' state" },
      backend_region: { value: "eu-west-1", description: "Region of the state bucket" },
      backend_key_prefix: { value: "wild-rydes-tickets", description: "Prefix of each stack's state key" },
      backend_kms_key_arn: { value: "${aws_kms_key.state_key.arn}", description: "KMS key of the state objects" },
    });
  });

  test("follows the configured state settings", () => {
    const { stateBootstrap } = synthStacks({ stateBackend: { bucket: "acme-state", keyPrefix: "t", region: "us-east-2" } });
    expect(onlyResource(stateBootstrap, "aws_s3_bucket").bucket).toBe("acme-state");
    expect(stateBootstrap.provider.aws[0].region).toBe("us-east-2");
  });
});

describe("state bootstrap stack with a replica (stateBackend.replica)", () => {
  const replica = { region: "ap-southeast-1", bucket: "wild-rydes-tickets-tfstate-ap-southeast-1" };
  const { stateBootstrap: stack } = synthStacks({ stateBackend: { ...DEFAULTS.stateBackend, replica } });
  const byName = (type: string) => resourcesOf(stack, type);

  test("without one, the stack has no replica, no second provider and no replication", () => {
    const { stateBootstrap } = synthStacks();
    expect(stateBootstrap.provider.aws).toHaveLength(1);
    for (const type of ["aws_s3_bucket_replication_configuration", "aws_iam_role", "aws_iam_role_policy"]) {
      expect(stateBootstrap.resource[type]).toBeUndefined();
    }
    expect(Object.keys(stateBootstrap.output)).not.toContain("backend_replica_bucket");
  });

  test("adds a provider in the replica's region, with the same default tags", () => {
    expect(stack.provider.aws).toEqual([
      expect.objectContaining({ region: "eu-west-1" }),
      {
        alias: "replica",
        region: "ap-southeast-1",
        default_tags: [{ tags: { Project: "wild-rydes-tickets", ManagedBy: "cdktf" } }],
      },
    ]);
  });

  test("the replica bucket gets every control of the state bucket, in its own region, under its own key", () => {
    const types = [
      "aws_s3_bucket",
      "aws_kms_key",
      "aws_kms_alias",
      "aws_s3_bucket_versioning",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_ownership_controls",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_lifecycle_configuration",
    ];
    for (const type of types) {
      const blocks = Object.values(byName(type));
      expect({ type, count: blocks.length }).toEqual({ type, count: 2 });
      const primary = blocks.find((block) => block.provider === undefined);
      const copy = blocks.find((block) => block.provider === "aws.replica");
      // Same settings, other references: compare with the replica's names put back.
      const { provider: _, ...settings } = copy!;
      expect(
        JSON.parse(
          JSON.stringify(settings)
            .replaceAll("replica_", "state_")
            .replaceAll("replica-", "state-")
            .replaceAll(`-${replica.region}`, ""),
        ),
      ).toEqual(primary);
    }
    expect(byName("aws_s3_bucket").replica_bucket).toMatchObject({
      bucket: replica.bucket,
      lifecycle: { prevent_destroy: true },
    });
    // The backend's kms_key_id (the alias) names the replica's key in the replica's region.
    expect(byName("aws_kms_alias")["replica_key_alias"]).toMatchObject({
      name: "alias/wild-rydes-tickets-tfstate",
      target_key_id: "${aws_kms_key.replica_key.key_id}",
    });
  });

  test("pins the replica's stateful names too", () => {
    expect(Object.keys(byName("aws_s3_bucket")).sort()).toEqual(["replica_bucket", "state_bucket"]);
    expect(Object.keys(byName("aws_kms_key")).sort()).toEqual(["replica_key", "state_key"]);
    expect(Object.keys(byName("aws_s3_bucket_versioning")).sort()).toEqual(["replica_versioning", "state_versioning"]);
  });

  test("replicates every object and deletion, KMS-encrypted ones included, re-encrypted under the replica's key", () => {
    const replication = onlyResource(stack, "aws_s3_bucket_replication_configuration");
    expect(replication.provider).toBeUndefined();
    expect(replication.bucket).toBe("${aws_s3_bucket.state_bucket.id}");
    expect(replication.role).toBe("${aws_iam_role.replication_role.arn}");
    expect(replication.rule).toEqual([
      {
        id: "state-to-ap-southeast-1",
        status: "Enabled",
        filter: { prefix: "" },
        delete_marker_replication: { status: "Enabled" },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
        destination: {
          bucket: "${aws_s3_bucket.replica_bucket.arn}",
          encryption_configuration: { replica_kms_key_id: "${aws_kms_key.replica_key.arn}" },
        },
      },
    ]);
    // S3 refuses replication before both buckets are versioned.
    expect(replication.depends_on).toEqual(
      expect.arrayContaining(["aws_s3_bucket_versioning.state_versioning", "aws_s3_bucket_versioning.replica_versioning"]),
    );
  });

  test("replicates through a role S3 alone assumes, that reads only the source and writes only the replica", () => {
    const role = onlyResource(stack, "aws_iam_role");
    expect(role.name).toBe("tickets-state-replication");
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const policy = JSON.parse(onlyResource(stack, "aws_iam_role_policy").policy);
    expect(policy.Statement).toEqual([
      { Effect: "Allow", Action: [...REPLICATION_ACTIONS.sourceBucket], Resource: "${aws_s3_bucket.state_bucket.arn}" },
      { Effect: "Allow", Action: [...REPLICATION_ACTIONS.sourceObjects], Resource: "${aws_s3_bucket.state_bucket.arn}/*" },
      { Effect: "Allow", Action: [...REPLICATION_ACTIONS.destinationObjects], Resource: "${aws_s3_bucket.replica_bucket.arn}/*" },
      {
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: "${aws_kms_key.state_key.arn}",
        Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
      },
      {
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: "${aws_kms_key.replica_key.arn}",
        Condition: { StringEquals: { "kms:ViaService": "s3.ap-southeast-1.amazonaws.com" } },
      },
    ]);
  });

  test("outputs where the replica is, for the recovery steps", () => {
    expect(stack.output.backend_replica_bucket).toEqual({
      value: "${aws_s3_bucket.replica_bucket.bucket}",
      description: "Replica of the state bucket",
    });
    expect(stack.output.backend_replica_region).toEqual({ value: "ap-southeast-1", description: "Region of the replica" });
  });
});
