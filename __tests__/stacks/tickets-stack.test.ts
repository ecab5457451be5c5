import { resourcesOf, synthStacks } from "../support/synth";

describe("tickets stack: providers and state", () => {
  const { tickets } = synthStacks();

  test("has one aws provider per region, aliased by region code, plus us-east-1 for Route 53 metrics", () => {
    expect(tickets.provider.aws.map((p: any) => [p.alias, p.region])).toEqual([
      ["eu-west-1", "eu-west-1"],
      ["ap-southeast-1", "ap-southeast-1"],
      ["us-east-1", "us-east-1"],
    ]);
  });

  test("tags every resource of every provider", () => {
    for (const provider of tickets.provider.aws) {
      expect(provider.default_tags).toEqual([{ tags: { Project: "wild-rydes-tickets", ManagedBy: "cdktf" } }]);
    }
  });

  test("keeps its state in the bootstrap bucket, encrypted and locked, under its own key", () => {
    expect(tickets.terraform.backend).toEqual({
      s3: {
        bucket: "wild-rydes-tickets-tfstate",
        key: "wild-rydes-tickets/tickets.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  test("pins the AWS provider the prebuilt bindings are made for", () => {
    expect(tickets.terraform.required_providers.aws).toEqual({ source: "aws", version: "5.100.0" });
  });

  test("places every resource on an explicit provider", () => {
    const aliases = new Set(tickets.provider.aws.map((p: any) => `aws.${p.alias}`));
    for (const [type, resources] of Object.entries<Record<string, any>>(tickets.resource)) {
      for (const [name, resource] of Object.entries<any>(resources)) {
        expect({ resource: `${type}.${name}`, provider: aliases.has(resource.provider) }).toEqual({ resource: `${type}.${name}`, provider: true });
      }
    }
  });

  test("reuses the region's provider when us-east-1 is itself a configured region", () => {
    const { tickets: stack } = synthStacks({
      regions: [
        { name: "us-east-1", label: "virginia" },
        { name: "eu-west-1", label: "ireland" },
      ],
    });
    expect(stack.provider.aws.map((p: any) => p.alias)).toEqual(["us-east-1", "eu-west-1"]);
    expect(Object.values(resourcesOf(stack, "aws_cloudwatch_metric_alarm")).map((a) => a.provider)).toEqual([
      "aws.us-east-1",
      "aws.us-east-1",
    ]);
  });

  test("follows the configured tags and state settings", () => {
    const { tickets: stack } = synthStacks({
      tags: { Environment: "prod" },
      stateBackend: { bucket: "acme-tf", keyPrefix: "teams/tickets", region: "us-west-2" },
    });
    expect(stack.provider.aws[0].default_tags[0].tags).toEqual({ Project: "wild-rydes-tickets", ManagedBy: "cdktf", Environment: "prod" });
    expect(stack.terraform.backend.s3).toMatchObject({ bucket: "acme-tf", key: "teams/tickets/tickets.tfstate", region: "us-west-2" });
  });
});
