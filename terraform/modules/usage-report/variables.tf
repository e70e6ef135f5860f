variable "name" {
  description = "Function name."
  type        = string
  default     = "tfc-usage-report"
}

variable "package_dir" {
  description = "Directory holding manifest.json and the zips from `tfc package lambdas`."
  type        = string
}

variable "package_bucket" {
  description = "S3 bucket for the zip (needed only for zips over 50 MB)."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "KMS key for the function's settings, logs and dead-letter queue, and the report bucket's objects."
  type        = string
}

variable "organization" {
  description = "TFC/TFE organization (TFE_ORGANIZATION)."
  type        = string
}

variable "tfe_address" {
  description = "TFC/TFE address (TFE_ADDRESS)."
  type        = string
  default     = "https://app.terraform.io"

  validation {
    condition     = startswith(var.tfe_address, "https://")
    error_message = "tfe_address must be an https:// URL: the token must never travel in clear text."
  }
}

variable "tfe_token_secret_arn" {
  description = "Secrets Manager secret holding a TFC token that can read state versions (TFE_TOKEN)."
  type        = string
}

variable "report_bucket_name" {
  description = "Bucket the CSVs, charts and cache are written to (REPORT_BUCKET; module report-bucket)."
  type        = string
}

variable "report_bucket_arn" {
  description = "That bucket's ARN."
  type        = string
}

variable "report_prefix" {
  description = "Key prefix inside the bucket (REPORT_PREFIX)."
  type        = string
  default     = "usage-reports/"
}

variable "days" {
  description = "Days of history per report (REPORT_DAYS)."
  type        = number
  default     = 365
}

variable "tag_key" {
  description = "Workspace tag key the report breaks down by (REPORT_TAG_KEY)."
  type        = string
  default     = "type"
}

variable "forecast_months" {
  description = "Months the forecast reaches (FORECAST_MONTHS)."
  type        = number
  default     = 12
}

variable "slack_channel" {
  description = "Slack channel for the summary (SLACK_CHANNEL); null: no Slack message."
  type        = string
  default     = null
}

variable "slack_bot_token_secret_arn" {
  description = "Secrets Manager secret holding the Slack bot token (SLACK_BOT_TOKEN), with slack_channel."
  type        = string
  default     = null
}

variable "schedule_expression" {
  description = "When the report runs (default: 06:00 UTC on the 1st of each month)."
  type        = string
  default     = "cron(0 6 1 * ? *)"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
