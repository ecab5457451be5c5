/**
 * The constructs' tuning knobs default at the construct (aws-cdk style); the app's config has
 * its own defaults, documented in the README's config table. The two must agree, so that a
 * construct used alone behaves like the built-in deployment.
 */
import { DEFAULTS } from "../../config/schema";
import { API_FUNCTION_DEFAULTS } from "../../constructs/api-function";
import { HEALTH_CHECK_DEFAULTS } from "../../constructs/api-dns";
import { DEFAULT_THROTTLING } from "../../constructs/regional-api";
import { DEFAULT_REPLICATION_LAG_RULE } from "../../constructs/replication-alarms";

test.each([
  ["ApiFunction memory and timeout", { ...API_FUNCTION_DEFAULTS, logRetentionDays: undefined }, { ...DEFAULTS.lambda }],
  ["log retention", API_FUNCTION_DEFAULTS.logRetentionDays, DEFAULTS.logRetentionDays],
  ["RegionalApi throttling", DEFAULT_THROTTLING, DEFAULTS.throttling],
  [
    "ApiDns health checks",
    HEALTH_CHECK_DEFAULTS,
    { requestInterval: DEFAULTS.healthCheck.requestInterval, failureThreshold: DEFAULTS.healthCheck.failureThreshold },
  ],
  ["ReplicationAlarms rule", DEFAULT_REPLICATION_LAG_RULE, DEFAULTS.replicationAlarm],
])("%s: the construct's default is the config's", (_knob, construct, config) => {
  expect(JSON.parse(JSON.stringify(construct))).toEqual(config);
});
