import { join } from "node:path";
import { Construct } from "constructs";
import { Fn, S3Backend, TerraformOutput, Token } from "cdktf";
import { ROUTE53_METRICS_REGION } from "../config/aws-regions";
import { API_LABEL, STANDBY_SET_LABEL, type TicketsConfig } from "../config/schema";
import { ClientErrorAlarms } from "../constructs/client-error-alarms";
import { DomainCertificates } from "../constructs/domain-certificates";
import { ApiDns } from "../constructs/api-dns";
import { GlobalTable } from "../constructs/global-table";
import { HealthAlarms } from "../constructs/health-alarms";
import { OperationsDashboard, tableOperations } from "../constructs/operations-dashboard";
import { ReplicationAlarms } from "../constructs/replication-alarms";
import { ReplicationFault } from "../constructs/replication-fault";
import { LambdaBundles } from "../constructs/lambda-bundles";
import { RegionalApi } from "../constructs/regional-api";
import { RegionalDomains } from "../constructs/regional-domains";
import { RegionalProviders } from "../constructs/regional-providers";
import { stateKeyAlias } from "../config/state-backend";
import { apiUrl, regionUrl } from "../config/urls";
import { IDEMPOTENCY_TABLE } from "../contract/handlers";
import { PROJECT_ROOT } from "../bundling/project-root";
import { healthCheckerCidrs } from "../config/route53-health-checkers";
import { deploymentVariables } from "./deployment-inputs";
import { RUNBOOK_SECTIONS } from "./runbook";
import { StableAddressStack } from "./stable-addresses";

export interface TicketsStackProps {
  readonly config: TicketsConfig;
  /**
   * The per-deployment settings as Terraform input variables instead of config values (for
   * the plain Terraform module; see deployment-inputs.ts). @default false
   */
  readonly deploymentVariables?: boolean;
}

/** The stack's two global tables: the tickets and Powertools' idempotency records. */
interface Tables {
  readonly tickets: GlobalTable;
  readonly idempotency: GlobalTable;
}

/** One region's API and what hangs off it. */
interface RegionalParts {
  readonly region: string;
  readonly label: string;
  readonly api: RegionalApi;
  readonly domains: RegionalDomains;
  readonly clientErrors: ClientErrorAlarms;
}

/** What the outputs and the dashboard read from the stack's monitoring. */
interface Monitoring {
  readonly alarms: HealthAlarms;
  readonly replication: ReplicationAlarms;
  readonly replicationFault?: ReplicationFault;
}

/**
 * The multi-region ticket API: in every configured region the functions, the REST API, its
 * custom domains and a table replica; Route 53 failover from the primary to the standbys;
 * health alarms in us-east-1. State lives in the bootstrap bucket.
 */
export class TicketsStack extends StableAddressStack {
  private readonly providers: RegionalProviders;

  constructor(scope: Construct, id: string, props: TicketsStackProps) {
    super(scope, id);
    const config = { ...props.config, ...(props.deploymentVariables ? deploymentVariables(this, props.config) : {}) };
    this.stateBackend(config, id);
    this.providers = new RegionalProviders(this, "providers", {
      regions: config.regions.map((region) => region.name),
      tags: config.tags,
    });
    const tables = this.tables(config);
    const regional = this.regionalApis(config, tables);
    // The id predates active-active: kept, since the records' and checks' addresses derive from it.
    const dns = new ApiDns(this, "failover-dns", {
      provider: this.primaryProvider(config),
      hostedZoneId: config.hostedZoneId,
      apiDomainName: apiDomainName(config),
      standbySetDomainName: `${STANDBY_SET_LABEL}.${config.domainName}`,
      regions: regional.map(({ region, label, domains, clientErrors }) => ({
        region,
        label,
        regionalDomainName: domains.regionalDomainName,
        regionalRecord: domains.regionalRecord,
        apiTarget: domains.apiTarget,
        clientErrorAlarms: clientErrors.alarms,
      })),
      routing: config.routing,
      requestInterval: config.healthCheck.requestInterval,
      failureThreshold: config.healthCheck.failureThreshold,
      checkerRegions: config.healthCheck.checkerRegions,
    });
    const monitoring = this.monitoring(config, tables, regional, dns);
    const dashboard = this.dashboard(config, tables, regional, dns, monitoring);
    stackOutputs(this, config, { tables, regional, dns, monitoring, dashboard });
    this.addMovedBlocks();
  }

  /** State in the bootstrap bucket, under the state key, locked by S3 itself. */
  private stateBackend(config: TicketsConfig, id: string): void {
    const backend = new S3Backend(this, {
      bucket: config.stateBackend.bucket,
      key: `${config.stateBackend.keyPrefix}/${id}.tfstate`,
      region: config.stateBackend.region,
      encrypt: true,
      kmsKeyId: stateKeyAlias(config),
    });
    // cdktf 0.21's S3Backend predates S3-native locking, which needs Terraform 1.10.
    backend.addOverride("use_lockfile", true);
    this.addOverride("terraform.required_version", ">= 1.10.0");
  }

