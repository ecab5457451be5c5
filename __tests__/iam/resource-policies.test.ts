/**
 * Resource policies as synthesized, evaluated by a real IAM engine (iam-simulate), each case
 * allowed and denied: the alarm topics' KMS keys (CloudWatch alarms of this account may
 * encrypt, nobody else outside the account's own IAM), the state buckets (nothing without
 * TLS), the state replication role (reads only the source, writes only the replica, uses each
 * state key only through S3 in the key's own region).
 */
import threeRegions from "../fixtures/three-regions.json";
import { REPLICATION_ACTIONS } from "../../stacks/state-bootstrap-stack";
import { ACCOUNT, ADMINISTRATOR, evaluate, renderPolicyDocument } from "../support/iam-simulation";
import { policyDocument, resourcesOf, synthStacks, type TerraformJson } from "../support/synth";

const { tickets, stateBootstrap } = synthStacks(threeRegions as never);

/** Region of a block's provider (`aws.<alias>`, or the default provider), from the stack's provider list. */
function regionOf(stack: TerraformJson, block: Record<string, any>): string {
  const alias = block.provider === undefined ? undefined : /^aws\.(.+)$/.exec(block.provider)![1];
  const provider = (stack.provider.aws as { alias?: string; region: string }[]).find((p) => p.alias === alias);
  if (provider === undefined) throw new Error(`no provider ${block.provider}`);
  return provider.region;
}

/** Key and bucket references as AWS resolves them; a fake key id that names the key. */
function resolve(stack: TerraformJson, text: string): string {
  const keys = resourcesOf(stack, "aws_kms_key");
  const buckets = resourcesOf(stack, "aws_s3_bucket");
  const resolved = text
    .replace(/\$\{element\(split\(\\?":\\?", aws_kms_key\.[a-z0-9_]+\.arn\), 4\)\}/g, ACCOUNT)
    .replace(/\$\{aws_kms_key\.([a-z0-9_]+)\.arn\}/g, (_, name: string) => keyArn(stack, name, keys[name]!))
    .replace(/\$\{aws_s3_bucket\.([a-z0-9_]+)\.arn\}/g, (_, name: string) => `arn:aws:s3:::${buckets[name]!.bucket}`);
  if (resolved.includes("${")) throw new Error(`unresolved reference in ${resolved.slice(resolved.indexOf("${"), 200)}`);
  return resolved;
}

const keyArn = (stack: TerraformJson, name: string, key: Record<string, any>) =>
  `arn:aws:kms:${regionOf(stack, key)}:${ACCOUNT}:key/${name.replaceAll("_", "-")}`;

/** The key policy AWS gives a key created without one: the account's IAM decides. */
const DEFAULT_KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "Enable IAM User Permissions",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ],
};

/** A key's policy as AWS holds it: its aws_kms_key_policy, resolved; AWS's default without one. */
function keyPolicyOf(stack: TerraformJson, keyName: string): unknown {
  const entry = Object.values(resourcesOf(stack, "aws_kms_key_policy")).find((p) => p.key_id === `\${aws_kms_key.${keyName}.id}`);
  if (entry === undefined) return DEFAULT_KEY_POLICY;
  return JSON.parse(resolve(stack, JSON.stringify(renderPolicyDocument(policyDocument(stack, entry.policy).statement))));
}

const OPERATOR = `arn:aws:iam::${ACCOUNT}:role/Operator`;
const OUTSIDER = "arn:aws:iam::210987654321:role/Administrator";

