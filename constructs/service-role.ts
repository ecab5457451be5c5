import type { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

/**
 * A trust policy that lets only the AWS service `service` (e.g. `lambda.amazonaws.com`)
 * assume a role, as a data source `id` in `scope`; returns its JSON.
 */
export function assumeRolePolicy(scope: Construct, provider: AwsProvider, service: string, id = "trust"): string {
  return new DataAwsIamPolicyDocument(scope, id, {
    provider,
    statement: [
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [service] }],
      },
    ],
  }).json;
}
