output "api_urls" {
  description = "Each instance's API URL"
  value       = { for name, instance in module.tickets : name => instance.api_url }
}

output "table_names" {
  description = "Each instance's DynamoDB table"
  value       = { for name, instance in module.tickets : name => instance.table_name }
}
