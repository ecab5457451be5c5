/**
 * The module's README.md, generated from the module's own JSON so it can't drift from it:
 * the tables terraform-docs writes for the modules Terraform users know (Requirements,
 * Providers, Modules, Resources, Inputs, Outputs, with the same anchors), preceded by what a
 * plain Terraform team needs first: a usage block with the right provider aliases, what was
 * fixed when this module was built and how to rebuild it, and how to run several instances.
 */
import { ROUTE53_METRICS_REGION } from "../../config/aws-regions";
import { AWS_PROVIDER_VERSION } from "../terraform/toolchain";
import { byCodeUnits, codeSpan, markdownTable } from "../report-format";
import { FIXED_FILES } from "./module-layout";
import type { ModuleFiles, ProjectRelease, TerraformJson } from "./module-json";

/** The settings that shape the module and can't be inputs (see "Fixed when built"). */
export interface BuildTimeSettings {
  /** Regions, primary first, with the label of each regional endpoint. */
  readonly regions: readonly { readonly name: string; readonly label: string }[];
}

export interface ModuleReadmeInput {
  readonly release: ProjectRelease;
  readonly files: ModuleFiles;
  readonly build: BuildTimeSettings;
}

/** Prose from the module's descriptions: `api.<domain_name>` must not read as an HTML tag. */
const prose = (text: string) => text.replaceAll("<", "&lt;").replaceAll(">", "&gt;");
/** Sorts by UTF-16 code units: unlike `localeCompare`, the same on every Node and ICU build. */
/** terraform-docs' link text: underscores escaped so Markdown doesn't read emphasis. */
const anchored = (kind: string, name: string) =>
  `<a name="${kind}_${name}"></a> [${name.replaceAll("_", "\\_")}](#${kind}\\_${name.replaceAll("_", "\\_")})`;

/** A Terraform value as HCL would show it (`"text"`, `10`, `null`). */
const hclValue = (value: unknown) => (value === undefined || value === null ? "null" : JSON.stringify(value));

interface ResourceEntry {
  readonly mode: "resource" | "data source";
  readonly type: string;
  readonly name: string;
  readonly block: TerraformJson;
}

function resourcesOf(main: TerraformJson): ResourceEntry[] {
  const entries = (mode: ResourceEntry["mode"], blocks: TerraformJson | undefined) =>
    Object.entries<TerraformJson>(blocks ?? {}).flatMap(([type, byName]) =>
      Object.entries<TerraformJson>(byName).map(([name, block]) => ({ mode, type, name, block })),
    );
  return [...entries("resource", main.resource), ...entries("data source", main.data)].sort((a, b) =>
    byCodeUnits(`${a.type}.${a.name}`, `${b.type}.${b.name}`),
  );
}

/** `${expr}` -> `expr`, for showing an expression as Terraform users write it. */
const unwrap = (expression: string) => expression.replace(/^\$\{([\s\S]*)\}$/, "$1");

function header({ release, build }: ModuleReadmeInput): string {
  const [primary, ...standbys] = build.regions;
  const regions = [
    `${codeSpan(primary!.name)} (primary, ${codeSpan(primary!.label)})`,
    ...standbys.map((r) => `${codeSpan(r.name)} (standby, ${codeSpan(r.label)})`),
  ];
  return [
    `# Wild Rydes multi-region tickets: Terraform module ${release.version}`,
    "",
    "The Wild Rydes ticket API as a plain Terraform module: in every region a REST API and its Lambda functions over one DynamoDB global table, TLS custom domains, and Route 53 routing of `api.<domain_name>`: failover from the primary region to the standbys, or active-active to the nearest healthy region (input `routing`).",
    "",
    `Version **${release.version}** of \`${release.name}\`, built for ${regions.join(", ")}.`,
    "",
    "This file is generated with the module by `npm run build:module`; change the project and rebuild rather than editing it.",
  ].join("\n");
}

function usage({ files, release }: ModuleReadmeInput): string {
  const aliases: string[] = files.versions.terraform.required_providers.aws.configuration_aliases;
  const regionOf = (alias: string) => alias.slice("aws.".length);
  const width = Math.max(...aliases.map((alias) => alias.length));
  const required = Object.entries<TerraformJson>(files.main.variable ?? {})
    .filter(([, variable]) => !("default" in variable))
    .map(([name]) => name);
  const inputWidth = Math.max(...required.map((name) => name.length));
  const providerBlocks = aliases.flatMap((alias) => [
    `provider "aws" {`,
    `  alias  = "${regionOf(alias)}"`,
    `  region = "${regionOf(alias)}"`,
    "}",
    "",
  ]);
  return [
    "## Usage",
    "",
    "One `aws` provider per region, aliased by its region code, each passed under its own name:",
    "",
    "```hcl",
    ...providerBlocks,
    'module "tickets" {',
    `  # This folder copied into your repository, or the release archive, e.g.`,
    `  # "s3::https://s3.eu-west-1.amazonaws.com/<bucket>/terraform-module-${release.version}.tgz"`,
    '  source = "./modules/tickets"',
    "",
    "  providers = {",
    ...aliases.map((alias) => `    ${alias.padEnd(width)} = ${alias}`),
    "  }",
    "",
    ...required.map((name) => `  ${name.padEnd(inputWidth)} = var.${name}`),
    "}",
    "```",
    "",
    "Every resource that takes tags gets `tags` (the input), merged with your providers' `default_tags` by the provider. Where a provider is wired to another region than its alias names, the plan fails with a message naming both.",
  ].join("\n");
}