  private primaryProvider(config: TicketsConfig) {
    return this.providers.forRegion(config.regions[0]!.name);
  }

  /** Every region, primary first, each with its provider. */
  private regionProviders(config: TicketsConfig) {
    return config.regions.map(({ name }) => ({ region: name, provider: this.providers.forRegion(name) }));
  }

  /** The tickets table and Powertools' idempotency records, both global tables. */
  private tables(config: TicketsConfig): Tables {
    const common = {
      primaryRegion: config.regions[0]!.name,
      provider: this.primaryProvider(config),
      replicas: this.regionProviders(config).slice(1),
    };
    const tickets = new GlobalTable(this, "global-table", {
      ...common,
      tableName: config.tableName,
      terraformName: "tickets_table",
    });
    // Powertools' idempotency records of POST /ticket: replicated like the tickets, expiring by TTL.
    const idempotency = new GlobalTable(this, "idempotency-table", {
      ...common,
      tableName: `${config.tableName}-idempotency`,
      ttlAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
      terraformName: "idempotency_table",
    });
    return { tickets, idempotency };
  }

  /** Per region: the API, its client-error alarms and its custom domains. */
  private regionalApis(config: TicketsConfig, tables: Tables): RegionalParts[] {
    const { bundles } = new LambdaBundles(this, "lambda-bundles", {
      buildDir: join(PROJECT_ROOT, "dist", "lambdas"),
    });
    const certificates = new DomainCertificates(this, "certificates", {
      domainName: config.domainName,
      hostedZoneId: config.hostedZoneId,
      dnsProvider: this.primaryProvider(config),
      regions: this.regionProviders(config).map(({ region, provider }) => ({
        region,
        provider,
        existingCertificateArn: config.certificateArns[region],
      })),
    });
    const healthSourceCidrs = healthCallers(config);
    let previousDomain: RegionalDomains | undefined;
    return config.regions.map(({ name: region, label }) => {
      const provider = this.providers.forRegion(region);
      const api = new RegionalApi(this, `api-${region}`, {
        region,
        provider,
        namePrefix: config.namePrefix,
        table: { tableName: tables.tickets.tableName, tableArn: tables.tickets.arnIn(region) },
        idempotencyTable: { tableName: tables.idempotency.tableName, tableArn: tables.idempotency.arnIn(region) },
        bundles,
        corsAllowOrigin: config.corsAllowOrigin,
        memorySize: config.lambda.memorySize,
        timeout: config.lambda.timeout,
        logRetentionDays: config.logRetentionDays,
        throttling: config.throttling,
        healthReservedConcurrency: config.healthCheck.reservedConcurrency || undefined,
        manageApiGatewayAccount: config.manageApiGatewayAccount,
        healthSourceCidrs,
      });
      const clientErrors = new ClientErrorAlarms(this, `client-errors-${region}`, {
        region,
        provider,
        namePrefix: config.namePrefix,
        apiName: api.apiName,
        stageName: api.stageName,
        runbookSection: RUNBOOK_SECTIONS.clientErrors,
      });
      const domains = new RegionalDomains(this, `domains-${region}`, {
        provider,
        hostedZoneId: config.hostedZoneId,
        apiDomainName: apiDomainName(config),
        regionalDomainName: `${label}.${config.domainName}`,
        certificateArn: certificates.arnIn(region),
        restApiId: api.restApiId,
        stageName: api.stageName,
        createAfter: previousDomain?.lastDomain,
      });
      previousDomain = domains;
      return { region, label, api, domains, clientErrors };
    });
  }

  /** Health alarms (us-east-1), the drill's replication fault if asked for, replication-lag alarms. */
  private monitoring(config: TicketsConfig, tables: Tables, regional: readonly RegionalParts[], dns: ApiDns): Monitoring {
    const primary = config.regions[0]!.name;
    const alarms = new HealthAlarms(this, "health-alarms", {
      provider: this.providers.forRegion(ROUTE53_METRICS_REGION),
      namePrefix: config.namePrefix,
      email: config.alarmEmail,
      healthChecks: regional.map(({ region, label }) => ({
        label,
        endpoint: `${label}.${config.domainName}`,
        healthCheckId: dns.healthChecks[region]!.routing,
      })),
      runbookSection: RUNBOOK_SECTIONS.regionUnhealthy,
    });
    // FIS reads stop-condition alarms in the experiment's region only: the health alarms live in
    // us-east-1 (Route 53's metrics), so they stop the experiment only when the primary is there.
    const replicationFault = config.drill.replicationFault
      ? new ReplicationFault(this, "drill-replication-fault", {
          provider: this.primaryProvider(config),
          namePrefix: config.namePrefix,
          tables: [tables.tickets, tables.idempotency].map((globalTable) => ({
            primaryArn: globalTable.arnIn(primary),
            arns: globalTable.arns,
          })),
          stopConditionAlarmArns: primary === ROUTE53_METRICS_REGION ? alarms.alarmArns : [],
        })
      : undefined;
    const replication = new ReplicationAlarms(this, "replication-alarms", {
      regions: this.regionProviders(config),
      tables: replicatedTables(tables),
      namePrefix: config.namePrefix,
      rule: config.replicationAlarm,
      email: config.alarmEmail,
      runbookSection: RUNBOOK_SECTIONS.replicationLag,
    });
    return { alarms, replication, replicationFault };
  }

