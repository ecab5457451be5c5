# The Wild Rydes multi-region ticket API from plain Terraform.
#
# Build the module first (from the repository root):  npm run build:module
# Then, here:                                         terraform init && terraform plan

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 6.0.0"
    }
  }

  # Keep state remote and locked, e.g.:
  # backend "s3" {
  #   bucket       = "acme-tickets-tfstate"
  #   key          = "wild-rydes-tickets/terraform-native.tfstate"
  #   region       = "eu-west-1"
  #   encrypt      = true
  #   use_lockfile = true
  # }
}

locals {
  tags = {
    Project   = "wild-rydes-tickets"
    ManagedBy = "terraform"
  }
}

# One provider per region the module was built for, aliased by region code,
# plus us-east-1, where Route 53 health-check metrics (and so the alarms) live.
provider "aws" {
  alias  = "eu-west-1"
  region = "eu-west-1"
  default_tags {
    tags = local.tags
  }
}

provider "aws" {
  alias  = "ap-southeast-1"
  region = "ap-southeast-1"
  default_tags {
    tags = local.tags
  }
}

provider "aws" {
  alias  = "us-east-1"
  region = "us-east-1"
  default_tags {
    tags = local.tags
  }
}

module "tickets" {
  source = "../../dist/terraform-module"

  providers = {
    aws.eu-west-1      = aws.eu-west-1
    aws.ap-southeast-1 = aws.ap-southeast-1
    aws.us-east-1      = aws.us-east-1
  }

  domain_name    = var.domain_name
  hosted_zone_id = var.hosted_zone_id
}
