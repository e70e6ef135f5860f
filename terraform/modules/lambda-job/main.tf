# One scheduled job or webhook of tfc-toolkit as a Lambda function: the package `tfc package lambdas` built, a role
# that may do only what the job needs, its log group, a dead-letter queue, and its schedule or Function URL.

data "aws_partition" "current" {}

locals {
  package     = jsondecode(file("${var.package_dir}/manifest.json"))[var.job]
  zip_path    = "${var.package_dir}/${local.package.file}"
  use_s3      = var.package_bucket != null
  secret_envs = { for name, arn in var.secret_arns : "${name}_SECRET_ARN" => arn }
  ssm_envs    = { for name, arn in var.ssm_parameter_arns : "${name}_SSM_PARAMETER" => arn }
  environment = merge(var.environment, local.secret_envs, local.ssm_envs)
}

resource "aws_s3_object" "package" {
  count = local.use_s3 ? 1 : 0

  bucket      = var.package_bucket
  key         = "lambda/${var.name}/${local.package.sha256}.zip"
  source      = local.zip_path
  source_hash = local.package.source_code_hash
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

data "archive_file" "config" {
  count = length(var.config_files) > 0 ? 1 : 0

  type        = "zip"
  output_path = "${path.root}/.terraform/tfc-toolkit/${var.name}-config.zip"

  dynamic "source" {
    for_each = var.config_files
    content {
      filename = source.key
      content  = file(source.value)
    }
  }
}

resource "aws_lambda_layer_version" "config" {
  count = length(var.config_files) > 0 ? 1 : 0

  layer_name               = "${var.name}-config"
  description              = "tfc-toolkit ${var.job} configuration: ${join(", ", sort(keys(var.config_files)))}"
  filename                 = data.archive_file.config[0].output_path
  source_code_hash         = data.archive_file.config[0].output_base64sha256
  compatible_runtimes      = [var.runtime]
  compatible_architectures = [var.architecture]
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sqs_queue" "dead_letters" {
  name                      = "${var.name}-dead-letters"
  kms_master_key_id         = var.kms_key_arn
  message_retention_seconds = 1209600 # 14 days, SQS's maximum
  tags                      = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-lambda"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letters.arn]
  }

  statement {
    sid       = "Encryption"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  dynamic "statement" {
    for_each = length(var.secret_arns) > 0 ? [1] : []
    content {
      sid       = "OwnSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = sort(values(var.secret_arns))
    }
  }

  dynamic "statement" {
    for_each = length(var.ssm_parameter_arns) > 0 ? [1] : []
    content {
      sid       = "OwnParameters"
      actions   = ["ssm:GetParameter"]
      resources = sort(values(var.ssm_parameter_arns))
    }
  }

  dynamic "statement" {
    for_each = length(var.subnet_ids) > 0 ? [1] : []
    content {
      sid = "VpcNetworkInterfaces"
      actions = [
        "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
      ]
      resources = ["*"] # EC2 network-interface actions do not support resource-level permissions
    }
  }

  dynamic "statement" {
    for_each = var.policy_statements
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-least-privilege"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  description   = "tfc-toolkit ${var.job}"
  role          = aws_iam_role.this.arn
  handler       = local.package.handler
  runtime       = var.runtime
  architectures = [var.architecture]
  memory_size   = var.memory_size
  timeout       = var.timeout

  filename         = local.use_s3 ? null : local.zip_path
  s3_bucket        = local.use_s3 ? var.package_bucket : null
  s3_key           = local.use_s3 ? aws_s3_object.package[0].key : null
  source_code_hash = local.package.source_code_hash

  layers                         = length(var.config_files) > 0 ? [aws_lambda_layer_version.config[0].arn] : []
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = var.kms_key_arn
  code_signing_config_arn        = var.code_signing_config_arn

  environment {
    variables = local.environment
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dead_letters.arn
  }

  tracing_config {
    mode = "Active"
  }

  dynamic "vpc_config" {
    for_each = length(var.subnet_ids) > 0 ? [1] : []
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = var.security_group_ids
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = !local.package.needs_s3_upload || local.use_s3
      error_message = "${local.package.file} is over Lambda's 50 MB direct-upload limit: set package_bucket."
    }
  }

  depends_on = [aws_iam_role_policy.this]
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name          = aws_lambda_function.this.function_name
  maximum_retry_attempts = var.maximum_retry_attempts

  destination_config {
    on_failure {
      destination = aws_sqs_queue.dead_letters.arn
    }
  }
}

resource "aws_cloudwatch_event_rule" "schedule" {
  count = var.schedule_expression == null ? 0 : 1

  name                = "${var.name}-schedule"
  description         = "Runs ${var.name} (tfc-toolkit ${var.job})"
  schedule_expression = var.schedule_expression
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "schedule" {
  count = var.schedule_expression == null ? 0 : 1

  rule = aws_cloudwatch_event_rule.schedule[0].name
  arn  = aws_lambda_function.this.arn
}

resource "aws_lambda_permission" "schedule" {
  count = var.schedule_expression == null ? 0 : 1

  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.schedule[0].arn
}

resource "aws_lambda_function_url" "this" {
  #checkov:skip=CKV_AWS_258:Slack and TFC cannot sign AWS (IAM) requests; the handler verifies Slack's v0 signature or TFC's HMAC-SHA512 on every request and answers 401 otherwise.
  count = var.function_url ? 1 : 0

  function_name      = aws_lambda_function.this.function_name
  authorization_type = "NONE" # Slack and TFC cannot sign AWS requests; the handler verifies their signatures
}
