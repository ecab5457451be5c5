import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RegionalProviders } from "../../constructs/regional-providers";
import { synthScope } from "../support/construct";
import { expectDataSources } from "../support/terraform-json";

const TAGS = { Project: "wild-rydes-tickets", ManagedBy: "cdktf" };

/** RegionalProviders for eu-west-1 and ap-southeast-1 alone; `use` may ask it for providers. */
function synthProviders(use: (providers: RegionalProviders) => void = () => {}) {
  return synthScope((scope) => {
    use(new RegionalProviders(scope, "providers", { regions: ["eu-west-1", "ap-southeast-1"], tags: TAGS }));
  });
}

/** Every aws provider block, after asserting how many there are. */
function providerBlocks(json: Record<string, any>, count: number): Record<string, any>[] {
  const blocks = (json.provider?.aws ?? []) as Record<string, any>[];
  expect(blocks).toHaveLength(count);
  return blocks;
}

describe("RegionalProviders", () => {
  test("gives every region a provider aliased by its region code, in the given order", () => {
    const { json } = synthProviders();
    expect(providerBlocks(json, 2).map((p) => [p.alias, p.region])).toEqual([
      ["eu-west-1", "eu-west-1"],
      ["ap-southeast-1", "ap-southeast-1"],
    ]);
  });

  test("tags every resource of every provider", () => {
    const { text, json } = synthProviders();
    for (const provider of providerBlocks(json, 2)) {
      expect(provider.default_tags).toEqual([{ tags: TAGS }]);
    }
    expect(text).toHaveProviderWithProperties(AwsProvider, { alias: "ap-southeast-1", default_tags: [{ tags: TAGS }] });
  });

  test("guards every alias: the plan fails when the provider behind aws.<region> is set to another region", () => {
    const { text, json } = synthProviders((providers) => providers.forRegion("us-east-1"));
    const guards = expectDataSources(json, DataAwsRegion, 3);
    expect(guards.map((guard) => guard.provider).sort()).toEqual(["aws.ap-southeast-1", "aws.eu-west-1", "aws.us-east-1"]);
    for (const region of ["eu-west-1", "ap-southeast-1", "us-east-1"]) {
      expect(text).toHaveDataSourceWithProperties(DataAwsRegion, {
        provider: `aws.${region}`,
        lifecycle: {
          postcondition: [
            {
              condition: `\${self.name == "${region}"}`,
              error_message: `The provider passed as aws.${region} is configured for region \${self.name}; it must be ${region}.`,
            },
          ],
        },
      });
    }
  });

  test("forRegion of a given region returns its provider instead of adding one", () => {
    const seen: AwsProvider[] = [];
    const { json } = synthProviders((providers) => seen.push(providers.forRegion("eu-west-1"), providers.forRegion("eu-west-1")));
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]!.region).toBe("eu-west-1");
    providerBlocks(json, 2);
  });

  test("forRegion of another region adds its provider once, tagged like the others", () => {
    const seen: AwsProvider[] = [];
    const { json } = synthProviders((providers) => seen.push(providers.forRegion("us-east-1"), providers.forRegion("us-east-1")));
    expect(seen[0]).toBe(seen[1]);
    expect(providerBlocks(json, 3)[2]).toEqual({ alias: "us-east-1", region: "us-east-1", default_tags: [{ tags: TAGS }] });
  });
});