function fixedAtBuild({ build }: ModuleReadmeInput): string {
  const [primary, ...standbys] = build.regions;
  const regions = [
    `${codeSpan(primary!.name)} (${codeSpan(primary!.label)}, primary)`,
    ...standbys.map((r) => `${codeSpan(r.name)} (${codeSpan(r.label)})`),
  ];
  return [
    "## Fixed when the module is built",
    "",
    markdownTable(
      ["Setting", "In this build", "Why it is not an input"],
      [
        [
          "`regions` (name, label)",
          regions.join(", "),
          "Each region is a provider alias, and Terraform takes providers from the caller, never from variables. The labels name each region's endpoint, `<label>.<domain_name>`.",
        ],
      ],
    ),
    "",
    "Everything else that varies per deployment is an input (below). To change the regions or labels, put them in a settings file (the project README's Configuration section) and rebuild:",
    "",
    "```sh",
    "TICKETS_CONFIG=deploy/prod.json npm run build:module -- --out dist/terraform-module",
    "```",
    "",
    "The file's other settings become the inputs' defaults (`domain_name` and `hosted_zone_id` stay required).",
  ].join("\n");
}

function severalInstances(): string {
  return [
    "## Several instances in one account",
    "",
    "- Give each instance its own `name_prefix` (every function, role, API, log group, topic and alarm name starts with it) and its own `table_name` (table names are unique per account and region).",
    "- Give each its own `domain_name`: the records `api.` and `<label>.` live in the hosted zone.",
    "- Let exactly one instance per account manage API Gateway's CloudWatch role setting (`aws_api_gateway_account`, one per account and region) and set `manage_api_gateway_account = false` on the others, or on all of them where your organisation sets it: two owners would overwrite each other's setting, and a destroy of one would unset it for all. Without any owner, the stages' logging fails to apply.",
  ].join("\n");
}

function stableAddresses({ files }: ModuleReadmeInput): string {
  const moved: { from: string; to: string }[] = files.main.moved ?? [];
  if (moved.length === 0) return "";
  return [
    "## Resources keep their addresses",
    "",
    "Every resource's address is its construct path in snake case with the region last (`aws_lambda_function.api_tickets_get_function_eu_west_1`), never a hash, and the resources whose replacement loses data (tables, log groups, the alarm topic and its key) have fixed addresses. `moved.tf.json` carries a `moved` block from the address an earlier build gave each resource, so an older deployment moves instead of replacing:",
    "",
    markdownTable(
      ["Address", "Moved from"],
      [...moved].sort((a, b) => byCodeUnits(a.to, b.to)).map(({ from, to }) => [codeSpan(to), codeSpan(from)]),
    ),
    "",
    'Your module block\'s name is part of every address: to rename it (`module "tickets"` to `module "api"`) or move it into another module, add a `moved` block from `module.tickets` to `module.api` to your root module in the same change, and check that the plan shows moves, not replacements.',
  ].join("\n");
}

function requirements({ files }: ModuleReadmeInput): string {
  const { required_version: terraformVersion, required_providers: providers } = files.versions.terraform;
  const features = files.terraform.features;
  return [
    "## Requirements",
    "",
    markdownTable(
      ["Name", "Version"],
      [
        [anchored("requirement", "terraform"), terraformVersion],
        ...Object.entries<TerraformJson>(providers).map(([name, provider]) => [anchored("requirement", name), provider.version]),
      ],
    ),
    "",
    features.length === 0
      ? `Terraform ${unwrapConstraint(terraformVersion)} reads everything this module uses.`
      : `Terraform ${unwrapConstraint(terraformVersion)} is the oldest release that reads this module: it uses ${features.map((f) => `${f.name} (${f.since})`).join(", ")}.`,
  ].join("\n");
}
const unwrapConstraint = (constraint: string) => constraint.replace(/^>=\s*/, "");

