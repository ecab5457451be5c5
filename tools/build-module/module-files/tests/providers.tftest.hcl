# The region guards: a provider passed under an alias whose region it doesn't have fails the
# plan at that alias' guard. Offline: mock providers whose aws_region answers a chosen region.

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

# A provider configured for Frankfurt, passed where another region is expected.
mock_provider "aws" {
  alias  = "eu-central-1"
  source = "./tests/mocks"
  mock_data "aws_region" {
    defaults = { name = "eu-central-1" }
  }
}

variables {
  domain_name    = "example.net"
  hosted_zone_id = "ZEXAMPLE000001"
}

# The alarms' provider in the wrong region would put them where Route 53 publishes no metrics.
run "us_east_1_wired_to_another_region" {
  command = plan
  providers = {
    aws.eu-west-1      = aws.eu-west-1
    aws.ap-southeast-1 = aws.ap-southeast-1
    aws.us-east-1      = aws.eu-central-1
  }
  expect_failures = [data.aws_region.providers_guard_us_east_1]
}

# Every alias given another alias' provider (a rotation): each guard fails on its own.
run "every_alias_wired_to_another_region" {
  command = plan
  providers = {
    aws.eu-west-1      = aws.ap-southeast-1
    aws.ap-southeast-1 = aws.us-east-1
    aws.us-east-1      = aws.eu-west-1
  }
  expect_failures = [
    data.aws_region.providers_guard_eu_west_1,
    data.aws_region.providers_guard_ap_southeast_1,
    data.aws_region.providers_guard_us_east_1,
  ]
}
