/**
 * A deployment in virtual time, for the drill's tests: Route 53 (aws-sdk-client-mock on a
 * real SDK client), the regional APIs over HTTP (a fake HttpClient), replicated tables,
 * signals and the terminal. Its Route 53 is a model of its own, not the drill's logic:
 * checkers probe on a staggered schedule, and `api.<domain>` answers a standby a fixed time
 * after the primary's check is inverted and the primary again a fixed time after it is not.
 * In active-active routing, `api.<domain>` is one latency record per region: TestDNSAnswer's
 * EDNS0ClientSubnetIP places the client (by the vendored EC2 prefixes) next to a region, and
 * the answer is the nearest region whose check has not been inverted for `failoverAfterMs`
 * (nearest: the client's own region, then `failoverTo`, then config order). Without a client
 * subnet, Route 53 asks from us-east-1's resolver: the fake answers the first region's order.
 */
import { EventEmitter } from "node:events";
import { HEALTH_CHECKER_REGIONS } from "../../../../config/route53-health-checkers";
import {
  ChangeTagsForResourceCommand,
  GetHealthCheckStatusCommand,
  HealthCheckVersionMismatch,
  ListHealthChecksCommand,
  ListTagsForResourceCommand,
  Route53Client,
  TestDNSAnswerCommand,
  UpdateHealthCheckCommand,
  type HealthCheck,
} from "@aws-sdk/client-route-53";
import {
  FisClient,
  GetExperimentCommand,
  ListExperimentsCommand,
  ListExperimentTemplatesCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from "@aws-sdk/client-fis";
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { parseConfig } from "../../../../config/load";
import { DEFAULTS, type RoutingMode, type TicketsConfig } from "../../../../config/schema";
import { CLIENT_SUBNETS, prefixContains } from "../../../../tools/drill/client-subnets";
import { main, type CliDeps } from "../../../../tools/drill/cli";
import { runDrill, type DrillSettings } from "../../../../tools/drill/drill";
import type { HttpClient, HttpRequest, HttpResponse } from "../../../../tools/drill/http";
import type { RegionalClients } from "../../../../tools/drill/context";
import type { FaultKind } from "../../../../tools/drill/faults/fault";
import { FIS_WRITE_COMMANDS } from "../../../../tools/drill/fis";
import { LAMBDA_WRITE_COMMANDS } from "../../../../tools/drill/lambda";
import type { DrillRecord } from "../../../../tools/drill/record";
import { ROUTE53_WRITE_COMMANDS } from "../../../../tools/drill/route53";
import { drillTargets, type DrillTargetOptions } from "../../../../tools/drill/targets";
import { FakeClock } from "./fake-clock";

/** 2026-11-30T09:00:00Z */
export const FAKE_START = Date.UTC(2026, 10, 30, 9, 0, 0);
export const ROUTE53_LATENCY_MS = 80;
export const HTTP_LATENCY_MS = 150;
/** Route 53 health-checker locations (every one Route 53 offers); two checkers in each. */
const CHECKER_REGIONS = HEALTH_CHECKER_REGIONS;

export const TWO_REGIONS = [
  { name: "eu-west-1", label: "ireland" },
  { name: "ap-southeast-1", label: "singapore" },
] as const;
export const THREE_REGIONS = [...TWO_REGIONS, { name: "us-west-2", label: "oregon" }] as const;

export interface FakeDeploymentOptions {
  readonly regions?: readonly { name: string; label: string }[];
  readonly routing?: RoutingMode;
  /** `--region` / `--client-subnet` of the drill the fake's `run()` starts. */
  readonly drill?: DrillTargetOptions;
  readonly failureThreshold?: number;
  /** After the primary's check is inverted, `api.<domain>` answers a standby this much later. */
  readonly failoverAfterMs?: number | "never";
  /** After the check is un-inverted, `api.<domain>` answers the primary this much later. */
  readonly failbackAfterMs?: number | "never";
  /** Standby `api.<domain>` fails over to (the nearest of the latency set). */
  readonly failoverTo?: string;
  readonly replicationLagMs?: number;
  readonly isTTY?: boolean;
  /** `drill.replicationFault` of the fake's config; the FIS template exists when true. */
  readonly replicationFault?: boolean;
}

/** 2026-11-30 fake account. */
export const ACCOUNT = "123456789012";
export const FIS_TEMPLATE_ID = "EXT1a2b3c4d5e6f7a8";
/** FIS takes this long from StartExperiment to running, and from StopExperiment to stopped. */
export const FIS_START_MS = 4_000;
export const FIS_STOP_MS = 3_000;

/** One function of the fake's regions: its reservation and tags. */
export interface FakeFunction {
  readonly name: string;
  readonly region: string;
  readonly arn: string;
  reserved: number | undefined;
  readonly tags: Map<string, string>;
}

export interface FakeExperiment {
  readonly id: string;
  readonly templateId: string;
  readonly startedAt: number;
  stopRequestedAt: number | undefined;
  readonly tags: Record<string, string>;
}

type AwsCall = { command: string; input: Record<string, unknown> };

interface FakeHealthCheck {
  readonly id: string;
  readonly fqdn: string;
  path: string;
  inverted: boolean;
  disabled: boolean;
  version: number;
  tags: Map<string, string>;
  /** Virtual times the inversion was switched on and off. */
  inversions: { from: number; to?: number }[];
}

interface StoredTicket {
  readonly id: string;
  readonly body: Record<string, unknown>;
  readonly writtenIn: string;
  readonly writtenAt: number;
  readonly neverReplicatedTo: ReadonlySet<string>;
}

type Route53CommandName =
  | "ListHealthChecks"
  | "ListTagsForResource"
  | "ChangeTagsForResource"
  | "UpdateHealthCheck"
  | "GetHealthCheckStatus"
  | "TestDNSAnswer";

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

export function fakeConfig(
  regions: readonly { name: string; label: string }[] = TWO_REGIONS,
  failureThreshold = 1,
  routing: RoutingMode = "failover",
  replicationFault = false,
): TicketsConfig {
  return parseConfig({
    domainName: "example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    regions,
    routing,
    healthCheck: { ...DEFAULTS.healthCheck, requestInterval: 10, failureThreshold },
    drill: { replicationFault },
  });
}

export class FakeDeployment {
  readonly clock = new FakeClock(FAKE_START);
  readonly client = new Route53Client({ region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  readonly route53;
  readonly signals = new EventEmitter();
  readonly output: { text: string; isTTY: boolean; write(text: string): void };
  readonly errorOutput = {
    text: "",
    write(text: string) {
      this.text += text;
    },
  };
  readonly config: TicketsConfig;
  readonly healthChecks: FakeHealthCheck[];
  readonly httpLog: HttpRequest[] = [];
  readonly tickets: StoredTicket[] = [];
  /** Regions whose health route answers 503 (and whose checkers report failure). */
  readonly endpointsDown = new Set<string>();
  /** Overrides the region an own endpoint (`<label>.<domain>`) answers from. */
  readonly endpointAnswersFrom = new Map<string, string>();
  /** When set, `api.<domain>` answers this region whatever the health checks say. */
  forcedApiAnswer: string | undefined;
  /** Route 53 has no `api.<domain>` record (TestDNSAnswer: NXDOMAIN). */
  apiRecordMissing = false;
  /** Host names whose connections fail. */
  readonly unreachableHosts = new Set<string>();
  /** This machine is outside the API's `/health` allowlist: API Gateway's resource policy answers 403. */
  healthRefused = false;
  /** n-th ticket created (1-based) -> regions it never replicates to. */
  readonly lostReplicas = new Map<number, Set<string>>();
  /** n-th POST /ticket (1-based, retries count) -> the status it answers instead of creating a ticket. */
  readonly rejectedPosts = new Map<number, number>();
  /** n-th POST /ticket (1-based) that stores its ticket but answers 504. */
  readonly unacknowledgedPosts = new Set<number>();
  private readonly idempotencyRecords = new Map<string, { body: string | undefined; ticket: Record<string, unknown> }>();
  private readonly route53Failures: {
    command: Route53CommandName;
    error: Error;
    times: number;
    when: (input: Record<string, unknown>) => boolean;
  }[] = [];
  afterChangeTags: ((check: FakeHealthCheck) => void) | undefined;
  /** Runs when FIS starts an experiment, e.g. to stop it at once (a stop condition). */
  afterStartExperiment: ((experiment: FakeExperiment) => void) | undefined;
  private posts = 0;
  /** Every region's functions, as Lambda holds them. */
  readonly functions: FakeFunction[] = [];
  /** Periods (virtual ms) a region's functions were all throttled: it answered nothing. */
  readonly outages = new Map<string, { from: number; to?: number }[]>();
  readonly experiments: FakeExperiment[] = [];
  /** FIS experiment templates tagged with the drill's name, in the primary region. */
  readonly fisTemplates: { id: string; tags: Record<string, string> }[] = [];
  readonly lambdaClients = new Map<string, LambdaClient>();
  readonly fisClients = new Map<string, FisClient>();
  private readonly lambdaMocks: ReturnType<typeof mockClient>[] = [];
  private readonly fisMocks: ReturnType<typeof mockClient>[] = [];
  /** Every AWS call of the drill, in order (Route 53, Lambda, FIS), for the IAM policy tests. */
  readonly awsCalls: {
    service: "route53" | "lambda" | "fis";
    region: string;
    command: string;
    input: Record<string, unknown>;
  }[] = [];
  private readonly failures: {
    command: string;
    error: Error;
    times: number;
    when: (input: Record<string, unknown>) => boolean;
  }[] = [];
  private readonly options: Required<Omit<FakeDeploymentOptions, "failoverTo" | "drill">> & {
    failoverTo: string | undefined;
    drill: DrillTargetOptions;
  };

  constructor(options: FakeDeploymentOptions = {}) {
    const regions = options.regions ?? TWO_REGIONS;
    this.options = {
      regions,
      routing: options.routing ?? "failover",
      drill: options.drill ?? {},
      failureThreshold: options.failureThreshold ?? 1,
      failoverAfterMs: options.failoverAfterMs ?? 32_000,
      failbackAfterMs: options.failbackAfterMs ?? 21_000,
      failoverTo: options.failoverTo,
      replicationLagMs: options.replicationLagMs ?? 800,
      isTTY: options.isTTY ?? false,
      replicationFault: options.replicationFault ?? false,
    };
    this.output = {
      text: "",
      isTTY: this.options.isTTY,
      write(text: string) {
        this.text += text;
      },
    };
    this.config = fakeConfig(regions, this.options.failureThreshold, this.options.routing, this.options.replicationFault);
    this.healthChecks = [
      ...regions.map((region, index) => this.newHealthCheck(index + 1, `${region.label}.example.com`, region.label)),
      // Someone else's check in the same account: the drill must not pick it.
      this.newHealthCheck(9, "status.example.org", "status"),
    ];
    for (let index = 1; index <= 9; index += 1) {
      this.tickets.push({
        id: `00000000-0000-4000-8000-1000000000${String(index).padStart(2, "0")}`,
        body: { description: `Existing ticket ${index}` },
        writtenIn: regions[0]!.name,
        writtenAt: FAKE_START - 86_400_000,
        neverReplicatedTo: new Set(),
      });
    }
    this.route53 = mockClient(this.client);
    this.mockRoute53();
    for (const { name: region } of regions) {
      for (const suffix of ["get", "post", "health"]) {
        const name = `tickets-${suffix}`;
        this.functions.push({
          name,
          region,
          arn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`,
          // As the stack sets them: healthCheck.reservedConcurrency on the health function only.
          reserved: suffix === "health" ? 10 : undefined,
          tags: new Map([["Project", "wild-rydes-tickets"]]),
        });
      }
      this.mockLambda(region);
      this.mockFis(region);
    }
    if (this.options.replicationFault) {
      this.fisTemplates.push({ id: FIS_TEMPLATE_ID, tags: { Name: "tickets-drill-replication-pause" } });
    }
  }

  private newHealthCheck(index: number, fqdn: string, label: string): FakeHealthCheck {
    return {
      id: `a1b2c3d4-0000-4000-8000-00000000000${index}`,
      fqdn,
      path: "/health",
      inverted: false,
      disabled: false,
      version: 1,
      tags: new Map([["Name", `${label}-api`]]),
      inversions: [],
    };
  }

  get targets() {
    return drillTargets(this.config, this.options.drill);
  }

  regionAddresses(region: string): string[] {
    const index = this.options.regions.findIndex((entry) => entry.name === region);
    return [`192.0.2.${10 + index * 10}`, `192.0.2.${11 + index * 10}`];
  }

  private regionAtAddress(address: string | undefined): string | undefined {
    if (address === undefined) return this.apiAnswerRegion();
    return this.options.regions.find((region) => this.regionAddresses(region.name).includes(address))?.name;
  }

  checkOf(region: string): FakeHealthCheck {
    const label = this.options.regions.find((entry) => entry.name === region)!.label;
    return this.healthChecks.find((check) => check.fqdn === `${label}.example.com`)!;
  }

  get primaryCheck(): FakeHealthCheck {
    return this.checkOf(this.options.regions[0]!.name);
  }

  /** Route 53 has stopped answering this region's record (its check inverted long enough). */
  private answeredAround(region: string): boolean {
    const now = this.clock.now();
    const { failoverAfterMs, failbackAfterMs } = this.options;
    // The check inverted, or the region really down: either way its record's check fails.
    const last = [...this.checkOf(region).inversions, ...(this.outages.get(region) ?? [])].sort((a, b) => a.from - b.from).at(-1);
    return (
      last !== undefined &&
      failoverAfterMs !== "never" &&
      now >= last.from + failoverAfterMs &&
      (last.to === undefined || failbackAfterMs === "never" || now < last.to + failbackAfterMs)
    );
  }

  /** The configured region whose vendored EC2 prefix holds `ip`, if any. */
  regionOfClient(ip: string | undefined): string | undefined {
    if (ip === undefined) return undefined;
    return this.options.regions.find((region) => {
      const prefix = CLIENT_SUBNETS[region.name];
      return prefix !== undefined && prefixContains(prefix, ip);
    })?.name;
  }

  /**
   * The region serving `api.<domain>` now, by the model in the header comment; in
   * active-active, for a client at `clientIp`.
   */
  apiAnswerRegion(clientIp?: string): string {
    if (this.forcedApiAnswer !== undefined) return this.forcedApiAnswer;
    const regions = this.options.regions.map((region) => region.name);
    const [first, second] = regions as [string, string];
    if (this.options.routing === "failover") {
      return this.answeredAround(first) ? (this.options.failoverTo ?? second) : first;
    }
    const near = this.regionOfClient(clientIp) ?? first;
    const next = this.options.failoverTo !== undefined && this.options.failoverTo !== near ? [this.options.failoverTo] : [];
    const order = [...new Set([near, ...next, ...regions])];
    // With every record unhealthy Route 53 answers as if all were healthy.
    return order.find((region) => !this.answeredAround(region)) ?? near;
  }

  /** Fails the next `times` calls of a Route 53 command (matching `when`) with `error`. */
  failRoute53(
    command: Route53CommandName,
    error: Error,
    options: { times?: number; when?: (input: Record<string, unknown>) => boolean } = {},
  ): void {
    this.route53Failures.push({ command, error, times: options.times ?? 1, when: options.when ?? (() => true) });
  }

  private route53Call(command: Route53CommandName, input: Record<string, unknown>): void {
    this.clock.advance(ROUTE53_LATENCY_MS);
    const failure = this.route53Failures.find((entry) => entry.command === command && entry.times > 0 && entry.when(input));
    if (failure !== undefined) {
      failure.times -= 1;
      throw failure.error;
    }
  }

  private checkById(id: unknown): FakeHealthCheck {
    const check = this.healthChecks.find((entry) => entry.id === id);
    if (check === undefined)
      throw Object.assign(new Error(`No health check exists with the specified ID ${String(id)}`), { name: "NoSuchHealthCheck" });
    return check;
  }

  private mockRoute53(): void {
    const stub = this.route53;
    const pageSize = 2;
    stub.on(ListHealthChecksCommand).callsFake((input: { Marker?: string }) => {
      this.route53Call("ListHealthChecks", input);
      const start = input.Marker === undefined ? 0 : Number(input.Marker);
      const page = this.healthChecks.slice(start, start + pageSize);
      const more = start + pageSize < this.healthChecks.length;
      return {
        HealthChecks: page.map((check): HealthCheck => ({
          Id: check.id,
          CallerReference: `terraform-${check.id}`,
          HealthCheckVersion: check.version,
          HealthCheckConfig: {
            Type: "HTTPS",
            FullyQualifiedDomainName: check.fqdn,
            ResourcePath: check.path,
            Port: 443,
            RequestInterval: 10,
            FailureThreshold: this.options.failureThreshold,
            Inverted: check.inverted,
            Disabled: check.disabled,
            EnableSNI: true,
            MeasureLatency: false,
          },
        })),
        Marker: input.Marker ?? "",
        IsTruncated: more,
        NextMarker: more ? String(start + pageSize) : undefined,
        MaxItems: pageSize,
      };
    });
    stub.on(ListTagsForResourceCommand).callsFake((input: { ResourceId: string }) => {
      this.route53Call("ListTagsForResource", input);
      const check = this.checkById(input.ResourceId);
      return {
        ResourceTagSet: {
          ResourceType: "healthcheck",
          ResourceId: check.id,
          Tags: [...check.tags].map(([Key, Value]) => ({ Key, Value })),
        },
      };
    });
    stub
      .on(ChangeTagsForResourceCommand)
      .callsFake((input: { ResourceId: string; AddTags?: { Key: string; Value: string }[]; RemoveTagKeys?: string[] }) => {
        this.route53Call("ChangeTagsForResource", input);
        const check = this.checkById(input.ResourceId);
        for (const tag of input.AddTags ?? []) check.tags.set(tag.Key, tag.Value);
        for (const key of input.RemoveTagKeys ?? []) check.tags.delete(key);
        this.afterChangeTags?.(check);
        return {};
      });
    stub
      .on(UpdateHealthCheckCommand)
      .callsFake((input: { HealthCheckId: string; HealthCheckVersion?: number; Inverted?: boolean }) => {
        this.route53Call("UpdateHealthCheck", input);
        const check = this.checkById(input.HealthCheckId);
        if (input.HealthCheckVersion !== undefined && input.HealthCheckVersion !== check.version) {
          throw new HealthCheckVersionMismatch({
            message: "The value of HealthCheckVersion in the request doesn't match",
            $metadata: {},
          });
        }
        if (input.Inverted !== undefined && input.Inverted !== check.inverted) {
          const now = this.clock.now();
          if (input.Inverted) check.inversions.push({ from: now });
          else check.inversions.at(-1)!.to = now;
          check.inverted = input.Inverted;
        }
        check.version += 1;
        return {
          HealthCheck: {
            Id: check.id,
            CallerReference: "x",
            HealthCheckVersion: check.version,
            HealthCheckConfig: { Type: "HTTPS" },
          },
        };
      });
    stub.on(GetHealthCheckStatusCommand).callsFake((input: { HealthCheckId: string }) => {
      this.route53Call("GetHealthCheckStatus", input);
      const check = this.checkById(input.HealthCheckId);
      const region = this.options.regions.find((entry) => check.fqdn === `${entry.label}.example.com`)?.name;
      const up = (at: number) => region !== undefined && !this.endpointsDown.has(region) && !this.throttledAt(region, at);
      const interval = 10_000;
      const checkers = CHECKER_REGIONS.flatMap((checkerRegion, index) =>
        [0, 1].map((n) => ({ checkerRegion, k: index * 2 + n })),
      );
      return {
        HealthCheckObservations: checkers.map(({ checkerRegion, k }) => {
          // Checker k probes every interval, offset by k/16 of it: reports arrive staggered.
          const phase = (k * interval) / checkers.length;
          const sinceEpoch = this.clock.now() - FAKE_START - phase;
          const checkedAt = FAKE_START + phase + Math.floor(sinceEpoch / interval) * interval;
          return {
            Region: checkerRegion,
            IPAddress: `15.177.${k}.1`,
            StatusReport: {
              Status: up(checkedAt) ? "Success: HTTP Status Code 200, OK" : "Failure: HTTP Status Code 503, Service Unavailable",
              CheckedTime: new Date(checkedAt),
            },
          };
        }),
      };
    });
    stub
      .on(TestDNSAnswerCommand)
      .callsFake((input: { HostedZoneId: string; RecordName: string; EDNS0ClientSubnetIP?: string }) => {
        this.route53Call("TestDNSAnswer", input);
        const base = { Nameserver: "ns-1.awsdns-01.org", RecordName: input.RecordName, RecordType: "A", Protocol: "UDP" };
        if (input.HostedZoneId !== this.config.hostedZoneId || input.RecordName !== "api.example.com" || this.apiRecordMissing) {
          return { ...base, RecordData: [], ResponseCode: "NXDOMAIN" };
        }
        return {
          ...base,
          RecordData: this.regionAddresses(this.apiAnswerRegion(input.EDNS0ClientSubnetIP)),
          ResponseCode: "NOERROR",
        };
      });
  }

  readonly http: HttpClient = async (request) => {
    this.clock.advance(HTTP_LATENCY_MS);
    // As node's client does: a request whose signal aborts while in flight rejects.
    request.signal?.throwIfAborted();
    this.httpLog.push(request);
    const url = new URL(request.url);
    const endpointRegion = this.options.regions.find((region) => url.hostname === `${region.label}.example.com`)?.name;
    const region = url.hostname === "api.example.com" ? this.regionAtAddress(request.address) : endpointRegion;
    if (region === undefined) throw new Error(`getaddrinfo ENOTFOUND ${url.hostname}`);
    if (this.unreachableHosts.has(url.hostname)) throw new Error(`connect ETIMEDOUT ${url.hostname}:443`);
    const route = `${request.method} ${url.pathname}`;
    // Every function throttled: API Gateway answers 500 without calling one (no region in the body).
    if (this.throttledAt(region, this.clock.now())) return json(500, { message: "Internal server error" });
    if (route === "GET /health" && this.healthRefused) {
      // API Gateway's body for a request the resource policy denies.
      return json(403, {
        Message: "User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:...",
      });
    }
    if (route === "GET /health") {
      const answeredFrom = (endpointRegion !== undefined && this.endpointAnswersFrom.get(endpointRegion)) || region;
      return this.endpointsDown.has(region)
        ? json(503, { region: answeredFrom, message: "Tickets API is unavailable in this region" })
        : json(200, { region: answeredFrom, message: "Tickets API is healthy: the regional table answered" });
    }
    if (route === "POST /ticket") return this.createTicket(region, request);
    if (route === "GET /ticket") return this.listTickets(region, url);
    return json(404, { message: "Not Found" });
  };

  /** Like the API: within a region, a repeated Idempotency-Key with the same body answers the first ticket. */
  private createTicket(region: string, request: HttpRequest): HttpResponse {
    this.posts += 1;
    const rejected = this.rejectedPosts.get(this.posts);
    if (rejected !== undefined) return json(rejected, { message: "Service Unavailable" }, { "retry-after": "1" });
    const key = request.headers?.["idempotency-key"];
    const replay = key === undefined ? undefined : this.idempotencyRecords.get(`${region}#${key}`);
    if (replay !== undefined) {
      return replay.body === request.body
        ? json(201, replay.ticket)
        : json(422, { message: "Idempotency-Key reused with another body" });
    }
    const number = this.tickets.length - 8;
    const id = `00000000-0000-4000-8000-0000000000${String(number).padStart(2, "0")}`;
    const body = { ...(JSON.parse(request.body ?? "{}") as Record<string, unknown>), id, createdOn: "2026-11-30 09:00:00" };
    this.tickets.push({
      id,
      body,
      writtenIn: region,
      writtenAt: this.clock.now(),
      neverReplicatedTo: this.lostReplicas.get(number) ?? new Set(),
    });
    if (key !== undefined) this.idempotencyRecords.set(`${region}#${key}`, { body: request.body, ticket: body });
    // Stored, but the answer is lost on the way back (a timeout at the gateway).
    if (this.unacknowledgedPosts.has(this.posts)) return json(504, { message: "Endpoint request timed out" });
    return json(201, body);
  }

  private listTickets(region: string, url: URL): HttpResponse {
    const now = this.clock.now();
    const visible = this.tickets.filter(
      (ticket) => ticket.writtenIn === region || (!ticket.neverReplicatedTo.has(region) && now >= this.replicatedAt(ticket)),
    );
    // Pages of at most 4 whatever the limit, so reading back has to follow X-Next-Token.
    const start = Number(url.searchParams.get("nextToken") ?? "0");
    const size = Math.min(Number(url.searchParams.get("limit") ?? "100"), 4);
    const page = visible.slice(start, start + size).map((ticket) => ticket.body);
    return json(200, page, start + size < visible.length ? { "x-next-token": String(start + size) } : {});
  }

  /** Whether every function of `region` had reserved concurrency 0 at `at`. */
  throttledAt(region: string, at: number): boolean {
    return (this.outages.get(region) ?? []).some((outage) => at >= outage.from && (outage.to === undefined || at < outage.to));
  }

  /** Replication paused from an experiment's running until its stop (virtual ms), else undefined. */
  pauseOf(experiment: FakeExperiment): { from: number; to: number | undefined } {
    return {
      from: experiment.startedAt + FIS_START_MS,
      to: experiment.stopRequestedAt === undefined ? undefined : experiment.stopRequestedAt + FIS_STOP_MS,
    };
  }

  /** When a ticket reaches the other regions: the lag after its write, or after the pause it was written in. */
  private replicatedAt(ticket: StoredTicket): number {
    const pause = this.experiments
      .map((experiment) => this.pauseOf(experiment))
      .find(({ from, to }) => ticket.writtenAt >= from && (to === undefined || ticket.writtenAt < to));
    if (pause === undefined) return ticket.writtenAt + this.options.replicationLagMs;
    return pause.to === undefined ? Number.POSITIVE_INFINITY : pause.to + this.options.replicationLagMs;
  }

  experimentStatus(experiment: FakeExperiment): string {
    const now = this.clock.now();
    if (experiment.stopRequestedAt !== undefined) return now >= experiment.stopRequestedAt + FIS_STOP_MS ? "stopped" : "stopping";
    return now >= experiment.startedAt + FIS_START_MS ? "running" : "initiating";
  }

  /** Fails the next `times` Lambda or FIS calls of `command` (e.g. "PutFunctionConcurrency") matching `when`. */
  failAws(
    command: string,
    error: Error,
    options: { times?: number; when?: (input: Record<string, unknown>) => boolean } = {},
  ): void {
    this.failures.push({ command, error, times: options.times ?? 1, when: options.when ?? (() => true) });
  }

  private awsCall(service: "lambda" | "fis", region: string, command: string, input: Record<string, unknown>): void {
    this.clock.advance(ROUTE53_LATENCY_MS);
    this.awsCalls.push({ service, region, command, input });
    const failure = this.failures.find((entry) => entry.command === command && entry.times > 0 && entry.when(input));
    if (failure !== undefined) {
      failure.times -= 1;
      throw failure.error;
    }
  }

  functionOf(region: string, name: string): FakeFunction {
    const found = this.functions.find((fn) => fn.region === region && (fn.name === name || fn.arn === name));
    if (found === undefined) {
      throw Object.assign(new Error(`Function not found: ${name}`), { name: "ResourceNotFoundException" });
    }
    return found;
  }

  /** Starts or ends the region's outage as its functions' reservations say. */
  private updateOutage(region: string): void {
    const down = this.functions.filter((fn) => fn.region === region).every((fn) => fn.reserved === 0);
    const outages = this.outages.get(region) ?? [];
    this.outages.set(region, outages);
    const open = outages.find((outage) => outage.to === undefined);
    if (down && open === undefined) outages.push({ from: this.clock.now() });
    if (!down && open !== undefined) open.to = this.clock.now();
  }

  private mockLambda(region: string): void {
    const client = new LambdaClient({ region, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    this.lambdaClients.set(region, client);
    const stub = mockClient(client);
    this.lambdaMocks.push(stub as unknown as ReturnType<typeof mockClient>);
    const call = (command: string, input: Record<string, unknown>) => this.awsCall("lambda", region, command, input);
    stub.on(GetFunctionCommand).callsFake((input: { FunctionName: string }) => {
      call("GetFunction", input);
      const fn = this.functionOf(region, input.FunctionName);
      return { Configuration: { FunctionName: fn.name, FunctionArn: fn.arn }, Tags: Object.fromEntries(fn.tags) };
    });
    stub.on(GetFunctionConcurrencyCommand).callsFake((input: { FunctionName: string }) => {
      call("GetFunctionConcurrency", input);
      return { ReservedConcurrentExecutions: this.functionOf(region, input.FunctionName).reserved };
    });
    stub.on(PutFunctionConcurrencyCommand).callsFake((input: { FunctionName: string; ReservedConcurrentExecutions: number }) => {
      call("PutFunctionConcurrency", input);
      this.functionOf(region, input.FunctionName).reserved = input.ReservedConcurrentExecutions;
      this.updateOutage(region);
      return { ReservedConcurrentExecutions: input.ReservedConcurrentExecutions };
    });
    stub.on(DeleteFunctionConcurrencyCommand).callsFake((input: { FunctionName: string }) => {
      call("DeleteFunctionConcurrency", input);
      this.functionOf(region, input.FunctionName).reserved = undefined;
      this.updateOutage(region);
      return {};
    });
    stub.on(TagResourceCommand).callsFake((input: { Resource: string; Tags: Record<string, string> }) => {
      call("TagResource", input);
      for (const [key, value] of Object.entries(input.Tags)) this.functionOf(region, input.Resource).tags.set(key, value);
      return {};
    });
    stub.on(UntagResourceCommand).callsFake((input: { Resource: string; TagKeys: string[] }) => {
      call("UntagResource", input);
      for (const key of input.TagKeys) this.functionOf(region, input.Resource).tags.delete(key);
      return {};
    });
  }

  private experiment(id: unknown): FakeExperiment {
    const found = this.experiments.find((experiment) => experiment.id === id);
    if (found === undefined)
      throw Object.assign(new Error(`experiment ${String(id)} not found`), { name: "ResourceNotFoundException" });
    return found;
  }

  private mockFis(region: string): void {
    const client = new FisClient({ region, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    this.fisClients.set(region, client);
    // client-fis 3.523.0 is built on older smithy types than aws-sdk-client-mock's: the same calls, looser types.
    const stub = mockClient(client as never) as any;
    this.fisMocks.push(stub);
    const primary = region === this.options.regions[0]!.name;
    const call = (command: string, input: Record<string, unknown>) => this.awsCall("fis", region, command, input);
    stub.on(ListExperimentTemplatesCommand).callsFake((input: Record<string, unknown>) => {
      call("ListExperimentTemplates", input);
      return { experimentTemplates: primary ? this.fisTemplates.map((template) => ({ ...template })) : [] };
    });
    stub.on(ListExperimentsCommand).callsFake((input: Record<string, unknown>) => {
      call("ListExperiments", input);
      return {
        experiments: this.experiments.map((experiment) => ({
          id: experiment.id,
          experimentTemplateId: experiment.templateId,
          state: { status: this.experimentStatus(experiment) as never },
        })),
      };
    });
    stub.on(StartExperimentCommand).callsFake((input: { experimentTemplateId: string; tags?: Record<string, string> }) => {
      call("StartExperiment", input);
      const experiment: FakeExperiment = {
        id: `EXP${String(this.experiments.length + 1).padStart(14, "0")}`,
        templateId: input.experimentTemplateId,
        startedAt: this.clock.now(),
        stopRequestedAt: undefined,
        tags: input.tags ?? {},
      };
      this.experiments.push(experiment);
      this.afterStartExperiment?.(experiment);
      return { experiment: { id: experiment.id, state: { status: "initiating" as never } } };
    });
    stub.on(GetExperimentCommand).callsFake((input: { id: string }) => {
      call("GetExperiment", input);
      const experiment = this.experiment(input.id);
      return { experiment: { id: experiment.id, state: { status: this.experimentStatus(experiment) as never } } };
    });
    stub.on(StopExperimentCommand).callsFake((input: { id: string }) => {
      call("StopExperiment", input);
      const experiment = this.experiment(input.id);
      experiment.stopRequestedAt ??= this.clock.now();
      return { experiment: { id: experiment.id, state: { status: "stopping" as never } } };
    });
  }

  readonly regional: RegionalClients = {
    lambda: (region) => this.lambdaClients.get(region)!,
    fis: (region) => this.fisClients.get(region)!,
  };

  /** Lambda and FIS calls that change something, in order. */
  regionalWriteCalls(): AwsCall[] {
    const writes = new Set<string>(
      [...LAMBDA_WRITE_COMMANDS, ...FIS_WRITE_COMMANDS].map((command) => command.name.replace(/Command$/, "")),
    );
    return this.awsCalls.filter((call) => writes.has(call.command)).map(({ command, input }) => ({ command, input }));
  }

  /** Route 53 calls that change something, in order, as `Command input`. */
  writeCalls(): { command: string; input: Record<string, unknown> }[] {
    const writes = new Set<unknown>(ROUTE53_WRITE_COMMANDS);
    return this.route53
      .calls()
      .map((call) => call.args[0] as unknown as { constructor: unknown; input: Record<string, unknown> })
      .filter((command) => writes.has(command.constructor))
      .map((command) => ({ command: (command.constructor as { name: string }).name, input: command.input }));
  }

  posted(): HttpRequest[] {
    return this.httpLog.filter((request) => request.method === "POST");
  }

  settings(overrides: Partial<DrillSettings> = {}): DrillSettings {
    return {
      targets: this.targets,
      fault: "health-check" as FaultKind,
      configSource: "test deployment",
      probes: 20,
      timeoutSeconds: 300,
      pollSeconds: 5,
      readBackGraceSeconds: 60,
      ...overrides,
    };
  }

  run(overrides: Partial<DrillSettings> = {}): Promise<DrillRecord> {
    return runDrill(this.settings(overrides), {
      route53: this.client,
      regional: this.regional,
      http: this.http,
      clock: this.clock,
      output: this.output,
      signals: this.signals,
    });
  }

  /** `npm run drill -- <args>` against this deployment. */
  cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
    const deps: CliDeps = {
      env,
      route53: this.client,
      regional: this.regional,
      http: this.http,
      clock: this.clock,
      output: this.output,
      errorOutput: this.errorOutput,
      signals: this.signals,
    };
    return main(args, deps);
  }
}
