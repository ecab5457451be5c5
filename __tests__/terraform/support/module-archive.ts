/**
 * The release archive used the way a team that publishes it would: served over HTTP (as from
 * S3 or an artifact server) and named as a module `source`, so Terraform's own downloader
 * fetches and unpacks it. The global setup plans this root as one child of the module roots'
 * combined plan (paths.ts, MODULE_ROOTS_PLAN): its `terraform init` downloads the archive.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";
import { ARCHIVE_RESULT_FILE, MODULE_ARCHIVE_ROOT, MODULE_ROOT_ALIASES, MODULE_ROOTS_FIXTURES } from "./paths";

/** Where the setup served the archive from (ARCHIVE_RESULT_FILE). */
export interface ArchiveResult {
  readonly url: string;
}

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
    ...MODULE_ROOT_ALIASES.map((alias) => `    aws.${alias} = aws.${alias}`),
    "  }",
    '  domain_name    = "archive.example.net"',
    '  hosted_zone_id = "ZARCHIVE000001"',
    "}",
    "",
  ].join("\n");
}

/**
 * Serves `tarball` over HTTP on a free local port while `job` runs, with MODULE_ARCHIVE_ROOT
 * written to source it from there.
 */
export async function withArchiveRoot<T>(tarball: string, job: () => Promise<T>): Promise<T> {
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
    cpSync(join(MODULE_ROOTS_FIXTURES, "providers.tf"), join(MODULE_ARCHIVE_ROOT, "providers.tf"));
    const result: ArchiveResult = { url };
    writeFileSync(ARCHIVE_RESULT_FILE, JSON.stringify(result));
    return await job();
  } finally {
    server.close();
    server.closeAllConnections();
  }
}
