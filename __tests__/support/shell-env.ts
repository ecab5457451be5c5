/**
 * The environment of a user's shell, for tests that run a command as a user types it. An
 * outer `npm run` (`npm test`, `npm run bench`) leaves `npm_*` variables and `INIT_CWD`
 * behind, and an inner `npm run` obeys them: `npm_config_loglevel=silent` from `npm run -s`
 * hides the banner lines a user sees, `INIT_CWD` changes where relative paths resolve. The
 * project's own settings (`TICKETS_CONFIG`, `CDKTF_OUTDIR`) are removed too: a command's
 * defaults are what the README shows.
 */
export function shellEnv(overrides: NodeJS.ProcessEnv = {}, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => !/^npm_/i.test(name) && !["INIT_CWD", "TICKETS_CONFIG", "CDKTF_OUTDIR"].includes(name),
    ),
  );
  return { ...clean, ...overrides };
}
