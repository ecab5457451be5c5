variable "domain_name" {
  type        = string
  description = "Apex domain of your Route 53 hosted zone; the API is served at api.<domain_name>"
}

variable "hosted_zone_id" {
  type        = string
  description = "Route 53 hosted zone id of domain_name"
}
