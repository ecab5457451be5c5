/**
 * The module's files by concern, the way Terraform teams lay a module out: `variables.tf.json`,
 * `outputs.tf.json`, `moved.tf.json`, `providers.tf.json` (the region guard of each provider
 * alias) and the resources and data sources in one file per concern (`table`, one `api-<region>`
 * per region, `domains`, `dns`, `alarms`). Terraform loads every `.tf.json` of the folder as one
 * configuration, so the split changes no plan: {@link mergeModuleFiles} puts the files back
 * together, and a test checks that this gives the one-file body block for block.
 *
 * Which file a resource goes to is decided in one place, {@link CONCERNS}, from the top-level
 * construct id of its construct path (cdktf writes the path into each block's
 * `"//": { "metadata": { "path": "tickets/api-eu-west-1/tickets-get/function" } }`). A block
 * whose construct matches no concern fails the build, naming it: a new construct can't land in
 * a wrong file unnoticed.
 */
import { byCodeUnits } from "../report-format";

export type TerraformJson = Record<string, any>;

/** One concern: which top-level construct ids it holds, and its file. */
export interface Concern {
  /** The file, from the top-level construct id (`api-eu-west-1` -> `api-eu-west-1.tf.json`). */
  readonly file: (topLevelId: string) => string;
  /** What the file holds, for the module README. */
  readonly holds: string;
  readonly ids: RegExp;
}

/** THE rule: each resource and data source by the top-level construct it belongs to. */
export const CONCERNS: readonly Concern[] = [
  {
    ids: /^providers$/,
    file: () => "providers.tf.json",
    holds: "the region guard of each provider alias (an `aws_region` data source with a postcondition)",
  },
  {
    ids: /^(global-table|idempotency-table|drill-replication-fault)$/,
    file: () => "table.tf.json",
    holds:
      "the DynamoDB global tables (tickets and idempotency records), their replicas' resource policies, and the drill's replication fault (with `drill.replicationFault`)",
  },
  {
    ids: /^api-[a-z]{2}(-[a-z]+)+-\d$/,
    file: (id) => `${id}.tf.json`,
    holds:
      "the API of the region the file is named after: functions, their roles and log groups, the REST API, its stage, logging and resource policy",
  },
  {
    ids: /^(certificates|domains-[a-z]{2}(-[a-z]+)+-\d)$/,
    file: () => "domains.tf.json",
    holds: "certificates and their DNS validation, the custom domains of each region and their regional records",
  },
  {
    ids: /^failover-dns$/,
    file: () => "dns.tf.json",
    holds: "Route 53 health checks and the `api.<domain_name>` records (failover or latency)",
  },
  {
    ids: /^(client-errors-[a-z]{2}(-[a-z]+)+-\d|health-alarms|replication-alarms|operations)$/,
    file: () => "alarms.tf.json",
    holds:
      "monitoring: client-error alarms per region, the health-check and replication alarms, their SNS topics and KMS keys, the operations dashboard",
  },
];

/** Top-level blocks that are not resources, each in its conventional file. */
export const BLOCK_FILES: Readonly<Record<string, string>> = {
  variable: "variables.tf.json",
  output: "outputs.tf.json",
  moved: "moved.tf.json",
};

/** What the non-concern files hold, for the module README. */
export const FIXED_FILES: Readonly<Record<string, string>> = {
  "versions.tf.json": "the required Terraform and aws provider versions and the provider aliases the module asks for",
  "variables.tf.json": "the inputs, with their validations",
  "outputs.tf.json": "the outputs",
  "moved.tf.json": "`moved` blocks, from the addresses earlier builds gave resources",
};

/** A block that the rule can't place; the message names it and says where the rule lives. */
export class UnplacedBlockError extends Error {
  override readonly name = "UnplacedBlockError";
}

/** The construct path cdktf wrote into a resource or data block, without the stack's name. */
function constructPath(address: string, block: TerraformJson): string {
  const path: unknown = block["//"]?.metadata?.path;
  if (typeof path !== "string") {
    throw new UnplacedBlockError(`${address} has no construct path ("//".metadata.path), so no file can be chosen for it`);
  }
  return path.split("/").slice(1).join("/");
}

/** The file of one resource or data source (address as Terraform writes it, `data.` for data sources). */
export function fileOf(address: string, block: TerraformJson): string {
  return concernOf(address, block).file;
}

function concernOf(address: string, block: TerraformJson): { file: string; holds: string } {
  const path = constructPath(address, block);
  const topLevelId = path.split("/")[0]!;
  const matching = CONCERNS.filter((concern) => concern.ids.test(topLevelId));
  if (matching.length !== 1) {
    throw new UnplacedBlockError(
      `${address} (construct ${path}) matches ${matching.length === 0 ? "no concern" : `${matching.length} concerns`} of tools/build-module/module-layout.ts; add its top-level construct "${topLevelId}" to exactly one of CONCERNS`,
    );
  }
  return { file: matching[0]!.file(topLevelId), holds: matching[0]!.holds };
}

