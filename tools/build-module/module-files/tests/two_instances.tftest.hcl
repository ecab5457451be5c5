# examples/two-instances: staging and production from one for_each, planned offline. Two
# instances in one account must not share a name, a domain or the account's API Gateway setting.

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

run "two_instances" {
  command = plan
  module {
    source = "./examples/two-instances"
  }
  variables {
    domain_name    = "example.net"
    hosted_zone_id = "ZEXAMPLE000001"
  }

  assert {
    condition     = output.table_names == { staging = "StagingTickets", production = "ProdTickets" }
    error_message = "Each instance must have its own table."
  }
  assert {
    condition     = output.api_urls == { staging = "https://api.staging.example.net/", production = "https://api.example.net/" }
    error_message = "Each instance must serve its own api.<domain_name>."
  }
  assert {
    condition     = length(distinct(flatten([for instance in module.tickets : values(instance.region_urls)]))) == 4
    error_message = "No two instances may share a regional endpoint."
  }
}
