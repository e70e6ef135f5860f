output "slack_interactivity_url" {
  description = "Paste into the Slack app's Interactivity & Shortcuts → Request URL."
  value       = module.notifier.interactivity_url
}

output "backup_webhook_url" {
  description = "Where TFC sends run:completed notifications (already wired into every workspace here)."
  value       = module.backup.webhook_url
}

output "backup_bucket" {
  description = "Where state backups land (`tfc backup restore` reads them)."
  value       = module.backup_bucket.name
}

output "report_location" {
  description = "Where the monthly usage reports land."
  value       = module.usage_report.report_location
}

output "secrets_to_fill" {
  description = "Put each value with `aws secretsmanager put-secret-value` (kept out of Terraform state)."
  value       = { for key, secret in aws_secretsmanager_secret.this : key => secret.arn }
}

output "monitor_log_group" {
  description = "The monitor's log group (its EMF lines become CloudWatch metrics)."
  value       = module.monitor.log_group_name
}
