output "api_url" {
  description = "The API clients use (the UI's ticketAPI), failing over between regions"
  value       = module.tickets.api_url
}

output "region_urls" {
  description = "Each region's own endpoint"
  value       = module.tickets.region_urls
}

output "health_check_ids" {
  description = "Route 53 health check id per region"
  value       = module.tickets.health_check_ids
}

output "table_arns" {
  description = "ARN of the table and of each replica, per region"
  value       = module.tickets.table_arns
}
