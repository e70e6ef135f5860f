variable "name_prefix" {
  description = "Prefix of the two functions' names (<prefix>-webhook, <prefix>-sweep)."
  type        = string
  default     = "tfc-backup"
}

variable "package_dir" {
  description = "Directory holding manifest.json and the zips from `tfc package lambdas`."
  type        = string
}

variable "package_bucket" {
  description = "S3 bucket for the zips (needed only for zips over 50 MB)."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "KMS key for the functions' settings, logs and dead-letter queues, and the backups (SSE-KMS)."
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

variable "webhook_token_secret_arn" {
  description = "Secrets Manager secret holding the notification configurations' HMAC token (WEBHOOK_TOKEN); the same value goes to tfc-workspace's backup_webhook.token."
  type        = string
}

variable "bucket_name" {
  description = "The backup bucket (BACKUP_BUCKET; module backup-bucket)."
  type        = string
}

variable "bucket_arn" {
  description = "That bucket's ARN."
  type        = string
}

variable "prefix" {
  description = "Key prefix for backups (BACKUP_PREFIX)."
  type        = string
  default     = "tfstate"
}

variable "stale_after" {
  description = "The sweep reports a workspace whose newest backup is older than this (BACKUP_STALE_AFTER: 30m, 24h, 7d)."
  type        = string
  default     = "24h"
}

variable "sweep_schedule_expression" {
  description = "When the sweep runs."
  type        = string
  default     = "rate(6 hours)"
}

variable "slack_channel" {
  description = "Channel the sweep reports stale workspaces to (SLACK_CHANNEL); null: no Slack message."
  type        = string
  default     = null
}

variable "slack_bot_token_secret_arn" {
  description = "Secrets Manager secret holding the Slack bot token (SLACK_BOT_TOKEN), with slack_channel."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
