/**
 * How every CLI under tools/ ends when its file is the entry point: `main`'s exit code (0 when
 * it returns nothing), or, when it throws or rejects, the error's message on stderr (prefixed
 * with the command's name) and exit code 1. Call it as
 * `if (require.main === module) runCli("plan", () => main(process.argv.slice(2)))`.
 */
export function runCli(name: string, main: () => number | void | Promise<number | void>): void {
  const fail = (error: unknown) => {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  };
  try {
    Promise.resolve(main()).then((code) => {
      process.exitCode = code ?? 0;
    }, fail);
  } catch (error) {
    fail(error);
  }
}
