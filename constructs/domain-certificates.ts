import { Construct } from "constructs";
import { TerraformIterator, Token } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { terraformAddress } from "./terraform-address";

export interface CertificateRegion {
  readonly region: string;
  readonly provider: AwsProvider;
  /** An existing certificate for `<domain>` and `*.<domain>` in this region. @default - a new one */
  readonly existingCertificateArn?: string;
}

export interface DomainCertificatesProps {
  /** Apex domain; each certificate covers it and `*.<domain>`. */
  readonly domainName: string;
  readonly hostedZoneId: string;
  /** Regions that need a certificate (API Gateway wants one in the API's own region). */
  readonly regions: readonly CertificateRegion[];
  /** Provider for the validation records (Route 53 is global). */
  readonly dnsProvider: AwsProvider;
}

/**
 * An ACM certificate for `<domain>` and `*.<domain>` in every region, validated by DNS.
 *
 * ACM asks for one CNAME per domain name per account: the wildcard asks for the apex's
 * record, and every region asks for the same one. So the records are made once, from the
 * first new certificate, with one `for_each` key per distinct name known at synth time
 * (a `for_each` over `domain_validation_options` itself has keys unknown until apply).
 */
export class DomainCertificates extends Construct {
  private readonly arns = new Map<string, string>();

  constructor(scope: Construct, id: string, props: DomainCertificatesProps) {
    super(scope, id);
    const { domainName } = props;
    const created = props.regions
      .filter((entry) => entry.existingCertificateArn === undefined)
      .map((entry) => ({
        ...entry,
        certificate: new AcmCertificate(this, `certificate-${entry.region}`, {
          provider: entry.provider,
          domainName,
          subjectAlternativeNames: [`*.${domainName}`],
          validationMethod: "DNS",
          keyAlgorithm: "RSA_2048",
          lifecycle: { createBeforeDestroy: true },
        }),
      }));
    for (const entry of props.regions) {
      if (entry.existingCertificateArn !== undefined) this.arns.set(entry.region, entry.existingCertificateArn);
    }
    if (created.length === 0) return;

    const source = created[0]!.certificate;
    const options = `${terraformAddress(source)}.domain_validation_options`;
    const pick = (field: string) =>
      Token.asString(`\${one([for option in ${options} : option.${field} if option.domain_name == each.key])}`);
    // The wildcard's record is the apex's: one key covers both.
    const validationNames = TerraformIterator.fromList([domainName]);
    const records = new Route53Record(this, "validation-record", {
      provider: props.dnsProvider,
      forEach: validationNames,
      zoneId: props.hostedZoneId,
      name: pick("resource_record_name"),
      type: pick("resource_record_type"),
      records: [pick("resource_record_value")],
      ttl: 60,
      // The value is fixed per account and name: an earlier validation may have left it.
      allowOverwrite: true,
    });
    const recordFqdns = Token.asList(`\${[for record in ${terraformAddress(records)} : record.fqdn]}`);

    for (const { region, provider, certificate } of created) {
      const validation = new AcmCertificateValidation(this, `validation-${region}`, {
        provider,
        certificateArn: certificate.arn,
        validationRecordFqdns: recordFqdns,
      });
      this.arns.set(region, validation.certificateArn);
    }
  }

  /** The certificate to use in `region`; for a new one, known only once it is validated. */
  arnIn(region: string): string {
    const arn = this.arns.get(region);
    if (arn === undefined) throw new Error(`DomainCertificates: no certificate for "${region}"`);
    return arn;
  }
}
