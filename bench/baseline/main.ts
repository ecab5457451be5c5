/**
 * The benchmark's baseline: what `cdktf init --template=typescript` sets up (this main.ts
 * shape, its tsconfig.json, `npx ts-node main.ts` as the app, the barrel import of the
 * prebuilt provider) with only the ticket table as a global table and its two providers.
 * `npm run bench` times it beside the full system's `npm run synth`. Not part of the project's
 * type check, lint or tests.
 */
import { Construct } from "constructs";
import { App, TerraformStack } from "cdktf";
import { dynamodbTable, provider } from "@cdktf/provider-aws";

class GlobalTableStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const primary = new provider.AwsProvider(this, "aws-eu-west-1", { region: "eu-west-1", alias: "eu-west-1" });
    new provider.AwsProvider(this, "aws-ap-southeast-1", { region: "ap-southeast-1", alias: "ap-southeast-1" });

    new dynamodbTable.DynamodbTable(this, "tickets", {
      provider: primary,
      name: "SXRTickets",
      hashKey: "id",
      attribute: [{ name: "id", type: "S" }],
      billingMode: "PAY_PER_REQUEST",
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
      replica: [{ regionName: "ap-southeast-1", pointInTimeRecovery: true }],
    });
  }
}

const app = new App();
new GlobalTableStack(app, "baseline");
app.synth();