/** A file's content, opened with a `"//"` comment saying what it holds (Terraform ignores it). */
const fileIn = (files: Map<string, TerraformJson>, name: string, holds: string) => {
  let file = files.get(name);
  if (file === undefined) {
    file = { "//": `${holds[0]!.toUpperCase()}${holds.slice(1)}.` };
    files.set(name, file);
  }
  return file;
};

/** The blocks of a `resource` or `data` block, which is keyed by type, then name. */
function resourceBlocks(byType: TerraformJson): { type: string; name: string; block: TerraformJson }[] {
  return Object.entries<TerraformJson>(byType).flatMap(([type, byName]) =>
    Object.entries<TerraformJson>(byName).map(([name, block]) => ({ type, name, block })),
  );
}

/** Puts a resource or data source block into a configuration, at `<kind>.<type>.<name>`. */
function putResource(into: TerraformJson, kind: string, type: string, name: string, block: TerraformJson): void {
  into[kind] ??= {};
  into[kind][type] ??= {};
  into[kind][type][name] = block;
}

/**
 * The module's body (everything but the `terraform` block) as files by concern: file name ->
 * content, in a stable order (fixed files first, then the concerns' files by name). Throws
 * {@link UnplacedBlockError} for a resource or data source no concern holds, and for a kind of
 * block this layout has no file for.
 */
export function splitModule(body: TerraformJson): Record<string, TerraformJson> {
  const files = new Map<string, TerraformJson>();
  for (const [kind, content] of Object.entries<any>(body)) {
    if (kind === "resource" || kind === "data") {
      for (const { type, name, block } of resourceBlocks(content)) {
        const concern = concernOf(`${kind === "data" ? "data." : ""}${type}.${name}`, block);
        putResource(fileIn(files, concern.file, concern.holds), kind, type, name, block);
      }
    } else if (BLOCK_FILES[kind] !== undefined) {
      fileIn(files, BLOCK_FILES[kind], FIXED_FILES[BLOCK_FILES[kind]]!)[kind] = content;
    } else {
      throw new UnplacedBlockError(
        `the module has a top-level "${kind}" block, for which tools/build-module/module-layout.ts has no file; add it to BLOCK_FILES`,
      );
    }
  }
  const fixed = Object.values(BLOCK_FILES);
  const order = (name: string) => (fixed.includes(name) ? fixed.indexOf(name) : fixed.length);
  return Object.fromEntries([...files.entries()].sort(([a], [b]) => order(a) - order(b) || byCodeUnits(a, b)));
}

/** Blocks whose names are keys (`variable "x"`), by kind; `resource`/`data` are keyed by type, then name. */
const NAMED = ["variable", "output", "locals"];

/**
 * Several configuration files as Terraform loads them: one configuration, block for block. A
 * block defined in two files (which Terraform refuses too) throws, naming it. `"//"` comments
 * are left out.
 */
export function mergeModuleFiles(files: Readonly<Record<string, TerraformJson>>): TerraformJson {
  const merged: TerraformJson = {};
  const seen = new Map<string, string>();
  for (const [file, content] of Object.entries(files)) {
    const claim = (key: string) => {
      const earlier = seen.get(key);
      if (earlier !== undefined) throw new Error(`${key} is defined in both ${earlier} and ${file}`);
      seen.set(key, file);
    };
    for (const [kind, value] of Object.entries<any>(content)) {
      if (kind !== "//") mergeBlock(merged, kind, value, claim);
    }
  }
  return merged;
}

/**
 * Adds one top-level block of a file to the merged configuration: resources and data sources
 * block by block, named blocks (`variable`) name by name, lists (`moved`) appended, anything
 * else whole. `claim` throws for a block an earlier file defined.
 */
function mergeBlock(merged: TerraformJson, kind: string, value: any, claim: (key: string) => void): void {
  if (kind === "resource" || kind === "data") {
    for (const { type, name, block } of resourceBlocks(value)) {
      claim(`${kind}.${type}.${name}`);
      putResource(merged, kind, type, name, block);
    }
  } else if (NAMED.includes(kind)) {
    for (const [name, block] of Object.entries<TerraformJson>(value)) {
      claim(`${kind}.${name}`);
      merged[kind] ??= {};
      merged[kind][name] = block;
    }
  } else if (Array.isArray(value)) {
    merged[kind] = [...(merged[kind] ?? []), ...value];
  } else {
    claim(kind);
    merged[kind] = value;
  }
}
