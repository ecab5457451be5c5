/** `npm run drill -- [--config <file>] [--fault <kind>] [--region <name>] [--client-subnet <ipv4>] [--dry-run] [--timeout <s>] [--probes <n>] [--out <dir>]` */
import { parseArgs } from "node:util";
import { givenClientSubnet, type ClientSubnet } from "./client-subnets";
import { DEFAULT_FAULT, FAULT_KINDS, type FaultKind } from "./faults/kinds";
import { FAULT_SUMMARIES, isFaultKind } from "./faults/summaries";

/** `  health-check  invert ...` per kind, for the usage and the error naming the kinds. */
export const FAULT_LIST = FAULT_KINDS.map((kind) => `    ${kind.padEnd(13)} ${FAULT_SUMMARIES[kind]}`).join("\n");

export const USAGE =
  "usage: npm run drill -- [--config <file>] [--fault <kind>] [--region <name>] [--client-subnet <ipv4>] [--dry-run] [--timeout <s>] [--probes <n>] [--out <dir>]\n" +
  "  --config <file>         settings file (default: $TICKETS_CONFIG, else the built-in defaults)\n" +
  `  --fault <kind>          what breaks (default: ${DEFAULT_FAULT}):\n${FAULT_LIST}\n` +
  "  --region <name>         region to break, code or label (default: the first; failover mode always breaks the primary)\n" +
  "  --client-subnet <ipv4>  active-active: ask Route 53 as a client at this address (default: an EC2 address of --region)\n" +
  "  --dry-run               print every step with the names and ids it would touch; no AWS write call\n" +
  "  --timeout <s>           longest wait for failover, and again for fail back (10..3600, default 300)\n" +
  "  --probes <n>            probe tickets written during the drill (0..500, default 20)\n" +
  "  --out <dir>             report directory (default: drill-reports/<drill id>)";

export const DEFAULT_TIMEOUT_SECONDS = 300;
export const DEFAULT_PROBES = 20;
const TIMEOUT_RANGE = [10, 3600] as const;
const PROBES_RANGE = [0, 500] as const;

export interface DrillOptions {
  readonly configFile: string | undefined;
  readonly fault: FaultKind;
  readonly region: string | undefined;
  readonly clientSubnet: ClientSubnet | undefined;
  readonly dryRun: boolean;
  readonly timeoutSeconds: number;
  readonly probes: number;
  readonly outDir: string | undefined;
  readonly help: boolean;
}

/** Bad arguments: the message names the option. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

function wholeNumber(option: string, text: string | undefined, fallback: number, [min, max]: readonly [number, number]): number {
  if (text === undefined) return fallback;
  const value = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${option}: "${text}" is not a whole number from ${min} to ${max}`);
  return value;
}

function nonEmpty(option: string, text: string | undefined): string | undefined {
  if (text !== undefined && text.trim() === "") throw new UsageError(`${option}: needs a value`);
  return text;
}

export function parseDrillArgs(args: readonly string[]): DrillOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: "string" },
        fault: { type: "string" },
        region: { type: "string" },
        "client-subnet": { type: "string" },
        "dry-run": { type: "boolean" },
        timeout: { type: "string" },
        probes: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const clientSubnetText = nonEmpty("--client-subnet", values["client-subnet"]);
  const clientSubnet = clientSubnetText === undefined ? undefined : givenClientSubnet(clientSubnetText.trim());
  if (clientSubnetText !== undefined && clientSubnet === undefined) {
    throw new UsageError(`--client-subnet: "${clientSubnetText}" is not an IPv4 address`);
  }
  const fault = nonEmpty("--fault", values.fault)?.trim() ?? DEFAULT_FAULT;
  if (!isFaultKind(fault)) throw new UsageError(`--fault: "${fault}" is not a fault; the kinds are:\n${FAULT_LIST}`);
  return {
    configFile: nonEmpty("--config", values.config),
    fault,
    region: nonEmpty("--region", values.region)?.trim(),
    clientSubnet,
    dryRun: values["dry-run"] ?? false,
    timeoutSeconds: wholeNumber("--timeout", values.timeout, DEFAULT_TIMEOUT_SECONDS, TIMEOUT_RANGE),
    probes: wholeNumber("--probes", values.probes, DEFAULT_PROBES, PROBES_RANGE),
    outDir: nonEmpty("--out", values.out),
    help: values.help ?? false,
  };
}
