# The monthly resources-under-management report: CSVs, charts and its cache in the report bucket, and an optional
# Slack summary.

locals {
  slack = var.slack_channel != null && var.slack_bot_token_secret_arn != null
}

module "function" {
  source = "../lambda-job"

  name                 = var.name
  job                  = "usage-report"
  package_dir          = var.package_dir
  package_bucket       = var.package_bucket
  kms_key_arn          = var.kms_key_arn
  schedule_expression  = var.schedule_expression
  reserved_concurrency = 1   # two reports at once would race on the cache object
  timeout              = 900 # a year of state versions at TFC's 30 requests/s
  memory_size          = 1024

  environment = merge(
    {
      TFE_ADDRESS      = var.tfe_address
      TFE_ORGANIZATION = var.organization
      REPORT_BUCKET    = var.report_bucket_name
      REPORT_PREFIX    = var.report_prefix
      REPORT_DAYS      = tostring(var.days)
      REPORT_TAG_KEY   = var.tag_key
      FORECAST_MONTHS  = tostring(var.forecast_months)
      MPLCONFIGDIR     = "/tmp/matplotlib" # the package directory is read-only on Lambda
    },
    local.slack ? { SLACK_CHANNEL = var.slack_channel } : {},
  )
  secret_arns = merge(
    { TFE_TOKEN = var.tfe_token_secret_arn },
    local.slack ? { SLACK_BOT_TOKEN = var.slack_bot_token_secret_arn } : {},
  )
  policy_statements = [
    {
      sid       = "OwnReportPrefix"
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = ["${var.report_bucket_arn}/${var.report_prefix}*"]
    },
  ]
  tags = var.tags
}
