/**
 * Which resource types hold data that Terraform's configuration cannot recreate. Deleting or
 * replacing one of them loses that data, so the plan summary calls it out and
 * `--fail-on-stateful-change` fails the check. See docs/plan-review.md.
 *
 * The rule for adding a type: "after a delete and a create from the same configuration,
 * is something gone that no one can get back?" Config-only resources (Lambda, IAM, API
 * Gateway, Route 53 records, ACM certificates, S3 objects written from the configuration)
 * come back identical from a replacement, so they are reviewed in the ordinary change
 * table instead of blocking the merge.
 */
export const STATEFUL_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  // The tickets live here; a replacement is a new, empty table in every region.
  aws_dynamodb_table: "DynamoDB items: a replaced or deleted table starts empty",
  // One region's copy of a global table: deleting it drops that region's data and serving.
  aws_dynamodb_table_replica: "a region's replica of a global table: its items and its traffic go",
  // The legacy (2017) global table link: deleting it stops replication between the regions.
  aws_dynamodb_global_table: "the replication between the regions' tables",
  // Objects are written by apps and people, not by Terraform (the state bucket holds the state).
  aws_s3_bucket: "S3 objects; for the state bucket, every Terraform state",
  // Destroying it suspends versioning: later overwrites and deletes can no longer be undone.
  aws_s3_bucket_versioning: "object versions, the undo of the state bucket: destroying it suspends versioning",
  // Log events are the audit and debugging history; a new group starts empty.
  aws_cloudwatch_log_group: "CloudWatch log events: the history is lost",
  // Deletion schedules the key's destruction; whatever it encrypted becomes unreadable.
  aws_kms_key: "a KMS key: data encrypted with it can no longer be decrypted",
  // A new zone gets new name servers (delegation breaks) and loses records Terraform doesn't manage.
  aws_route53_zone: "a hosted zone: new name servers break delegation, unmanaged records are lost",
};

/** Why `type` holds data, or `undefined` for a type that a replacement recreates identically. */
export function statefulReason(type: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(STATEFUL_RESOURCE_TYPES, type) ? STATEFUL_RESOURCE_TYPES[type] : undefined;
}
