/**
 * `npm run drill -- [--config <file>] [--fault <kind>] [--region <name>] [--client-subnet <ipv4>] [--dry-run] [--timeout <s>] [--probes <n>] [--out <dir>]`
 *
 * The workshop's module 4 as a command: invert the primary's Route 53 health check, watch
 * `api.<domain>` fail over, write and read back probe tickets, restore, report. `--fault`
 * breaks the region for real instead (functions: reserved concurrency 0), or pauses the
 * tables' replication (replication: an AWS FIS experiment). In
 * active-active routing, break `--region` (default the first) and watch the answer Route 53
 * gives clients in that region's area move to another region and back.
 * Exit codes: 0 passed; 1 something failed, timed out or was lost; 2 bad arguments or
 * config; 3 preflight refused (nothing changed); 130/143 interrupted by SIGINT/SIGTERM
 * (after restoring). Use and report: docs/failover-drill.md.
 */
import { join, resolve } from "node:path";
import { FisClient } from "@aws-sdk/client-fis";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { Route53Client } from "@aws-sdk/client-route-53";
import { CONFIG_ENV_VAR, ConfigError, loadConfig } from "../../config/load";
import type { TicketsConfig } from "../../config/schema";
import type { Clock } from "./clock";
import { systemClock } from "./clock";
import type { RegionalClients } from "./context";
import { DEFAULT_POLL_SECONDS, DEFAULT_READ_BACK_GRACE_SECONDS, runDrill, type DrillSettings, type SignalSource } from "./drill";
import { refusedCombination } from "./faults";
import { nodeHttpClient, type HttpClient } from "./http";
import { parseDrillArgs, USAGE, UsageError } from "./options";
import { dryRun } from "./plan";
import type { Output } from "./progress";
import { drillIdAt, EXIT_CODES } from "./record";
import { writeReport } from "./report";
import { drillTargets } from "./targets";

export interface CliDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly route53: Route53Client;
  readonly regional: RegionalClients;
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly output: Output;
  readonly errorOutput: Output;
  readonly signals: SignalSource;
}

export const DEFAULT_REPORTS_DIR = "drill-reports";

/** `--config <file>` wins over `TICKETS_CONFIG`; errors then name the option rather than the variable. */
function loadDrillConfig(configFile: string | undefined, env: NodeJS.ProcessEnv): { config: TicketsConfig; source: string } {
  const effective = configFile === undefined ? env : { ...env, [CONFIG_ENV_VAR]: configFile };
  const file = effective[CONFIG_ENV_VAR];
  try {
    return { config: loadConfig(effective), source: file === undefined || file === "" ? "built-in defaults" : resolve(file) };
  } catch (error) {
    if (!(error instanceof ConfigError) || configFile === undefined) throw error;
    throw new ConfigError(
      error.source,
      error.problems.map((problem) => problem.replace(`${CONFIG_ENV_VAR}:`, "--config:")),
    );
  }
}

export async function main(args: readonly string[], deps: CliDeps): Promise<number> {
  let settings: DrillSettings;
  let outDirOption: string | undefined;
  let dry: boolean;
  try {
    const options = parseDrillArgs(args);
    if (options.help) {
      deps.output.write(`${USAGE}\n`);
      return EXIT_CODES.passed;
    }
    const { config, source } = loadDrillConfig(options.configFile, deps.env);
    const targets = drillTargets(config, { region: options.region, clientSubnet: options.clientSubnet });
    const refused = refusedCombination(options.fault, targets);
    if (refused !== undefined) throw new UsageError(refused);
    settings = {
      targets,
      fault: options.fault,
      configSource: source,
      probes: options.probes,
      timeoutSeconds: options.timeoutSeconds,
      pollSeconds: DEFAULT_POLL_SECONDS,
      readBackGraceSeconds: DEFAULT_READ_BACK_GRACE_SECONDS,
    };
    outDirOption = options.outDir;
    dry = options.dryRun;
  } catch (error) {
    if (error instanceof UsageError) deps.errorOutput.write(`drill: ${error.message}\n${USAGE}\n`);
    else if (error instanceof ConfigError) deps.errorOutput.write(`drill: ${error.message}\n`);
    else throw error;
    return EXIT_CODES.usage;
  }

  if (dry) {
    const drillId = drillIdAt(deps.clock.now());
    return dryRun(settings, { ...deps, drillId, outDir: outDirOption ?? join(DEFAULT_REPORTS_DIR, drillId) });
  }

  const record = await runDrill(settings, deps);
  const outDir = outDirOption ?? join(DEFAULT_REPORTS_DIR, record.drillId);
  try {
    const files = writeReport(record, outDir);
    deps.output.write(`report: ${files.join(", ")}\n`);
  } catch (error) {
    deps.errorOutput.write(`drill: could not write the report to ${outDir}: ${(error as Error).message}\n`);
    return record.exitCode === EXIT_CODES.passed ? EXIT_CODES.failed : record.exitCode;
  }
  deps.output.write(`drill ${record.drillId}: ${record.outcome} (exit code ${record.exitCode})\n`);
  return record.exitCode;
}

if (require.main === module) {
  // Route 53 is a global service signed in us-east-1; retries absorb its 5 requests/s limit.
  const route53 = new Route53Client({ region: "us-east-1", maxAttempts: 5 });
  const clients = new Map<string, LambdaClient | FisClient>();
  const regional: RegionalClients = {
    lambda: (region) =>
      (clients.get(`lambda:${region}`) as LambdaClient | undefined) ??
      cache(`lambda:${region}`, new LambdaClient({ region, maxAttempts: 5 })),
    fis: (region) =>
      (clients.get(`fis:${region}`) as FisClient | undefined) ??
      cache(`fis:${region}`, new FisClient({ region, maxAttempts: 5 })),
  };
  function cache<T extends LambdaClient | FisClient>(key: string, client: T): T {
    clients.set(key, client);
    return client;
  }
  main(process.argv.slice(2), {
    env: process.env,
    route53,
    regional,
    http: nodeHttpClient,
    clock: systemClock,
    output: process.stdout,
    errorOutput: process.stderr,
    signals: process,
  })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.stderr.write(`drill: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT_CODES.failed;
    })
    .finally(() => {
      route53.destroy();
      for (const client of clients.values()) client.destroy();
    });
}
