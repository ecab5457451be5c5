/**
 * The release archive used the way a team that publishes it would: served over HTTP (as from
 * S3 or an artifact server) and named as a module `source`, so Terraform's own downloader
 * fetches and unpacks it. Then `terraform init` + `validate` of that root, offline otherwise.
 */
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";
import { validateOffline } from "../../../tools/terraform/offline-plan";
import type { TerraformToolchain } from "../../../tools/terraform/toolchain";
import { ARCHIVE_RESULT_FILE, MODULE_ARCHIVE_ROOT, MODULE_ARCHIVE_VALIDATED, MODULE_ROOTS_FIXTURES } from "./paths";

export interface ArchiveResult {
  readonly url: string;
  readonly validate: Awaited<ReturnType<typeof validateOffline>>;
}

const ALIASES = ["eu-west-1", "ap-southeast-1", "us-east-1"];

function rootModule(url: string): string {
  return [
    "# Written by the test setup: the tickets module from its release archive.",
    'provider "aws" {',
    '  alias  = "us-east-1"',
    '  region = "us-east-1"',
    "}",
    "",
    'module "tickets" {',
    `  source = "${url}"`,
    "  providers = {",
    ...ALIASES.map((alias) => `    aws.${alias} = aws.${alias}`),
    "  }",
    '  domain_name    = "archive.example.net"',
    '  hosted_zone_id = "ZARCHIVE000001"',
    "}",
    "",
  ].join("\n");
}

export async function validateArchiveSource(toolchain: TerraformToolchain, tarball: string): Promise<ArchiveResult> {
  const archive = readFileSync(tarball);
  const path = `/${basename(tarball)}`;
  const server = createServer((request, response) => {
    const found = new URL(request.url ?? "/", "http://localhost").pathname === path;
    response.writeHead(found ? 200 : 404, { "content-type": found ? "application/gzip" : "text/plain" });
    response.end(found ? archive : "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
    mkdirSync(MODULE_ARCHIVE_ROOT, { recursive: true });
    writeFileSync(join(MODULE_ARCHIVE_ROOT, "main.tf"), rootModule(url));
    const validate = await validateOffline(toolchain, {
      sourceDir: MODULE_ARCHIVE_ROOT,
      workDir: MODULE_ARCHIVE_VALIDATED,
      providerAliases: ALIASES,
      extraFiles: [join(MODULE_ROOTS_FIXTURES, "providers.tf")],
    });
    const result = { url, validate };
    writeFileSync(join(MODULE_ARCHIVE_VALIDATED, ARCHIVE_RESULT_FILE), JSON.stringify(result));
    return result;
  } finally {
    server.close();
    server.closeAllConnections();
  }
}
