# The module with its defaults, planned offline (mock providers): what it creates, how
# api.<domain_name> is routed, what the outputs look like; then the inputs that change which
# resources exist (routing, manage_api_gateway_account, certificate_arns, alarm_email).

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

variables {
  domain_name    = "example.net"
  hosted_zone_id = "ZEXAMPLE000001"
}

run "defaults" {
  command = plan

  # Failover routing: a primary record on ireland's routing check, a secondary on singapore.
  assert {
    condition     = length(aws_route53_record.failover_dns_api_primary) == 1 && length(aws_route53_record.failover_dns_api_secondary) == 1
    error_message = "The default routing (failover) must plan one primary and one secondary api record."
  }
  assert {
    condition     = length(aws_route53_record.failover_dns_api_latency_eu_west_1) == 0 && length(aws_route53_record.failover_dns_api_latency_ap_southeast_1) == 0
    error_message = "Failover routing must plan no latency records."
  }
  assert {
    condition = (
      aws_route53_record.failover_dns_api_primary[0].name == "api.example.net" &&
      aws_route53_record.failover_dns_api_primary[0].set_identifier == "ireland-primary" &&
      aws_route53_record.failover_dns_api_primary[0].failover_routing_policy[0].type == "PRIMARY" &&
      aws_route53_record.failover_dns_api_primary[0].zone_id == "ZEXAMPLE000001"
    )
    error_message = "The primary record must be api.<domain_name> in the hosted zone, ireland-primary, PRIMARY."
  }
  assert {
    condition = (
      aws_route53_record.failover_dns_api_secondary[0].name == "api.example.net" &&
      aws_route53_record.failover_dns_api_secondary[0].set_identifier == "singapore-secondary" &&
      aws_route53_record.failover_dns_api_secondary[0].failover_routing_policy[0].type == "SECONDARY"
    )
    error_message = "The secondary record must be api.<domain_name>, singapore-secondary, SECONDARY."
  }

  # Health checks: each region's /health over HTTPS on its own name, with the inputs' defaults.
  assert {
    condition = (
      aws_route53_health_check.failover_dns_health_check_eu_west_1.fqdn == "ireland.example.net" &&
      aws_route53_health_check.failover_dns_health_check_ap_southeast_1.fqdn == "singapore.example.net"
    )
    error_message = "Each region's health check must probe <label>.<domain_name>."
  }
  assert {
    condition = alltrue([for check in [
      aws_route53_health_check.failover_dns_health_check_eu_west_1,
      aws_route53_health_check.failover_dns_health_check_ap_southeast_1,
    ] : check.type == "HTTPS" && check.resource_path == "/health" && check.port == 443 && check.request_interval == 10 && check.failure_threshold == 1])
    error_message = "The health checks must be HTTPS GET /health on 443, every 10 s, failing at the first failure (the inputs' defaults)."
  }
  assert {
    condition = (
      aws_route53_health_check.failover_dns_routing_check_eu_west_1.type == "CALCULATED" &&
      aws_route53_health_check.failover_dns_routing_check_eu_west_1.child_health_threshold == 3 &&
      aws_route53_health_check.failover_dns_client_check_tickets_get_eu_west_1.cloudwatch_alarm_region == "eu-west-1" &&
      aws_route53_health_check.failover_dns_client_check_tickets_post_ap_southeast_1.cloudwatch_alarm_region == "ap-southeast-1"
    )
    error_message = "Each region's routing check must combine its /health check and its two client-error checks."
  }

  # What the defaults create beside the always-present resources.
  assert {
    condition = (
      length(aws_api_gateway_account.api_api_gateway_logging_account_eu_west_1) == 1 &&
      length(aws_api_gateway_account.api_api_gateway_logging_account_ap_southeast_1) == 1 &&
      length(aws_iam_role.api_api_gateway_logging_role_eu_west_1) == 1 &&
      length(aws_iam_role_policy_attachment.api_api_gateway_logging_managed_policy_ap_southeast_1) == 1
    )
    error_message = "By default the module manages API Gateway's CloudWatch role setting in each region."
  }
  assert {
    condition = (
      length(aws_acm_certificate.certificates_certificate_eu_west_1) == 1 &&
      length(aws_acm_certificate.certificates_certificate_ap_southeast_1) == 1 &&
      length(aws_acm_certificate_validation.certificates_validation_eu_west_1) == 1 &&
      keys(aws_route53_record.certificates_validation_record) == ["example.net"]
    )
    error_message = "Without certificate_arns the module requests and validates a certificate per region, with one validation record."
  }
  assert {
    condition     = length(aws_sns_topic_subscription.health_alarms_email) == 0
    error_message = "Without alarm_email there is no e-mail subscription."
  }
  assert {
    condition = (
      aws_dynamodb_table.tickets_table.name == "SXRTickets" &&
      aws_dynamodb_table.idempotency_table.name == "SXRTickets-idempotency" &&
      [for replica in aws_dynamodb_table.tickets_table.replica : replica.region_name] == ["ap-southeast-1"]
    )
    error_message = "The tables must be named after table_name, replicated to the standby region."
  }
  assert {
    condition = alltrue([for fn in [
      aws_lambda_function.api_tickets_get_function_eu_west_1,
      aws_lambda_function.api_tickets_post_function_eu_west_1,
      aws_lambda_function.api_health_function_eu_west_1,
      aws_lambda_function.api_tickets_get_function_ap_southeast_1,
      aws_lambda_function.api_tickets_post_function_ap_southeast_1,
      aws_lambda_function.api_health_function_ap_southeast_1,
    ] : startswith(fn.function_name, "tickets-") && fn.memory_size == 256])
    error_message = "Every function's name must start with the default name_prefix, with the default memory size."
  }

  # Outputs, as the README describes them.
  assert {
    condition     = output.api_url == "https://api.example.net/"
    error_message = "api_url must be https://api.<domain_name>/."
  }
  assert {
    condition     = output.region_urls == { "eu-west-1" = "https://ireland.example.net/", "ap-southeast-1" = "https://singapore.example.net/" }
    error_message = "region_urls must map each region to https://<label>.<domain_name>/."
  }
  assert {
    condition = (
      keys(output.invoke_urls) == ["ap-southeast-1", "eu-west-1"] &&
      keys(output.health_check_ids) == ["ap-southeast-1", "eu-west-1"] &&
      keys(output.routing_health_check_ids) == ["ap-southeast-1", "eu-west-1"] &&
      keys(output.table_arns) == ["ap-southeast-1", "eu-west-1"]
    )
    error_message = "invoke_urls, health_check_ids, routing_health_check_ids and table_arns must be keyed by region."
  }
  assert {
    condition     = output.table_name == "SXRTickets"
    error_message = "table_name must be the table's name."
  }
}

