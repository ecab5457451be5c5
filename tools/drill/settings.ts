/** What a drill is given: its settings and its dependencies (clients, clock, terminal, signals). */
import type { FisClient } from "@aws-sdk/client-fis";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { Clock } from "./clock";
import type { HttpClient } from "./http";
import type { Output } from "./progress";
import type { DrillTargets } from "./targets";
import type { FaultKind } from "./faults/kinds";

export type DrillSignal = "SIGINT" | "SIGTERM";

export interface SignalSource {
  on(signal: DrillSignal, listener: () => void): unknown;
  off(signal: DrillSignal, listener: () => void): unknown;
}

/** AWS clients per region, made on first use (Lambda and FIS are regional; Route 53 is global). */
export interface RegionalClients {
  lambda(region: string): LambdaClient;
  fis(region: string): FisClient;
}

export interface DrillDeps {
  readonly route53: Route53Client;
  readonly regional: RegionalClients;
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly output: Output;
  readonly signals: SignalSource;
}

export interface DrillSettings {
  readonly targets: DrillTargets;
  /** What breaks (`--fault`). */
  readonly fault: FaultKind;
  readonly configSource: string;
  readonly probes: number;
  /** Longest wait for failover, and again for fail back. */
  readonly timeoutSeconds: number;
  /** Seconds between polls of health and DNS: the resolution of every measured time. */
  readonly pollSeconds: number;
  /** How long reading back waits for replication before a missing probe counts as lost. */
  readonly readBackGraceSeconds: number;
}
