/**
 * The Route 53 calls a drill makes, over an injected SDK v3 client (tests mock it with
 * aws-sdk-client-mock). Reads: ListHealthChecks, ListTagsForResource, GetHealthCheckStatus,
 * TestDNSAnswer. Writes: ChangeTagsForResource (the marker) and UpdateHealthCheck (Inverted).
 */
import {
  ChangeTagsForResourceCommand,
  type ChangeTagsForResourceCommandInput,
  GetHealthCheckStatusCommand,
  ListHealthChecksCommand,
  ListTagsForResourceCommand,
  TestDNSAnswerCommand,
  UpdateHealthCheckCommand,
  type HealthCheck,
  type HealthCheckConfig,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import type { ClientSubnet } from "./client-subnets";
import { DRILL_MARKER_TAG } from "./targets";

/** The SDK commands that change something: a dry run sends none of them. */
export const ROUTE53_WRITE_COMMANDS = [ChangeTagsForResourceCommand, UpdateHealthCheckCommand] as const;

export interface HealthCheckInfo {
  readonly id: string;
  readonly type: string;
  /** Lower case, without a trailing dot. */
  readonly fqdn: string | undefined;
  readonly path: string | undefined;
  readonly port: number | undefined;
  readonly inverted: boolean;
  readonly disabled: boolean;
  readonly version: number;
  readonly requestInterval: number | undefined;
  readonly failureThreshold: number | undefined;
}

/** One health checker's last check. */
export interface CheckerReport {
  readonly checker: string;
  /** Whether the endpoint answered as healthy (2xx/3xx in time) at that check. */
  readonly success: boolean;
  /** Epoch milliseconds of the check, by AWS's clock. */
  readonly checkedAt: number | undefined;
  readonly status: string;
}

export interface DnsAnswer {
  readonly responseCode: string;
  readonly addresses: readonly string[];
}

/** What the drill reads of one health check of ListHealthChecks. */
function healthCheckInfo(check: HealthCheck): HealthCheckInfo {
  const config: Partial<HealthCheckConfig> = check.HealthCheckConfig ?? {};
  return {
    id: check.Id ?? "",
    type: config.Type ?? "",
    fqdn: config.FullyQualifiedDomainName?.toLowerCase().replace(/\.$/, ""),
    path: config.ResourcePath,
    port: config.Port,
    inverted: config.Inverted ?? false,
    disabled: config.Disabled ?? false,
    version: check.HealthCheckVersion ?? 0,
    requestInterval: config.RequestInterval,
    failureThreshold: config.FailureThreshold,
  };
}

export class DrillRoute53 {
  constructor(private readonly client: Route53Client) {}

  // Every read passes its signal to the SDK and, once the signal has aborted, drops the answer
  // even if the call completed: a stopped drill acts on nothing it read after the stop.

  /** Every health check of the account (ListHealthChecks, all pages). */
  async listHealthChecks(signal?: AbortSignal): Promise<HealthCheckInfo[]> {
    const checks: HealthCheckInfo[] = [];
    let marker: string | undefined;
    do {
      const page = await this.client.send(new ListHealthChecksCommand({ Marker: marker }), { abortSignal: signal });
      signal?.throwIfAborted();
      checks.push(...(page.HealthChecks ?? []).map(healthCheckInfo));
      marker = page.IsTruncated ? page.NextMarker : undefined;
    } while (marker !== undefined);
    return checks;
  }

  /** The value of the drill marker tag on a health check, if any. */
  async markerOf(healthCheckId: string, signal?: AbortSignal): Promise<string | undefined> {
    const result = await this.client.send(
      new ListTagsForResourceCommand({ ResourceType: "healthcheck", ResourceId: healthCheckId }),
      { abortSignal: signal },
    );
    signal?.throwIfAborted();
    return result.ResourceTagSet?.Tags?.find((tag) => tag.Key === DRILL_MARKER_TAG)?.Value;
  }

  async setMarker(healthCheckId: string, drillId: string): Promise<void> {
    await this.changeMarker(healthCheckId, { AddTags: [{ Key: DRILL_MARKER_TAG, Value: drillId }] });
  }

  async removeMarker(healthCheckId: string): Promise<void> {
    await this.changeMarker(healthCheckId, { RemoveTagKeys: [DRILL_MARKER_TAG] });
  }

  /** Adds or removes the drill marker tag of a health check (ChangeTagsForResource). */
  private async changeMarker(
    healthCheckId: string,
    change: Pick<ChangeTagsForResourceCommandInput, "AddTags" | "RemoveTagKeys">,
  ): Promise<void> {
    await this.client.send(
      new ChangeTagsForResourceCommand({ ResourceType: "healthcheck", ResourceId: healthCheckId, ...change }),
    );
  }

  /**
   * Inverts or un-inverts a health check. With `version`, Route 53 refuses the change when
   * someone else changed the health check since it was read (HealthCheckVersionMismatch).
   */
  async setInverted(healthCheckId: string, inverted: boolean, version?: number): Promise<void> {
    await this.client.send(
      new UpdateHealthCheckCommand({ HealthCheckId: healthCheckId, Inverted: inverted, HealthCheckVersion: version }),
    );
  }

  /** Each checker's last check (GetHealthCheckStatus). */
  async checkerReports(healthCheckId: string, signal?: AbortSignal): Promise<CheckerReport[]> {
    const result = await this.client.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }), {
      abortSignal: signal,
    });
    signal?.throwIfAborted();
    return (result.HealthCheckObservations ?? []).map((observation) => {
      const status = observation.StatusReport?.Status ?? "";
      return {
        checker: `${observation.Region ?? "?"}/${observation.IPAddress ?? "?"}`,
        success: status.startsWith("Success"),
        checkedAt: observation.StatusReport?.CheckedTime?.getTime(),
        status,
      };
    });
  }

  /**
   * What Route 53's own name servers answer for an A record (no resolver cache involved). With
   * `clientSubnet`, asked as a client there (EDNS0ClientSubnetIP and EDNS0ClientSubnetMask),
   * through a resolver at the same address (ResolverIP; without it TestDNSAnswer simulates a
   * resolver in us-east-1): latency routing answers for that area whether it goes by the
   * client subnet or by the resolver.
   */
  async answer(hostedZoneId: string, recordName: string, signal?: AbortSignal, clientSubnet?: ClientSubnet): Promise<DnsAnswer> {
    const result = await this.client.send(
      new TestDNSAnswerCommand({
        HostedZoneId: hostedZoneId,
        RecordName: recordName,
        RecordType: "A",
        ...(clientSubnet === undefined
          ? {}
          : {
              ResolverIP: clientSubnet.ip,
              EDNS0ClientSubnetIP: clientSubnet.ip,
              EDNS0ClientSubnetMask: String(clientSubnet.mask),
            }),
      }),
      { abortSignal: signal },
    );
    signal?.throwIfAborted();
    return { responseCode: result.ResponseCode ?? "", addresses: [...(result.RecordData ?? [])].sort() };
  }
}

/**
 * Route 53 counts an endpoint healthy when more than 18 % of its checkers report it healthy
 * (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is
 * healthy").
 */
export const HEALTHY_CHECKER_SHARE = 0.18;

export interface RoutingHealth {
  readonly status: "healthy" | "unhealthy";
  /** Checkers counting the endpoint healthy, as Route 53 routes on it. */
  readonly healthyCheckers: number;
  readonly checkers: number;
}

/**
 * The health Route 53 routes on, from the checkers' last checks. `invertedAt(t)` says
 * whether the health check was inverted at time t: a checker's result counts inverted when
 * its check ran while the inversion was in force, so the status flips as the checkers catch
 * up with the change rather than the moment the drill sends it.
 */
export function routingHealth(
  reports: readonly CheckerReport[],
  invertedAt: (checkedAt: number | undefined) => boolean,
): RoutingHealth {
  const healthyCheckers = reports.filter((report) => report.success !== invertedAt(report.checkedAt)).length;
  const healthy = reports.length > 0 && healthyCheckers / reports.length > HEALTHY_CHECKER_SHARE;
  return { status: healthy ? "healthy" : "unhealthy", healthyCheckers, checkers: reports.length };
}
