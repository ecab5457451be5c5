/**
 * The command line of `npm run build:module`. Anything it doesn't know is an error with the
 * usage, never a folder name: a stray `--help` must not become a module folder called `--help`.
 */
import { resolve, sep } from "node:path";
import { parseArgs } from "node:util";

export const BUILD_MODULE_USAGE = `usage: npm run build:module -- [--out <dir>] [--tgz <file>]

Builds the tickets stack as a plain Terraform module (README.md, versions.tf.json,
the configuration in files by concern, tests/, examples/, assets/) and a release
archive of it. Regions and labels come from
TICKETS_CONFIG (or the built-in defaults); its other settings become the inputs' defaults.

  --out <dir>    module folder, replaced by the build (default: dist/terraform-module)
  --tgz <file>   release archive, .tgz or .tar.gz (default: <dir>-<version>.tgz beside the folder)
  -h, --help     print this help`;

/** Bad arguments: the message says which, and the usage follows it on the console. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export type BuildModuleCommand =
  | { readonly kind: "help" }
  | {
      readonly kind: "build";
      /** Absolute path of the module folder. */
      readonly outDir: string;
      /** Absolute path of the release archive. */
      readonly tarball: string;
    };

export interface CommandDefaults {
  /** Module folder when `--out` is absent. */
  readonly outDir: string;
  /** The project version, in the archive's default name. */
  readonly version: string;
  /** Where relative paths start. @default process.cwd() */
  readonly cwd?: string;
}

const OPTIONS = {
  out: { type: "string", multiple: true },
  tgz: { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    // Node's messages name the option ("Unknown option '--outdir'", "Option '--out <value>' argument missing").
    throw new UsageError((error as Error).message.split("\n")[0]!);
  }
}

function single(values: readonly string[] | undefined, option: string): string | undefined {
  if (values === undefined) return undefined;
  if (values.length > 1) throw new UsageError(`--${option} given ${values.length} times; give it once`);
  if (values[0] === "") throw new UsageError(`--${option} needs a path, got an empty string`);
  return values[0];
}

/** `process.argv.slice(2)` -> what to do; throws {@link UsageError}. */
export function parseBuildModuleArgs(args: readonly string[], defaults: CommandDefaults): BuildModuleCommand {
  const { values, positionals } = parse(args);
  if (values.help) return { kind: "help" };
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument "${positionals[0]}" (the module folder is given with --out <dir>)`);
  }
  const cwd = defaults.cwd ?? process.cwd();
  const outDir = resolve(cwd, single(values.out, "out") ?? defaults.outDir);
  const tarball = resolve(cwd, single(values.tgz, "tgz") ?? `${outDir}-${defaults.version}.tgz`);
  if (!/\.(tgz|tar\.gz)$/.test(tarball)) {
    throw new UsageError(`--tgz ${tarball}: name it .tgz or .tar.gz (Terraform recognises archive sources by that ending)`);
  }
  if (tarball.startsWith(`${outDir}${sep}`)) {
    throw new UsageError(`--tgz ${tarball} is inside the module folder ${outDir}, which the build replaces`);
  }
  return { kind: "build", outDir, tarball };
}
