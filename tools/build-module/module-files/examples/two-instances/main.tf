# Two instances of the module in one account, staging and production, from one map with
# for_each: each with its own name_prefix, table_name and domain; production owns API
# Gateway's account setting (one per account and region), staging leaves it alone.
#
#   terraform init && terraform plan -var domain_name=example.net -var hosted_zone_id=Z...

terraform {
  required_version = ">= 1.2.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 6.0.0"
    }
  }
}

# One provider per region the module was built for, aliased by its region code, and
# us-east-1 for the health-check alarms (Route 53 publishes its metrics only there).
provider "aws" {
  alias  = "eu-west-1"
  region = "eu-west-1"
}

provider "aws" {
  alias  = "ap-southeast-1"
  region = "ap-southeast-1"
}

provider "aws" {
  alias  = "us-east-1"
  region = "us-east-1"
}

locals {
  instances = {
    staging = {
      domain_name                = "staging.${var.domain_name}"
      name_prefix                = "staging"
      table_name                 = "StagingTickets"
      manage_api_gateway_account = false
    }
    production = {
      domain_name                = var.domain_name
      name_prefix                = "prod"
      table_name                 = "ProdTickets"
      manage_api_gateway_account = true
    }
  }
}

module "tickets" {
  source   = "../.."
  for_each = local.instances

  providers = {
    aws.eu-west-1      = aws.eu-west-1
    aws.ap-southeast-1 = aws.ap-southeast-1
    aws.us-east-1      = aws.us-east-1
  }

  domain_name                = each.value.domain_name
  hosted_zone_id             = var.hosted_zone_id
  name_prefix                = each.value.name_prefix
  table_name                 = each.value.table_name
  manage_api_gateway_account = each.value.manage_api_gateway_account
  tags                       = { Environment = each.key }
}
