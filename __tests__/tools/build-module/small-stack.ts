/**
 * A small synthesized stack in the shape cdktf writes (`cdk.tf.json`): two regions plus
 * us-east-1, a guard per alias, a conditional resource, a moved block, two inputs and an
 * output, small enough that a test can say exactly what the module README must show.
 */
export function smallStack(): Record<string, any> {
  /** cdktf's comment on each resource: its construct path, from which the module's file is chosen. */
  const at = (path: string) => ({ "//": { metadata: { path: `tickets/${path}`, uniqueId: path.replaceAll("/", "_") } } });
  const guard = (region: string) => ({
    ...at(`providers/${region}-guard`),
    provider: `aws.${region}`,
    lifecycle: {
      postcondition: [
        { condition: `\${self.name == "${region}"}`, error_message: `The provider passed as aws.${region} is wrong.` },
      ],
    },
  });
  return {
    "//": { metadata: { stackName: "tickets" } },
    terraform: {
      required_version: ">= 1.10.0",
      backend: { s3: { bucket: "state", key: "tickets.tfstate", region: "eu-west-1" } },
      required_providers: { aws: { source: "aws", version: "5.100.0" } },
    },
    provider: {
      aws: [
        { alias: "eu-west-1", region: "eu-west-1" },
        { alias: "ap-southeast-1", region: "ap-southeast-1" },
        { alias: "us-east-1", region: "us-east-1" },
      ],
    },
    variable: {
      table_name: {
        type: "string",
        default: "SXRTickets",
        description: "Name of the table",
        validation: [
          {
            condition: '${can(regex("^[A-Za-z0-9_.-]{3,255}$", var.table_name))}',
            error_message: "table_name must match ^[A-Za-z0-9_.-]{3,255}$.",
          },
        ],
      },
      domain_name: { type: "string", description: "Apex domain; the API is api.<domain_name>" },
      alarm_email: { type: "string", default: null, nullable: true, description: "E-mail | pager address" },
    },
    data: {
      aws_region: {
        "eu-guard": guard("eu-west-1"),
        "ap-guard": guard("ap-southeast-1"),
        "us-guard": guard("us-east-1"),
      },
    },
    resource: {
      aws_dynamodb_table: {
        tickets_table: { ...at("global-table/table"), provider: "aws.eu-west-1", name: "${var.table_name}" },
      },
      aws_lambda_function: {
        "get-eu": { ...at("api-eu-west-1/get/function"), provider: "aws.eu-west-1", filename: "assets/get/get.zip" },
        "get-ap": { ...at("api-ap-southeast-1/get/function"), provider: "aws.ap-southeast-1", filename: "assets/get/get.zip" },
      },
      aws_sns_topic: { alarm_topic: { ...at("health-alarms/topic"), provider: "aws.us-east-1", name: "alarms" } },
      aws_sns_topic_subscription: {
        email: { ...at("health-alarms/email"), provider: "aws.us-east-1", count: "${var.alarm_email == null ? 0 : 1}" },
      },
    },
    moved: [{ from: "aws_dynamodb_table.global-table_0446FA45", to: "aws_dynamodb_table.tickets_table" }],
    output: {
      api_url: { value: "https://api.${var.domain_name}/", description: "The API <clients> use" },
      table_name: { value: "${aws_dynamodb_table.tickets_table.name}", description: "Table name" },
    },
  };
}

export const SMALL_RELEASE = { name: "wild-rydes-multiregion-tickets", version: "1.4.2" };

export const SMALL_BUILD = {
  regions: [
    { name: "eu-west-1", label: "ireland" },
    { name: "ap-southeast-1", label: "singapore" },
  ],
};
