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
import { mockClient } from "aws-sdk-client-mock";
import { parseConfig } from "../../../../config/load";
import { DEFAULTS, type RoutingMode, type TicketsConfig } from "../../../../config/schema";
import { CLIENT_SUBNETS, prefixContains } from "../../../../tools/drill/client-subnets";
import { main, type CliDeps } from "../../../../tools/drill/cli";
import { runDrill, type DrillSettings } from "../../../../tools/drill/drill";
import type { HttpClient, HttpRequest, HttpResponse } from "../../../../tools/drill/http";
import type { DrillRecord } from "../../../../tools/drill/record";
import { ROUTE53_WRITE_COMMANDS } from "../../../../tools/drill/route53";
import { drillTargets, type DrillTargetOptions } from "../../../../tools/drill/targets";
import { FakeClock } from "./fake-clock";

/** 2026-11-30T09:00:00Z */
export const FAKE_START = Date.UTC(2026, 10, 30, 9, 0, 0);
export const ROUTE53_LATENCY_MS = 80;
export const HTTP_LATENCY_MS = 150;
/** Route 53 health-checker locations; two checkers in each. */
const CHECKER_REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
];

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
}

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
): TicketsConfig {
  return parseConfig({
    domainName: "example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    regions,
    routing,
    healthCheck: { ...DEFAULTS.healthCheck, requestInterval: 10, failureThreshold },
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
  private posts = 0;
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
    };
    this.output = {
      text: "",
      isTTY: this.options.isTTY,
      write(text: string) {
        this.text += text;
      },
    };
    this.config = fakeConfig(regions, this.options.failureThreshold, this.options.routing);
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
    const last = this.checkOf(region).inversions.at(-1);
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
      const up = region !== undefined && !this.endpointsDown.has(region);
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
              Status: up ? "Success: HTTP Status Code 200, OK" : "Failure: HTTP Status Code 503, Service Unavailable",
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
      (ticket) =>
        ticket.writtenIn === region ||
        (!ticket.neverReplicatedTo.has(region) && now >= ticket.writtenAt + this.options.replicationLagMs),
    );
    // Pages of at most 4 whatever the limit, so reading back has to follow X-Next-Token.
    const start = Number(url.searchParams.get("nextToken") ?? "0");
    const size = Math.min(Number(url.searchParams.get("limit") ?? "100"), 4);
    const page = visible.slice(start, start + size).map((ticket) => ticket.body);
    return json(200, page, start + size < visible.length ? { "x-next-token": String(start + size) } : {});
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
      http: this.http,
      clock: this.clock,
      output: this.output,
      errorOutput: this.errorOutput,
      signals: this.signals,
    };
    return main(args, deps);
  }
}
