import type { Construct } from "constructs";
import { ref, Token } from "cdktf";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { DomainCertificates } from "../../constructs/domain-certificates";
import { exposedValue, exposeValue, regionalProvider, synthScope, validationErrorOf } from "../support/construct";
import { addressOf, attributeRef, expectOnlyIn, expectResources } from "../support/terraform-json";

const REGIONS = ["eu-west-1", "ap-southeast-1"] as const;
/** Route 53 is global: a provider of its own shows which one the validation record uses. */
const DNS_REGION = "us-east-1";
const ZONE = "Z0000000000EXAMPLE";
const existingArn = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/12345678-1234-1234-1234-123456789012`;

/**
 * DomainCertificates for example.com in both regions, alone; `existing` brings certificates,
 * and `arnIn` of every region in `exposeRegions` becomes the output `arn_<region>`.
 */
function synthCertificates(
  existing: Partial<Record<string, string>> = {},
  inspect: (certificates: DomainCertificates, scope: Construct) => void = (certificates, scope) =>
    REGIONS.forEach((region) => exposeValue(scope, `arn_${region}`, certificates.arnIn(region))),
) {
  return synthScope((scope) => {
    const certificates = new DomainCertificates(scope, "certificates", {
      domainName: "example.com",
      hostedZoneId: ZONE,
      dnsProvider: regionalProvider(scope, DNS_REGION),
      regions: REGIONS.map((region) => ({
        region,
        provider: regionalProvider(scope, region),
        existingCertificateArn: existing[region],
      })),
    });
    inspect(certificates, scope);
  });
}

describe("DomainCertificates, every certificate new", () => {
  const { text, json } = synthCertificates();
  const certificateAddress = (region: string) => addressOf(json, AcmCertificate, expectOnlyIn(json, AcmCertificate, region));
  const [record] = expectResources(json, Route53Record, 1) as [Record<string, any>];

  test("one certificate per region, on its provider, for the apex and the wildcard, validated by DNS, RSA 2048, replaced before destroyed", () => {
    const certificates = expectResources(json, AcmCertificate, 2);
    expect(certificates.map((c) => c.provider).sort()).toEqual(["aws.ap-southeast-1", "aws.eu-west-1"]);
    for (const certificate of certificates) {
      expect(certificate).toMatchObject({
        domain_name: "example.com",
        subject_alternative_names: ["*.example.com"],
        validation_method: "DNS",
        key_algorithm: "RSA_2048",
        lifecycle: { create_before_destroy: true },
      });
    }
  });

  test("a single validation record, keyed by the apex, serves apex, wildcard and both regions", () => {
    expect(text).toHaveResourceWithProperties(Route53Record, {
      provider: `aws.${DNS_REGION}`,
      for_each: '${toset(["example.com"])}',
      zone_id: ZONE,
      ttl: 60,
      // ACM's record for a name is the same for every certificate of the account.
      allow_overwrite: true,
    });
  });

  test("the record's name, type and value are the one distinct option for that key across every certificate", () => {
    const options = `flatten([${REGIONS.map((region) => `${certificateAddress(region)}[*].domain_validation_options`).join(", ")}])`;
    const pick = (field: string) =>
      `\${one(distinct([for option in ${options} : option.${field} if option.domain_name == each.key]))}`;
    expect([record.name, record.type, record.records]).toEqual([
      pick("resource_record_name"),
      pick("resource_record_type"),
      [pick("resource_record_value")],
    ]);
  });

  test.each(REGIONS)("%s waits for its own certificate's validation through that record", (region) => {
    expectResources(json, AcmCertificateValidation, 2);
    expect(expectOnlyIn(json, AcmCertificateValidation, region)).toEqual({
      provider: `aws.${region}`,
      certificate_arn: `\${${certificateAddress(region)}.arn}`,
      validation_record_fqdns: `\${[for record in ${addressOf(json, Route53Record, record)} : record.fqdn]}`,
    });
  });

  test.each(REGIONS)("arnIn(%s) is the validated certificate: known only once validation is done", (region) => {
    const validation = expectOnlyIn(json, AcmCertificateValidation, region);
    expect(exposedValue(json, `arn_${region}`)).toBe(attributeRef(json, AcmCertificateValidation, validation, "certificate_arn"));
  });

  test("arnIn a region it has no certificate for fails, naming the region", () => {
    expect(validationErrorOf(() => synthCertificates({}, (certificates) => certificates.arnIn("us-west-2")))).toEqual({
      path: expect.stringMatching(/\/certificates$/),
      message: 'no certificate for "us-west-2"',
    });
  });
});

describe("DomainCertificates with existing certificates", () => {
  test("an existing certificate replaces the region's new certificate and its validation", () => {
    const { json } = synthCertificates({ "ap-southeast-1": existingArn("ap-southeast-1") });
    expect(expectResources(json, AcmCertificate, 1)[0]!.provider).toBe("aws.eu-west-1");
    expect(expectResources(json, AcmCertificateValidation, 1)[0]!.provider).toBe("aws.eu-west-1");
    expect(exposedValue(json, "arn_ap-southeast-1")).toBe(existingArn("ap-southeast-1"));
  });

  test("when the first region brings its own, the validation record comes from the new certificate alone", () => {
    const { json } = synthCertificates({ "eu-west-1": existingArn("eu-west-1") });
    const [certificate] = expectResources(json, AcmCertificate, 1) as [Record<string, any>];
    expect(certificate.provider).toBe("aws.ap-southeast-1");
    const [record] = expectResources(json, Route53Record, 1) as [Record<string, any>];
    expect(record.name).toContain(
      `for option in flatten([${addressOf(json, AcmCertificate, certificate)}[*].domain_validation_options]) :`,
    );
    expect(exposedValue(json, "arn_eu-west-1")).toBe(existingArn("eu-west-1"));
  });

  test("with every certificate brought, no certificate, validation or validation record is made", () => {
    const { json } = synthCertificates(Object.fromEntries(REGIONS.map((region) => [region, existingArn(region)])));
    expectResources(json, AcmCertificate, 0);
    expectResources(json, AcmCertificateValidation, 0);
    expectResources(json, Route53Record, 0);
    expect(REGIONS.map((region) => exposedValue(json, `arn_${region}`))).toEqual(REGIONS.map(existingArn));
  });
});

describe("DomainCertificates decided at plan time (the module's certificate_arns input)", () => {
  /** What the module passes: the input's entry for the region, null where it has none. */
  const lookup = (region: string) => Token.asString(ref(`lookup(var.certificate_arns, "${region}", null)`));
  const isNew = (region: string) => `(lookup(var.certificate_arns, "${region}", null) == null)`;
  const { json } = synthCertificates(Object.fromEntries(REGIONS.map((region) => [region, lookup(region)])));

  test.each(REGIONS)(
    "%s: the certificate and its validation exist once when the input has no ARN for it, else not at all",
    (region) => {
      expectResources(json, AcmCertificate, 2);
      const certificate = expectOnlyIn(json, AcmCertificate, region);
      expect(certificate.count).toBe(`\${${isNew(region)} ? 1 : 0}`);
      const validation = expectOnlyIn(json, AcmCertificateValidation, region);
      expect(validation.count).toBe(certificate.count);
      expect(validation.certificate_arn).toBe(`\${${addressOf(json, AcmCertificate, certificate)}[count.index].arn}`);
    },
  );

  test.each(REGIONS)("arnIn(%s) is the input's ARN, or else the validated new certificate", (region) => {
    const validation = addressOf(json, AcmCertificateValidation, expectOnlyIn(json, AcmCertificateValidation, region));
    expect(exposedValue(json, `arn_${region}`)).toBe(
      `\${${isNew(region)} ? one(${validation}[*].certificate_arn) : lookup(var.certificate_arns, "${region}", null)}`,
    );
  });

  test("the validation record exists while any region gets a new certificate", () => {
    const [record] = expectResources(json, Route53Record, 1) as [Record<string, any>];
    expect(record.for_each).toBe(`\${toset(anytrue([${REGIONS.map(isNew).join(", ")}]) ? ["example.com"] : [])}`);
  });

  test("a region with a known ARN beside one decided at plan time: the record is always made for the new one", () => {
    const { json: mixed } = synthCertificates({ "eu-west-1": lookup("eu-west-1") });
    expectResources(mixed, AcmCertificate, 2);
    expect(expectOnlyIn(mixed, AcmCertificate, "ap-southeast-1").count).toBeUndefined();
    expect((expectResources(mixed, Route53Record, 1)[0] as Record<string, any>).for_each).toBe('${toset(["example.com"])}');
  });
});
