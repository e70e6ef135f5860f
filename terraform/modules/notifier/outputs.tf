output "function_name" {
  description = "The notifier function."
  value       = module.function.function_name
}

output "interactivity_url" {
  description = "Paste into the Slack app's Interactivity & Shortcuts → Request URL."
  value       = module.function.function_url
}

output "dead_letter_queue_arn" {
  description = "Failed ticks land here."
  value       = module.function.dead_letter_queue_arn
}
