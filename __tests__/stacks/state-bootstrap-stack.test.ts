import { onlyResource, synthStacks } from "../support/synth";

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
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.state_key.arn}" }, bucket_key_enabled: true },
    ]);
    expect(onlyResource(stack, "aws_kms_key")).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    expect(onlyResource(stack, "aws_kms_alias")).toMatchObject({ name: "alias/wild-rydes-tickets-tfstate", target_key_id: "${aws_kms_key.state_key.key_id}" });
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
