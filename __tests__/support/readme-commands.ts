/**
 * The README's shell commands, and the checked list of what each one needs. Two test files
 * run them: __tests__/readme-commands.test.ts (the list is complete; the cheap commands run)
 * and __tests__/terraform/readme-terraform-commands.test.ts (commands that synthesize to disk
 * or run terraform).
 *
 * When the README changes, `npx jest __tests__/readme-commands.test.ts` names every command
 * that is in no list (and every list entry no longer in the README). Put each new command in
 * exactly one place:
 *   - RUNS_HERE in readme-commands.test.ts, with a runner, when it needs nothing but this
 *     checkout (or a cheaper equivalent proves it, e.g. start, probe and stop a server);
 *   - RUNS_WITH_TERRAFORM below plus a runner in readme-terraform-commands.test.ts when it
 *     synthesizes to disk or runs terraform;
 *   - NEEDS_AWS or NEEDS_OTHER below, with the reason a reader would need.
 * The keys are the commands as `readmeCommands` normalizes them: one line per command,
 * comments removed, `\` continuations joined, runs of spaces as one.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { PROJECT_ROOT } from "../../bundling/project-root";

/** Commands that run here in the terraform jest group (they synthesize to disk or run terraform). */
export const RUNS_WITH_TERRAFORM = [
  "npm ci && npm run synth",
  "TICKETS_CONFIG=deploy/prod.json npm run synth",
  "npm run synth",
  "cd cdktf.out/stacks/tickets",
  "terraform show -json tfplan > plan.json",
  "npm run plan:summary -- plan.json --fail-on-stateful-change",
  "npm ci && npm run build:module",
  "npm run plan",
  "npm run plan -- --stack tickets-state --config deploy/prod.json --out /tmp/plan",
] as const;

/** Commands that need an AWS account, credentials or a deployed stack: why, for the reader. */
export const NEEDS_AWS: Readonly<Record<string, string>> = {
  "export TICKETS_CONFIG=deploy/prod.json":
    "opens the deploy session (the file and variable are proven by `TICKETS_CONFIG=deploy/prod.json npm run synth`)",
  "npx cdktf deploy tickets-state": "creates the state bucket in your account",
  "npx cdktf deploy tickets": "deploys to your account (state in the S3 backend)",
  "terraform init": "initializes the S3 backend, which needs credentials and the state bucket",
  "REPLICA_BUCKET=acme-tickets-tfstate-apse1 REPLICA_REGION=ap-southeast-1":
    "names your state replica for the recovery commands that follow (they need AWS)",
  'terraform init -reconfigure -backend-config="bucket=$REPLICA_BUCKET" -backend-config="region=$REPLICA_REGION"':
    "points the stack at the state replica during an outage: needs credentials and the replica bucket",
  "terraform state pull > recovered.tfstate": "reads the state from the S3 backend",
  "terraform init -reconfigure": "points the stack back at the state bucket: needs credentials and the bucket",
  "terraform state push recovered.tfstate": "writes the state to the S3 backend",
  "terraform plan -out=tfplan": "plans against the real state and account",
  "terraform apply tfplan": "applies to your account",
  "npm run drill -- --dry-run": "reads the deployment (health checks, records, functions) to show what the drill would touch",
  "npm run drill": "breaks and restores a deployed primary region (failover drill)",
  "npm run plan -- --state prod.tfstate": "needs your state, pulled from the S3 backend with `terraform state pull`",
  "terraform init && terraform plan -var domain_name=example.com -var hosted_zone_id=Z0123456789ABCDEFGHIJ":
    "the providers need AWS credentials; the terraform group plans the same example offline (terraform-module.test.ts)",
};

/** Commands that need something else: why. */
export const NEEDS_OTHER: Readonly<Record<string, string>> = {
  "npm test": "the suite these tests are part of (running it here would recurse); CI runs it (.ci/run)",
  "npm run test:unit": "the unit suite this test is part of (running it here would recurse)",
  "export CHECKPOINT_DISABLE=1":
    "sets the shell for the cdktf CLI commands that follow (the project's own commands set it themselves)",
};

/**
 * Every command of the ```sh (or bash, shell) blocks of a Markdown text: one per line, `#`
 * comments outside quotes removed, `\` line continuations joined, spaces collapsed.
 */
export function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/^```(?:sh|bash|shell)[ \t]*\n([\s\S]*?)^```/gm)) {
    const joined = block[1]!.replace(/\\\n/g, " ");
    for (const line of joined.split("\n")) {
      const command = withoutComment(line).replace(/\s+/g, " ").trim();
      if (command !== "") commands.push(command);
    }
  }
  return commands;
}

/** A shell line without its `# comment` (a `#` that starts a word, outside quotes). */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else if (char === "\\" && quote === '"') index += 1;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === "\\") index += 1;
    else if (char === "#" && (index === 0 || /\s/.test(line[index - 1]!))) return line.slice(0, index);
  }
  return line;
}

/** The README of this checkout. */
export function projectReadme(): string {
  return readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
}

/** Folders a fresh clone doesn't have (build output, caches), or that are shared by link. */
const NOT_COPIED = new Set(["node_modules", ".git", "cdktf.out", "dist", ".cache", "coverage"]);

/**
 * A copy of this checkout as a fresh clone has it, in `<tmp>/<dir>/wild-rydes-tickets`
 * (so `../2_UI` lands inside the scratch folder), with node_modules linked rather than
 * installed. Returns the copy's root.
 */
export function projectCopy(prefix: string): string {
  const root = join(mkdtempSync(join(tmpdir(), prefix)), "wild-rydes-tickets");
  mkdirSync(root);
  cpSync(PROJECT_ROOT, root, {
    recursive: true,
    filter: (source) => {
      const first = relative(PROJECT_ROOT, source).split(sep)[0]!;
      return !NOT_COPIED.has(first) && !first.endsWith(".tfstate");
    },
  });
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(root, "node_modules"), "dir");
  return root;
}