function providers(input: ModuleReadmeInput): string {
  const { files, build } = input;
  const aws = files.versions.terraform.required_providers.aws;
  const configured = build.regions.map((region) => region.name);
  const resources = resourcesOf(files.main);
  const guarded = (alias: string) =>
    resources.some(
      (entry) =>
        entry.type === "aws_region" && entry.block.provider === alias && entry.block.lifecycle?.postcondition !== undefined,
    );
  const purpose = (region: string): string => {
    const index = configured.indexOf(region);
    const parts: string[] = [];
    if (index === 0)
      parts.push(
        `primary (${codeSpan(build.regions[0]!.label)}): the DynamoDB table, Route 53 records and health checks, and this region's API`,
      );
    if (index > 0) parts.push(`standby (${codeSpan(build.regions[index]!.label)}): a table replica and this region's API`);
    if (region === ROUTE53_METRICS_REGION)
      parts.push("the health-check alarms and their SNS topic: Route 53 publishes health-check metrics only in us-east-1");
    return parts.join("; ");
  };
  const aliases: string[] = aws.configuration_aliases;
  return [
    "## Providers",
    "",
    markdownTable(["Name", "Version"], [[anchored("provider", "aws"), aws.version]]),
    "",
    "The module sets no provider itself; it asks for these configurations of `aws` (`configuration_aliases`). A region's API is its functions, REST API, certificate and custom domains.",
    "",
    markdownTable(
      ["Alias", "Region", "What it is for", "Resources"],
      aliases.map((alias) => {
        const region = alias.slice("aws.".length);
        return [
          codeSpan(alias),
          codeSpan(region),
          purpose(region),
          String(resources.filter((entry) => entry.mode === "resource" && entry.block.provider === alias).length),
        ];
      }),
    ),
    "",
    aliases.every(guarded)
      ? "Every alias is guarded: the plan fails, naming both regions, when the provider passed as `aws.<region>` is configured for another region."
      : "",
  ]
    .join("\n")
    .trimEnd();
}

const docsUrl = ({ mode, type }: ResourceEntry) =>
  `https://registry.terraform.io/providers/hashicorp/aws/${AWS_PROVIDER_VERSION}/docs/${mode === "resource" ? "resources" : "data-sources"}/${type.replace(/^aws_/, "")}`;

/** How many instances one resource block makes. */
function instances({ block }: ResourceEntry): string {
  if (block.count !== undefined) return `\`count = ${unwrap(String(block.count))}\``;
  if (block.for_each !== undefined) return `one per key of \`${unwrap(String(block.for_each))}\``;
  return "1";
}

/** The file each resource and data source is in (`type.name` or `data.type.name` -> file). */
function filesByAddress(layout: ModuleFiles["layout"]): Map<string, string> {
  const found = new Map<string, string>();
  for (const [file, content] of Object.entries(layout)) {
    for (const [kind, prefix] of [
      ["resource", ""],
      ["data", "data."],
    ] as const) {
      for (const [type, byName] of Object.entries<TerraformJson>(content[kind] ?? {})) {
        for (const name of Object.keys(byName)) found.set(`${prefix}${type}.${name}`, file);
      }
    }
  }
  return found;
}

