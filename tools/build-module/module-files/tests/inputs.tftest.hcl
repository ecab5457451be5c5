# Every input that has a rule refuses a wrong value: one plan with a wrong value for each of
# them, expecting each rule to fail (the project's tests check that this list is every input
# with a rule). Terraform checks every variable's rule on its own and reports each failure,
# and the module has no rule that refers to another variable (it would need Terraform 1.9), so
# one run proves each rule as a run per input would; a rule that stopped refusing its value (or
# was removed) fails the run with "Missing expected failure" naming that input. One run rather
# than eighteen: Terraform 1.11 starts the three mock providers' plugins twice per run, about
# 2.5 s each time. Offline: mock providers, plan only.

mock_provider "aws" {
  alias  = "eu-west-1"
  source = "./tests/mocks"
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
}

mock_provider "aws" {
  alias  = "ap-southeast-1"
  source = "./tests/mocks"
  mock_data "aws_region" {
    defaults = { name = "ap-southeast-1" }
  }
}

mock_provider "aws" {
  alias  = "us-east-1"
  source = "./tests/mocks"
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
}

run "invalid_inputs" {
  command = plan

  variables {
    domain_name                    = "Example.NET"
    hosted_zone_id                 = "not-a-zone"
    name_prefix                    = "9lives"
    table_name                     = "t"
    routing                        = "latency"
    alarm_email                    = "oncall-at-example.net"
    cors_allow_origin              = "example.net"
    throttling_rate_limit          = 0
    throttling_burst_limit         = 2.5
    lambda_memory_size             = 64
    lambda_timeout                 = 5
    log_retention_days             = 10
    health_check_request_interval  = 20
    health_check_failure_threshold = 11
    health_reserved_concurrency    = 0
    health_check_allowed_cidrs     = ["203.0.113.7"]
    # API Gateway needs a certificate in the API's own region: one from us-east-1 is refused.
    certificate_arns = {
      "eu-west-1" = "arn:aws:acm:us-east-1:111122223333:certificate/0f5b8c2e-4a8d-4c6e-9b1a-3d2e7f6a5b4c"
    }
    tags                                 = { "" = "an empty key" }
    replication_alarm_threshold_seconds  = 0
    replication_alarm_period_seconds     = 90
    replication_alarm_evaluation_periods = 61
    replication_alarm_treat_missing_data = "ok"
  }

  expect_failures = [
    var.domain_name,
    var.hosted_zone_id,
    var.name_prefix,
    var.table_name,
    var.routing,
    var.alarm_email,
    var.cors_allow_origin,
    var.throttling_rate_limit,
    var.throttling_burst_limit,
    var.lambda_memory_size,
    var.lambda_timeout,
    var.log_retention_days,
    var.health_check_request_interval,
    var.health_check_failure_threshold,
    var.health_reserved_concurrency,
    var.health_check_allowed_cidrs,
    var.certificate_arns,
    var.tags,
    var.replication_alarm_threshold_seconds,
    var.replication_alarm_period_seconds,
    var.replication_alarm_evaluation_periods,
    var.replication_alarm_treat_missing_data,
  ]
}
