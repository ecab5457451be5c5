import type { TicketsConfig } from "./schema";

/**
 * Alias of the KMS key that encrypts the state bucket. The bootstrap stack creates it; the main
 * stack's backend names it (`kms_key_id`) so that state and lock objects are SSE-KMS under this
 * key: with `encrypt = true` alone, Terraform's S3 backend sends `AES256` and overrides the
 * bucket's default encryption.
 */
export function stateKeyAlias(config: Pick<TicketsConfig, "stateBackend">): string {
  return `alias/${config.stateBackend.bucket}`;
}