function layoutSection({ files }: ModuleReadmeInput): string {
  const counts = (content: TerraformJson) => {
    const blocks = (kind: string) =>
      Object.values<TerraformJson>(content[kind] ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
    const parts = [
      [blocks("resource"), "resource"],
      [blocks("data"), "data source"],
      [Object.keys(content.variable ?? {}).length, "input"],
      [Object.keys(content.output ?? {}).length, "output"],
      [(content.moved ?? []).length, "`moved` block"],
    ] as const;
    return parts
      .filter(([count]) => count > 0)
      .map(([count, noun]) => `${count} ${noun}${count === 1 ? "" : "s"}`)
      .join(", ");
  };
  const rows: string[][] = [
    [
      codeSpan("versions.tf.json"),
      `${FIXED_FILES["versions.tf.json"]![0]!.toUpperCase()}${FIXED_FILES["versions.tf.json"]!.slice(1)}`,
      "the `terraform` block",
    ],
    ...Object.entries(files.layout).map(([name, content]) => {
      const comment = typeof content["//"] === "string" ? (content["//"] as string).replace(/\.$/, "") : "";
      return [codeSpan(name), prose(comment), counts(content)];
    }),
    [codeSpan("tests/"), "`terraform test` files, offline with mock providers (below)", ""],
    [codeSpan("examples/"), "Root modules that use this module", ""],
    [codeSpan("assets/"), "The Lambda zips, referenced through `path.module`", ""],
  ];
  return [
    "## Files",
    "",
    "Terraform reads every `.tf.json` file of the folder as one configuration; each holds one concern:",
    "",
    markdownTable(["File", "What it holds", "Blocks"], rows),
  ].join("\n");
}

function testing(): string {
  return [
    "## Testing a change to the module",
    "",
    "The module ships its own tests in `tests/`: `inputs.tftest.hcl` (a wrong value for every input that has a rule, each expected to fail), `providers.tftest.hcl` (a provider passed under another region's alias fails that alias' guard), `defaults.tftest.hcl` (the plan with the defaults: failover records, health checks, what each optional input adds or removes, the outputs) and `two_instances.tftest.hcl` (`examples/two-instances`: two instances that share no table, domain or endpoint). They run offline with mock providers, plan only, and need no AWS credentials:",
    "",
    "```sh",
    "terraform init -backend=false && terraform test",
    "```",
    "",
    "A change to the module that breaks what a test holds fails the run, naming the `run` block and the failed assertion or the rule that no longer fails. `terraform validate` run in this folder reports `Provider configuration not present` for every resource: Terraform can't validate a module that takes its providers through `configuration_aliases` on its own ([hashicorp/terraform#28490](https://github.com/hashicorp/terraform/issues/28490)); `terraform test` and `examples/two-instances` (`terraform init && terraform validate` there) validate it with providers.",
  ].join("\n");
}

function resources({ files }: ModuleReadmeInput): string {
  const entries = resourcesOf(files.main);
  const fileOf = filesByAddress(files.layout);
  const managed = entries.filter((entry) => entry.mode === "resource");
  const byType = new Map<string, ResourceEntry[]>();
  for (const entry of managed) byType.set(entry.type, [...(byType.get(entry.type) ?? []), entry]);
  const counted = (group: ResourceEntry[]) => {
    const plain = group.filter((entry) => instances(entry) === "1").length;
    const conditional = group.filter((entry) => instances(entry) !== "1").map(instances);
    return [...(plain > 0 ? [String(plain)] : []), ...conditional].join(" + ");
  };
  return [
    "## Modules",
    "",
    "No modules.",
    "",
    "## Resources",
    "",
    `${managed.length} resource blocks of ${byType.size} types:`,
    "",
    markdownTable(
      ["Type", "Count"],
      [...byType.entries()].map(([type, group]) => [codeSpan(type), counted(group)]),
    ),
    "",
    markdownTable(
      ["Name", "Type", "File"],
      entries.map((entry) => [
        `[${entry.type}.${entry.name}](${docsUrl(entry)})`,
        entry.mode,
        codeSpan(fileOf.get(`${entry.mode === "data source" ? "data." : ""}${entry.type}.${entry.name}`) ?? "?"),
      ]),
    ),
  ].join("\n");
}

/** The validation's error message without the variable's name: "must be one of 10, 30". */
function rule(name: string, variable: TerraformJson): string | undefined {
  const messages = (variable.validation ?? []).map((validation: { error_message: string }) =>
    validation.error_message.replace(new RegExp(`^${name} `), "").replace(/\.$/, ""),
  );
  return messages.length === 0 ? undefined : messages.join("; ");
}

function inputs({ files }: ModuleReadmeInput): string {
  const variables = Object.entries<TerraformJson>(files.main.variable ?? {}).sort(([a], [b]) => byCodeUnits(a, b));
  return [
    "## Inputs",
    "",
    markdownTable(
      ["Name", "Description", "Type", "Default", "Required"],
      variables.map(([name, variable]) => {
        const required = !("default" in variable);
        const validation = rule(name, variable);
        return [
          anchored("input", name),
          `${prose(variable.description ?? "")}${validation === undefined ? "" : `. Validated: ${codeSpan(validation)}`}`,
          codeSpan(variable.type ?? "any"),
          required ? "n/a" : codeSpan(hclValue(variable.default)),
          required ? "yes" : "no",
        ];
      }),
      ["left", "left", "left", "left", "center"],
    ),
  ].join("\n");
}

function outputs({ files }: ModuleReadmeInput): string {
  const entries = Object.entries<TerraformJson>(files.main.output ?? {}).sort(([a], [b]) => byCodeUnits(a, b));
  return [
    "## Outputs",
    "",
    entries.length === 0
      ? "No outputs."
      : markdownTable(
          ["Name", "Description"],
          entries.map(([name, output]) => [anchored("output", name), prose(output.description ?? "")]),
        ),
  ].join("\n");
}

/** The whole README, ending with one newline. */
export function renderModuleReadme(input: ModuleReadmeInput): string {
  const sections = [
    header(input),
    usage(input),
    fixedAtBuild(input),
    severalInstances(),
    layoutSection(input),
    testing(),
    stableAddresses(input),
    requirements(input),
    providers(input),
    resources(input),
    inputs(input),
    outputs(input),
  ];
  return `${sections.filter((section) => section !== "").join("\n\n")}\n`;
}
