output "function_name" {
  description = "The Lambda function's name."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "The Lambda function's ARN."
  value       = aws_lambda_function.this.arn
}

output "role_name" {
  description = "The function's IAM role (to attach more only if you extend the job)."
  value       = aws_iam_role.this.name
}

output "function_url" {
  description = "The Function URL (null when function_url is false)."
  value       = var.function_url ? aws_lambda_function_url.this[0].function_url : null
}

output "dead_letter_queue_arn" {
  description = "Where failed asynchronous invocations land."
  value       = aws_sqs_queue.dead_letters.arn
}

output "log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.this.name
}