  private dashboard(
    config: TicketsConfig,
    tables: Tables,
    regional: readonly RegionalParts[],
    dns: ApiDns,
    { alarms, replication }: Monitoring,
  ): OperationsDashboard {
    return new OperationsDashboard(this, "operations", {
      provider: this.primaryProvider(config),
      region: config.regions[0]!.name,
      dashboardName: `${config.namePrefix}-operations`,
      regions: regional.map(({ region, label, api }) => ({
        region,
        label,
        apiName: api.apiName,
        stageName: api.stageName,
        functionNames: api.functionNames,
        healthChecks: dns.healthChecks[region]!,
      })),
      tables: replicatedTables(tables),
      route53MetricsRegion: ROUTE53_METRICS_REGION,
      alarmArns: [
        ...alarms.alarmArns,
        ...regional.flatMap(({ clientErrors }) => clientErrors.alarms.map((alarm) => alarm.alarmArn)),
        ...replication.alarms.map((alarm) => alarm.alarmArn),
      ],
    });
  }
}

/** The stack's outputs: what operators, the drill and the UI read after a deploy. */
function stackOutputs(
  stack: TicketsStack,
  config: TicketsConfig,
  parts: {
    tables: { tickets: GlobalTable };
    regional: readonly RegionalParts[];
    dns: ApiDns;
    monitoring: Monitoring;
    dashboard: OperationsDashboard;
  },
): void {
  const { tables, regional, dns, monitoring, dashboard } = parts;
  const byRegion = <T>(value: (entry: RegionalParts) => T) =>
    Object.fromEntries(regional.map((entry) => [entry.region, value(entry)]));
  const outputs: Record<string, { value: unknown; description: string }> = {
    api_url: { value: apiUrl(config), description: apiUrlDescription(config.routing) },
    region_urls: { value: byRegion(({ label }) => regionUrl(config, label)), description: "Each region's own endpoint" },
    invoke_urls: { value: byRegion(({ api }) => api.invokeUrl), description: "Each region's stage URL on execute-api" },
    health_check_ids: {
      value: byRegion(({ region }) => dns.healthChecks[region]!.endpoint),
      description: "Route 53 check of each region's own /health endpoint, per region (the failover lever)",
    },
    routing_health_check_ids: {
      value: byRegion(({ region }) => dns.healthChecks[region]!.routing),
      description: "Route 53 routing check per region: healthy while /health and the client routes are",
    },
    table_name: { value: tables.tickets.tableName, description: "DynamoDB global table name" },
    table_arns: { value: tables.tickets.arns, description: "ARN of the table (primary) and of each replica, per region" },
    alarm_topic_arn: { value: monitoring.alarms.topicArn, description: "SNS topic of the health-check alarms (us-east-1)" },
    replication_alarm_topic_arns: {
      value: monitoring.replication.topicArns,
      description: "SNS topic of the replication-lag alarms, per source region",
    },
    dashboard_url: {
      value: dashboard.url,
      description: "The deployment's CloudWatch dashboard: every region, table, check and alarm",
    },
  };
  if (monitoring.replicationFault !== undefined) {
    outputs.drill_replication_fault_template_id = {
      value: monitoring.replicationFault.templateId,
      description: "FIS experiment template of the drill's replication fault (npm run drill -- --fault replication)",
    };
  }
  for (const [name, output] of Object.entries(outputs)) {
    new TerraformOutput(stack, name, output);
  }
}

/** `api.<domain>`: the name clients use. */
function apiDomainName(config: TicketsConfig): string {
  return `${API_LABEL}.${config.domainName}`;
}

/** Both global tables as the replication alarms and the dashboard list them. */
function replicatedTables(tables: Tables) {
  return [
    { label: "tickets", tableName: tables.tickets.tableName, operations: tableOperations("tableActions") },
    { label: "idempotency", tableName: tables.idempotency.tableName, operations: tableOperations("idempotencyTableActions") },
  ];
}

/** What `api_url` is, in the stack's routing mode (either, when the mode is a module input). */
function apiUrlDescription(routing: TicketsConfig["routing"]): string {
  if (Token.isUnresolved(routing)) return "The API clients use (the UI's ticketAPI), routed as var.routing says";
  return routing === "failover"
    ? "The API clients use (the UI's ticketAPI), failing over between regions"
    : "The API clients use (the UI's ticketAPI), served by the healthy region nearest each client";
}

/**
 * Who may call `GET /health`: Route 53's checkers in the configured regions and the operator
 * allowlist (a Terraform list when the allowlist is a module input).
 */
function healthCallers(config: TicketsConfig): string[] {
  const checkers = healthCheckerCidrs(config.healthCheck.checkerRegions);
  const allowed = config.healthCheck.allowedCidrs;
  return Token.isUnresolved(allowed) ? Token.asList(Fn.concat([checkers, allowed])) : [...checkers, ...allowed];
}
