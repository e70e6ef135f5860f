output "function_name" {
  description = "The usage-report function."
  value       = module.function.function_name
}

output "report_location" {
  description = "Where each month's report lands."
  value       = "s3://${var.report_bucket_name}/${var.report_prefix}"
}
