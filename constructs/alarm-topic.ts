import type { Construct } from "constructs";
import { Fn, Op, Token } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { pinTerraformName } from "./terraform-address";

export interface AlarmTopicProps {
  /** Provider of the alarms' region: CloudWatch notifies only topics in its own region. */
  readonly provider: AwsProvider;
  /** The topic's name, unique in its region. */
  readonly topicName: string;
  /** What the key encrypts, for its description. */
  readonly purpose: string;
  /**
   * Address subscribed to the topic.
   * @default - no subscription
   */
  readonly email?: string;
  /**
   * The Terraform names of the key and the topic, pinned (see `pinTerraformName`): a replaced
   * key strands what it encrypted, a replaced topic loses its confirmed subscriptions.
   */
  readonly terraformNames: { readonly key: string; readonly topic: string };
}

export interface AlarmTopic {
  /** The topic the alarms publish to. */
  readonly topicArn: string;
  /** The key policy: alarms publish only once it lets CloudWatch use the key. */
  readonly keyPolicy: KmsKeyPolicy;
}

/**
 * An SNS topic for CloudWatch alarms, encrypted with its own KMS key (CloudWatch can't publish
 * to a topic under the AWS-managed SNS key), with an optional e-mail subscription. Its
 * resources are created in `scope` itself (`topic-key`, `topic-key-policy-document`,
 * `topic-key-policy`, `topic`, `email`), so each owner keeps its resources' addresses.
 */
export function alarmTopic(scope: Construct, props: AlarmTopicProps): AlarmTopic {
  const { provider } = props;
  const key = new KmsKey(scope, "topic-key", {
    provider,
    description: props.purpose,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
  });
  pinTerraformName(key, props.terraformNames.key);
  // The account id, read from the key's own ARN: no AWS call at plan time.
  const accountId = Fn.element(Fn.split(":", key.arn), 4);
  const document = new DataAwsIamPolicyDocument(scope, "topic-key-policy-document", {
    provider,
    statement: [
      {
        sid: "AccountAdministers",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${accountId}:root`] }],
        actions: ["kms:*"],
        resources: ["*"],
      },
      {
        sid: "CloudWatchAlarmsPublish",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
      },
    ],
  });
  const keyPolicy = new KmsKeyPolicy(scope, "topic-key-policy", { provider, keyId: key.id, policy: document.json });

  const topic = new SnsTopic(scope, "topic", { provider, name: props.topicName, kmsMasterKeyId: key.arn });
  pinTerraformName(topic, props.terraformNames.topic);
  if (props.email !== undefined) {
    new SnsTopicSubscription(scope, "email", {
      provider,
      topicArn: topic.arn,
      protocol: "email",
      endpoint: props.email,
      // An address known only at plan time (a module input) may be null: then no subscription.
      count: Token.isUnresolved(props.email) ? Fn.conditional(Op.eq(props.email, Token.nullValue()), 0, 1) : undefined,
    });
  }
  return { topicArn: topic.arn, keyPolicy };
}
