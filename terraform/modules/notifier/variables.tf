variable "name" {
  description = "Function name."
  type        = string
  default     = "tfc-notifier"
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
  description = "KMS key for the function's settings, logs and dead-letter queue (and the secrets, if they use it)."
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
  description = "Secrets Manager secret holding a TFC team token that can read runs (TFE_TOKEN)."
  type        = string
}

variable "slack_bot_token_secret_arn" {
  description = "Secrets Manager secret holding the Slack bot token (SLACK_BOT_TOKEN)."
  type        = string
}

variable "slack_signing_secret_arn" {
  description = "Secrets Manager secret holding the Slack app's signing secret (SLACK_SIGNING_SECRET)."
  type        = string
}

variable "state_table_name" {
  description = "DynamoDB table for backoff, claims, snoozes and reassignments (STATE_TABLE; module state-table)."
  type        = string
}

variable "state_table_arn" {
  description = "That table's ARN."
  type        = string
}

variable "config_file" {
  description = "Path of the notifier's YAML (people, business hours, channels: docs/reminders.md); null: defaults."
  type        = string
  default     = null
}

variable "schedule_expression" {
  description = "How often reminders are considered (each person still gets them only in business hours, with backoff)."
  type        = string
  default     = "rate(10 minutes)"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