describe("the alarm topics' keys: CloudWatch alarms of this account may encrypt and decrypt, nobody else", () => {
  const keyPolicies = Object.entries(resourcesOf(tickets, "aws_kms_key_policy"));
  const cases = keyPolicies.map(([name, keyPolicy]) => {
    const keyName = /^\$\{aws_kms_key\.([^.]+)\.id\}$/.exec(keyPolicy.key_id)![1]!;
    const key = resourcesOf(tickets, "aws_kms_key")[keyName]!;
    const document = policyDocument(tickets, keyPolicy.policy);
    return {
      name,
      keyName,
      arn: keyArn(tickets, keyName, key),
      policy: JSON.parse(resolve(tickets, JSON.stringify(renderPolicyDocument(document.statement)))),
    };
  });

  test("one key policy per alarm topic, and each topic is encrypted under the key whose policy is tested", () => {
    const topics = Object.values(resourcesOf(tickets, "aws_sns_topic"));
    expect(topics.length).toBeGreaterThan(1);
    expect(topics.map((topic) => topic.kms_master_key_id).sort()).toEqual(
      cases.map((c) => `\${aws_kms_key.${c.keyName}.arn}`).sort(),
    );
  });

  const service = (principal: string, action: string, arn: string, policy: unknown, sourceAccount?: string) =>
    evaluate(policy, {
      principal,
      action,
      resource: arn,
      context: sourceAccount === undefined ? {} : { "aws:SourceAccount": sourceAccount },
    });

  describe.each(cases.map((c) => [c.name, c] as const))("%s", (_name, { arn, policy }) => {
    test.each(["kms:GenerateDataKey", "kms:Decrypt"])("CloudWatch of this account: %s allowed", async (action) => {
      expect(await service("cloudwatch.amazonaws.com", action, arn, policy, ACCOUNT)).toBe("Allowed");
    });

    test.each(["kms:Encrypt", "kms:ReEncryptFrom", "kms:CreateGrant", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"])(
      "CloudWatch: %s denied",
      async (action) => {
        expect(await service("cloudwatch.amazonaws.com", action, arn, policy, ACCOUNT)).not.toBe("Allowed");
      },
    );

    test("CloudWatch on behalf of another account, or of none, is denied", async () => {
      expect(await service("cloudwatch.amazonaws.com", "kms:GenerateDataKey", arn, policy, "210987654321")).not.toBe("Allowed");
      expect(await service("cloudwatch.amazonaws.com", "kms:GenerateDataKey", arn, policy)).not.toBe("Allowed");
    });

    test.each(["events.amazonaws.com", "sns.amazonaws.com", "lambda.amazonaws.com"])(
      "another service (%s) of this account is denied",
      async (principal) => {
        expect(await service(principal, "kms:GenerateDataKey", arn, policy, ACCOUNT)).not.toBe("Allowed");
      },
    );

    test("another account, even its administrator, is denied; this account's principals only through their IAM policies", async () => {
      const ask = (principal: string, identityPolicies: unknown[]) =>
        evaluate(policy, { principal, action: "kms:Decrypt", resource: arn, identityPolicies });
      expect(await ask(OUTSIDER, [ADMINISTRATOR])).not.toBe("Allowed");
      expect(await ask(OPERATOR, [])).not.toBe("Allowed");
      expect(await ask(OPERATOR, [ADMINISTRATOR])).toBe("Allowed");
    });
  });
});

describe("the state buckets: no request without TLS succeeds", () => {
  const bucketPolicies = Object.values(resourcesOf(stateBootstrap, "aws_s3_bucket_policy")).map((bucketPolicy) => {
    const name = /^\$\{aws_s3_bucket\.([^.]+)\.id\}$/.exec(bucketPolicy.bucket)![1]!;
    return {
      bucket: `arn:aws:s3:::${resourcesOf(stateBootstrap, "aws_s3_bucket")[name]!.bucket}`,
      policy: JSON.parse(resolve(stateBootstrap, bucketPolicy.policy)),
    };
  });
  const requests = (bucket: string) => [
    ["s3:GetObject", `${bucket}/tickets/prod/terraform.tfstate`],
    ["s3:PutObject", `${bucket}/tickets/prod/terraform.tfstate`],
    ["s3:DeleteObject", `${bucket}/tickets/prod/terraform.tfstate`],
    ["s3:ListBucket", bucket],
    ["s3:PutBucketPolicy", bucket],
  ];

  test("both buckets have the policy", () => {
    expect(bucketPolicies).toHaveLength(2);
  });

  describe.each(bucketPolicies.map((b) => [b.bucket, b] as const))("%s", (_name, { bucket, policy }) => {
    test.each(requests(bucket))(
      "%s on %s: denied without TLS even to an administrator, allowed with it",
      async (action, resource) => {
        const ask = (secure: string) =>
          evaluate(policy, {
            principal: OPERATOR,
            action: action!,
            resource: resource!,
            context: { "aws:SecureTransport": secure },
            identityPolicies: [ADMINISTRATOR],
          });
        expect(await ask("false")).toBe("ExplicitlyDenied");
        expect(await ask("true")).toBe("Allowed");
      },
    );

    test("an anonymous request, even over TLS, is denied", async () => {
      expect(
        await evaluate(policy, {
          principal: "anonymous",
          action: "s3:GetObject",
          resource: `${bucket}/tickets/prod/terraform.tfstate`,
          context: { "aws:SecureTransport": "true" },
        }),
      ).not.toBe("Allowed");
    });
  });
});

describe("the state replication role: reads only the source, writes only the replica, each key only through S3 in its region", () => {
  const rolePolicy = Object.values(resourcesOf(stateBootstrap, "aws_iam_role_policy"));
  const role = Object.values(resourcesOf(stateBootstrap, "aws_iam_role"))[0]!;
  const identity = JSON.parse(resolve(stateBootstrap, rolePolicy[0]!.policy));
  const principal = `arn:aws:iam::${ACCOUNT}:role/${role.name}`;
  const buckets = resourcesOf(stateBootstrap, "aws_s3_bucket");
  const keys = resourcesOf(stateBootstrap, "aws_kms_key");
  const source = {
    bucket: `arn:aws:s3:::${buckets.state_bucket!.bucket}`,
    key: keyArn(stateBootstrap, "state_key", keys.state_key!),
    region: regionOf(stateBootstrap, keys.state_key!),
  };
  const replica = {
    bucket: `arn:aws:s3:::${buckets.replica_bucket!.bucket}`,
    key: keyArn(stateBootstrap, "replica_key", keys.replica_key!),
    region: regionOf(stateBootstrap, keys.replica_key!),
  };
  const bucketPolicyOf = (bucket: string) => {
    const entry = Object.values(resourcesOf(stateBootstrap, "aws_s3_bucket_policy")).find((p) =>
      resolve(stateBootstrap, p.policy).includes(`"${bucket}"`),
    );
    return JSON.parse(resolve(stateBootstrap, entry!.policy));
  };
  const s3 = (action: string, resource: string, bucket: string) =>
    evaluate(bucketPolicyOf(bucket), {
      principal,
      action,
      resource,
      context: { "aws:SecureTransport": "true" },
      identityPolicies: [identity],
    });
  const kms = (action: string, key: string, viaRegion?: string) =>
    evaluate(keyPolicyOf(stateBootstrap, key === source.key ? "state_key" : "replica_key"), {
      principal,
      action,
      resource: key,
      context: viaRegion === undefined ? {} : { "kms:ViaService": `s3.${viaRegion}.amazonaws.com` },
      identityPolicies: [identity],
    });

  test("one role, one policy, the source and replica in different regions", () => {
    expect(rolePolicy).toHaveLength(1);
    expect(source.region).not.toBe(replica.region);
  });

  test.each(REPLICATION_ACTIONS.sourceBucket)("%s: allowed on the source bucket, denied on the replica", async (action) => {
    expect(await s3(action, source.bucket, source.bucket)).toBe("Allowed");
    expect(await s3(action, replica.bucket, replica.bucket)).not.toBe("Allowed");
  });

  test.each(REPLICATION_ACTIONS.sourceObjects)("%s: allowed on the source's objects, denied on the replica's", async (action) => {
    expect(await s3(action, `${source.bucket}/state`, source.bucket)).toBe("Allowed");
    expect(await s3(action, `${replica.bucket}/state`, replica.bucket)).not.toBe("Allowed");
  });

  test.each(REPLICATION_ACTIONS.destinationObjects)(
    "%s: allowed on the replica's objects, denied on the source's",
    async (action) => {
      expect(await s3(action, `${replica.bucket}/state`, replica.bucket)).toBe("Allowed");
      expect(await s3(action, `${source.bucket}/state`, source.bucket)).not.toBe("Allowed");
    },
  );

  test.each(["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutBucketPolicy"])(
    "%s: denied on both buckets (replication needs none of it)",
    async (action) => {
      for (const { bucket } of [source, replica]) {
        const resource = action.includes("Bucket") ? bucket : `${bucket}/state`;
        expect(await s3(action, resource, bucket)).not.toBe("Allowed");
      }
    },
  );

  test("without TLS, even a replication write is denied", async () => {
    expect(
      await evaluate(bucketPolicyOf(replica.bucket), {
        principal,
        action: "s3:ReplicateObject",
        resource: `${replica.bucket}/state`,
        context: { "aws:SecureTransport": "false" },
        identityPolicies: [identity],
      }),
    ).toBe("ExplicitlyDenied");
  });

  test("the source key: Decrypt only through S3 in the source's region", async () => {
    expect(await kms("kms:Decrypt", source.key, source.region)).toBe("Allowed");
    expect(await kms("kms:Decrypt", source.key, replica.region)).not.toBe("Allowed");
    expect(await kms("kms:Decrypt", source.key)).not.toBe("Allowed");
    for (const action of REPLICATION_ACTIONS.destinationKey)
      expect(await kms(action, source.key, source.region)).not.toBe("Allowed");
  });

  test("the replica key: Encrypt and GenerateDataKey only through S3 in the replica's region", async () => {
    for (const action of REPLICATION_ACTIONS.destinationKey) {
      expect(await kms(action, replica.key, replica.region)).toBe("Allowed");
      expect(await kms(action, replica.key, source.region)).not.toBe("Allowed");
      expect(await kms(action, replica.key)).not.toBe("Allowed");
    }
    expect(await kms("kms:Decrypt", replica.key, replica.region)).not.toBe("Allowed");
  });

  test("the state keys: usable only through S3 in their own region, even by an administrator of the account", async () => {
    for (const [name, key] of Object.entries(keys)) {
      const keyPolicy = keyPolicyOf(stateBootstrap, name);
      expect(keyPolicy).not.toBe(DEFAULT_KEY_POLICY);
      const region = regionOf(stateBootstrap, key);
      const other = region === "eu-west-1" ? "ap-southeast-1" : "eu-west-1";
      const decrypt = (context: Record<string, string>) =>
        evaluate(keyPolicy, {
          principal: OPERATOR,
          action: "kms:Decrypt",
          resource: keyArn(stateBootstrap, name, key),
          context,
          identityPolicies: [ADMINISTRATOR],
        });
      expect({
        key: name,
        direct: await decrypt({}),
        viaS3Here: await decrypt({ "kms:ViaService": `s3.${region}.amazonaws.com` }),
        viaS3Elsewhere: await decrypt({ "kms:ViaService": `s3.${other}.amazonaws.com` }),
      }).toEqual({ key: name, direct: "ImplicitlyDenied", viaS3Here: "Allowed", viaS3Elsewhere: "ImplicitlyDenied" });
      // The account still administers it (no lockout): rotation, policy, deletion.
      for (const action of ["kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:ScheduleKeyDeletion"]) {
        expect(
          await evaluate(keyPolicy, {
            principal: OPERATOR,
            action,
            resource: keyArn(stateBootstrap, name, key),
            identityPolicies: [ADMINISTRATOR],
          }),
        ).toBe("Allowed");
      }
      expect(
        await evaluate(keyPolicy, {
          principal: OUTSIDER,
          action: "kms:Decrypt",
          resource: keyArn(stateBootstrap, name, key),
          context: { "kms:ViaService": `s3.${region}.amazonaws.com` },
          identityPolicies: [ADMINISTRATOR],
        }),
      ).not.toBe("Allowed");
    }
  });
});
