output "function_name" {
  description = "The monitor function (its log group carries the EMF metrics)."
  value       = module.function.function_name
}

output "log_group_name" {
  description = "Where the metrics and alerts are logged."
  value       = module.function.log_group_name
}
