import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { RegionalDomains } from "../../constructs/regional-domains";
import { exposedValue, exposeValue, regionalProvider, synthScope } from "../support/construct";
import { attributeRef, expectOnlyResource, expectResources } from "../support/terraform-json";

const ZONE = "Z0000000000EXAMPLE";
const CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const REST_API_ID = "a1b2c3d4e5";

describe("RegionalDomains", () => {
  const { text, json } = synthScope((scope) => {
    const domains = new RegionalDomains(scope, "domains", {
      provider: regionalProvider(scope, "eu-west-1"),
      hostedZoneId: ZONE,
      apiDomainName: "api.example.com",
      regionalDomainName: "ireland.example.com",
      certificateArn: CERTIFICATE_ARN,
      restApiId: REST_API_ID,
      stageName: "prod",
      createAfter: { fqn: "aws_api_gateway_domain_name.previous_region" },
    });
    exposeValue(scope, "api_target", domains.apiTarget);
    exposeValue(scope, "last_domain", domains.lastDomain.fqn);
    exposeValue(scope, "regional_domain_name", domains.regionalDomainName);
  });
  const domains = expectResources(json, ApiGatewayDomainName, 2);
  const domainNamed = (name: string) => {
    const found = domains.filter((domain) => domain.domain_name === name);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const domainRef = (name: string, attribute: string) => attributeRef(json, ApiGatewayDomainName, domainNamed(name), attribute);

  test("serves api.example.com and ireland.example.com, REGIONAL, TLS 1.2 only, with the given certificate", () => {
    expect(domains.map((domain) => domain.domain_name)).toEqual(["api.example.com", "ireland.example.com"]);
    for (const domain of domains) {
      expect(domain).toEqual({
        depends_on: domain.depends_on,
        provider: "aws.eu-west-1",
        domain_name: domain.domain_name,
        regional_certificate_arn: CERTIFICATE_ARN,
        endpoint_configuration: { types: ["REGIONAL"] },
        security_policy: "TLS_1_2",
      });
    }
  });

  test("creates its domains one after the other, after createAfter (API Gateway takes one CreateDomainName per 30 s per account)", () => {
    expect(domainNamed("api.example.com").depends_on).toEqual(["aws_api_gateway_domain_name.previous_region"]);
    expect(domainNamed("ireland.example.com").depends_on).toEqual([
      `aws_api_gateway_domain_name.${Object.keys(json.resource.aws_api_gateway_domain_name).find((name) => json.resource.aws_api_gateway_domain_name[name].domain_name === "api.example.com")}`,
    ]);
    // The next region's first domain waits for this region's last one.
    expect(exposedValue(json, "last_domain")).toBe(
      `\${aws_api_gateway_domain_name.${Object.keys(json.resource.aws_api_gateway_domain_name).find((name) => json.resource.aws_api_gateway_domain_name[name].domain_name === "ireland.example.com")}}`,
    );
  });

  test("maps / of each domain to the given API and stage", () => {
    const mappings = expectResources(json, ApiGatewayBasePathMapping, 2);
    expect(mappings.map((mapping) => mapping.domain_name)).toEqual([
      domainRef("api.example.com", "domain_name"),
      domainRef("ireland.example.com", "domain_name"),
    ]);
    for (const mapping of mappings) {
      expect(mapping).toMatchObject({ provider: "aws.eu-west-1", api_id: REST_API_ID, stage_name: "prod" });
      expect(mapping.base_path).toBeUndefined();
    }
  });

  test("ireland.example.com is an alias A record to its own regional endpoint, which the health check probes", () => {
    expect(expectOnlyResource(json, Route53Record).ttl).toBeUndefined();
    expect(text).toHaveResourceWithProperties(Route53Record, {
      provider: "aws.eu-west-1",
      zone_id: ZONE,
      name: domainRef("ireland.example.com", "domain_name"),
      type: "A",
      alias: {
        name: domainRef("ireland.example.com", "regional_domain_name"),
        zone_id: domainRef("ireland.example.com", "regional_zone_id"),
        evaluate_target_health: false,
      },
    });
  });

  test("apiTarget is api.example.com's regional endpoint, for the failover records", () => {
    expect(exposedValue(json, "api_target")).toEqual({
      name: domainRef("api.example.com", "regional_domain_name"),
      zoneId: domainRef("api.example.com", "regional_zone_id"),
    });
  });

  test("regionalDomainName is the regional domain's name, known once that domain exists", () => {
    expect(exposedValue(json, "regional_domain_name")).toBe(domainRef("ireland.example.com", "domain_name"));
  });
});