run "active_active" {
  command = plan
  variables {
    routing = "active-active"
  }
  assert {
    condition     = length(aws_route53_record.failover_dns_api_primary) == 0 && length(aws_route53_record.failover_dns_api_secondary) == 0
    error_message = "Active-active must plan no failover records."
  }
  assert {
    condition = (
      aws_route53_record.failover_dns_api_latency_eu_west_1[0].latency_routing_policy[0].region == "eu-west-1" &&
      aws_route53_record.failover_dns_api_latency_ap_southeast_1[0].latency_routing_policy[0].region == "ap-southeast-1" &&
      aws_route53_record.failover_dns_api_latency_eu_west_1[0].name == "api.example.net"
    )
    error_message = "Active-active must plan a latency record of api.<domain_name> per region."
  }
}

# A second instance in the account: it brings its own certificate in eu-west-1, leaves the
# account's API Gateway setting alone and mails its alarms.
run "second_instance_options" {
  command = plan
  variables {
    manage_api_gateway_account = false
    certificate_arns = {
      "eu-west-1" = "arn:aws:acm:eu-west-1:111122223333:certificate/0f5b8c2e-4a8d-4c6e-9b1a-3d2e7f6a5b4c"
    }
    alarm_email = "oncall@example.net"
  }
  assert {
    condition = (
      length(aws_api_gateway_account.api_api_gateway_logging_account_eu_west_1) == 0 &&
      length(aws_api_gateway_account.api_api_gateway_logging_account_ap_southeast_1) == 0 &&
      length(aws_iam_role.api_api_gateway_logging_role_eu_west_1) == 0 &&
      length(aws_iam_role_policy_attachment.api_api_gateway_logging_managed_policy_eu_west_1) == 0
    )
    error_message = "manage_api_gateway_account = false must plan no account setting, role or attachment."
  }
  assert {
    condition = (
      length(aws_acm_certificate.certificates_certificate_eu_west_1) == 0 &&
      length(aws_acm_certificate_validation.certificates_validation_eu_west_1) == 0 &&
      length(aws_acm_certificate.certificates_certificate_ap_southeast_1) == 1 &&
      aws_api_gateway_domain_name.domains_api_domain_eu_west_1.regional_certificate_arn == "arn:aws:acm:eu-west-1:111122223333:certificate/0f5b8c2e-4a8d-4c6e-9b1a-3d2e7f6a5b4c"
    )
    error_message = "A given certificate must replace eu-west-1's new one; ap-southeast-1 still gets its own."
  }
  assert {
    condition     = length(aws_sns_topic_subscription.health_alarms_email) == 1 && aws_sns_topic_subscription.health_alarms_email[0].endpoint == "oncall@example.net"
    error_message = "alarm_email must subscribe that address to the alarm topic."
  }
}
