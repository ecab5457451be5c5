variable "domain_name" {
  description = "Production's apex domain (api.<domain_name>); staging is served under staging.<domain_name>"
  type        = string
}

variable "hosted_zone_id" {
  description = "Route 53 hosted zone of domain_name, holding both instances' records"
  type        = string
}
