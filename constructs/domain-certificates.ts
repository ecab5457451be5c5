import { Construct } from "constructs";
import { Fn, type IResolvable, Op, ref, TerraformCount, TerraformIterator, Token } from "cdktf";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { peerAttribute, terraformAddress } from "./terraform-address";
import { ValidationError } from "./validation-error";

export interface CertificateRegion {
  /** AWS region code: API Gateway wants the certificate in the API's own region. */
  readonly region: string;
  /** Provider of `region`: the certificate is made there. */
  readonly provider: AwsProvider;
  /**
   * An existing certificate for `<domain>` and `*.<domain>` in this region. A Terraform
   * expression (a module input) decides at plan time: null there means a new certificate.
   * @default - a new one
   */
  readonly existingCertificateArn?: string;
}

export interface DomainCertificatesProps {
  /** Apex domain; each certificate covers it and `*.<domain>`. */
  readonly domainName: string;
  /** The public hosted zone of `domainName`: the validation record goes here. */
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
 * record, and every region asks for the same one. So the record is made once, from the
 * certificates' validation options (`distinct` leaves one), with one `for_each` key per
 * distinct name known at synth time (a `for_each` over `domain_validation_options` itself
 * has keys unknown until apply).
 */
export class DomainCertificates extends Construct {
  private readonly arns = new Map<string, string>();

  constructor(scope: Construct, id: string, props: DomainCertificatesProps) {
    super(scope, id);
    const { domainName } = props;
    // An ARN known at synth time needs nothing here; otherwise the region may get a new one.
    const known = (arn: string | undefined): arn is string => arn !== undefined && !Token.isUnresolved(arn);
    const possiblyNew = props.regions
      .filter(({ existingCertificateArn: arn }) => !known(arn))
      .map(({ existingCertificateArn: arn, ...entry }) => {
        // Decided at plan time: the certificate and its validation exist once or not at all.
        const decidedAtPlan = arn === undefined ? undefined : { arn, isNew: Op.eq(arn, Token.nullValue()) };
        const count = decidedAtPlan && TerraformCount.of(Token.asNumber(Fn.conditional(decidedAtPlan.isNew, 1, 0)));
        const certificate = new AcmCertificate(this, `certificate-${entry.region}`, {
          provider: entry.provider,
          count,
          domainName,
          subjectAlternativeNames: [`*.${domainName}`],
          validationMethod: "DNS",
          keyAlgorithm: "RSA_2048",
          lifecycle: { createBeforeDestroy: true },
        });
        return { ...entry, decidedAtPlan, count, certificate };
      });
    for (const { region, existingCertificateArn: arn } of props.regions) {
      if (known(arn)) this.arns.set(region, arn);
    }
    if (possiblyNew.length === 0) return;

    const records = this.validationRecords(props, possiblyNew);
    const recordFqdns = Token.asList(`\${[for record in ${terraformAddress(records)} : record.fqdn]}`);

    for (const { region, provider, certificate, count, decidedAtPlan } of possiblyNew) {
      const validation = new AcmCertificateValidation(this, `validation-${region}`, {
        provider,
        count,
        certificateArn: peerAttribute(certificate, "arn", count !== undefined),
        validationRecordFqdns: recordFqdns,
      });
      this.arns.set(
        region,
        decidedAtPlan === undefined
          ? validation.certificateArn
          : Token.asString(
              Fn.conditional(
                decidedAtPlan.isNew,
                Fn.one(ref(`${terraformAddress(validation)}[*].certificate_arn`)),
                decidedAtPlan.arn,
              ),
            ),
      );
    }
  }

  /**
   * The DNS validation record: one per distinct name (the wildcard's record is the apex's, so
   * one key covers both), read from the certificates' validation options at plan time; none
   * where no certificate is new.
   */
  private validationRecords(
    props: DomainCertificatesProps,
    possiblyNew: readonly { certificate: AcmCertificate; decidedAtPlan?: { isNew: IResolvable } }[],
  ): Route53Record {
    const { domainName } = props;
    // `[*]` lists a certificate that exists once, and every instance of a counted one.
    const options = `flatten([${possiblyNew.map(({ certificate }) => `${terraformAddress(certificate)}[*].domain_validation_options`).join(", ")}])`;
    const pick = (field: string) =>
      Token.asString(`\${one(distinct([for option in ${options} : option.${field} if option.domain_name == each.key]))}`);
    const decisions = possiblyNew.map(({ decidedAtPlan }) => decidedAtPlan?.isNew);
    const validationNames = TerraformIterator.fromList(
      decisions.includes(undefined) ? [domainName] : Token.asList(Fn.conditional(Fn.anytrue(decisions), [domainName], [])),
    );
    return new Route53Record(this, "validation-record", {
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
  }

  /** The certificate to use in `region`; for a new one, known only once it is validated. */
  arnIn(region: string): string {
    const arn = this.arns.get(region);
    if (arn === undefined) throw new ValidationError(`no certificate for "${region}"`, this);
    return arn;
  }
}
