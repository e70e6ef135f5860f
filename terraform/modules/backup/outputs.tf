output "webhook_url" {
  description = "The Function URL for tfc-workspace's backup_webhook.url (TFC's notification configuration)."
  value       = module.webhook.function_url
}

output "webhook_function_name" {
  description = "The webhook function."
  value       = module.webhook.function_name
}

output "sweep_function_name" {
  description = "The sweep function."
  value       = module.sweep.function_name
}
