import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ApiGatewayBasePathMapping } from "@cdktf/provider-aws/lib/api-gateway-base-path-mapping";
import { ApiGatewayDomainName } from "@cdktf/provider-aws/lib/api-gateway-domain-name";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

/** Where a Route 53 alias record points: a custom domain's regional endpoint. */
export interface AliasTarget {
  /** The regional domain's own host name (`d-….execute-api.<region>.amazonaws.com`). */
  readonly name: string;
  /** The hosted zone of that host name (API Gateway's, per region). */
  readonly zoneId: string;
}

export interface RegionalDomainsProps {
  /** Provider of the API's region: a regional custom domain lives beside its API. */
  readonly provider: AwsProvider;
  /** The public hosted zone of the domain: the region's own record goes here. */
  readonly hostedZoneId: string;
  /** The name every region serves and Route 53 fails over: `api.<domain>`. */
  readonly apiDomainName: string;
  /** The region's own name: `<label>.<domain>`. */
  readonly regionalDomainName: string;
  /** Certificate in this region covering both names. */
  readonly certificateArn: string;
  /** The region's REST API: both names map `/` to its stage. */
  readonly restApiId: string;
  /** The stage both names serve. */
  readonly stageName: string;
  /**
   * A custom domain of another region (or anything else) to create this region's after. API
   * Gateway takes one CreateDomainName, UpdateDomainName or DeleteDomainName per 30 s per
   * account (not raisable): created together, they compete for it, each retrying
   * TooManyRequests (the provider's SDK retries throttling up to 25 times, backing off up to
   * 20 s), and a plan with four or more domains can run out of retries. One after the other,
   * each create has at most one predecessor's 30 s to wait out.
   * @default - no dependency
   */
  readonly createAfter?: ITerraformDependable;
}

/**
 * The region's two custom domains (`api.<domain>` and `<label>.<domain>`): REGIONAL, TLS 1.2,
 * `/` mapped to the stage; and the `<label>.<domain>` record that the health check probes.
 *
 * That record is an alias A record rather than the workshop's CNAME with TTL 60: an alias
 * answers with the endpoint's addresses in one lookup, follows them when API Gateway moves
 * them, and Route 53 charges no queries for it.
 */
export class RegionalDomains extends Construct {
  /** The regional endpoint of `api.<domain>` in this region, for the failover records. */
  readonly apiTarget: AliasTarget;
  readonly regionalDomainName: string;
  /** The alias record that makes `<label>.<domain>` resolve: what probes of that name wait for. */
  readonly regionalRecord: ITerraformDependable;
  /** This region's last custom domain: the next region's first one waits for it. */
  readonly lastDomain: ITerraformDependable;

  constructor(scope: Construct, id: string, props: RegionalDomainsProps) {
    super(scope, id);
    const { provider } = props;

    let previous = props.createAfter;
    const [apiDomain, regionalDomain] = [
      ["api", props.apiDomainName],
      ["regional", props.regionalDomainName],
    ].map(([key, domainName]) => {
      const domain = new ApiGatewayDomainName(this, `${key}-domain`, {
        provider,
        domainName: domainName!,
        regionalCertificateArn: props.certificateArn,
        endpointConfiguration: { types: ["REGIONAL"] },
        securityPolicy: "TLS_1_2",
        dependsOn: previous === undefined ? undefined : [previous],
      });
      previous = domain;
      new ApiGatewayBasePathMapping(this, `${key}-mapping`, {
        provider,
        domainName: domain.domainName,
        apiId: props.restApiId,
        stageName: props.stageName,
      });
      return domain;
    }) as [ApiGatewayDomainName, ApiGatewayDomainName];

    this.regionalRecord = new Route53Record(this, "regional-record", {
      provider,
      zoneId: props.hostedZoneId,
      name: regionalDomain.domainName,
      type: "A",
      alias: { name: regionalDomain.regionalDomainName, zoneId: regionalDomain.regionalZoneId, evaluateTargetHealth: false },
    });

    this.apiTarget = { name: apiDomain.regionalDomainName, zoneId: apiDomain.regionalZoneId };
    this.regionalDomainName = regionalDomain.domainName;
    this.lastDomain = regionalDomain;
  }
}
