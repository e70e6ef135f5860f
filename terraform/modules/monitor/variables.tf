variable "name" {
  description = "Function name."
  type        = string
  default     = "tfc-monitor"
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
  description = "KMS key for the function's settings, logs and dead-letter queue."
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
  description = "Secrets Manager secret holding a TFC token that can read runs and agent pools (TFE_TOKEN)."
  type        = string
}

variable "slack_bot_token_secret_arn" {
  description = "Secrets Manager secret holding the Slack bot token (SLACK_BOT_TOKEN); null: metrics only."
  type        = string
  default     = null
}

variable "state_table_name" {
  description = "DynamoDB table for the exhaustion windows and alert claims (MONITOR_STATE_TABLE; module state-table)."
  type        = string
}

variable "state_table_arn" {
  description = "That table's ARN."
  type        = string
}

variable "notifier_config_file" {
  description = "The notifier's YAML, for owner: team channels (NOTIFIER_CONFIG); null: on-call channel only."
  type        = string
  default     = null
}

variable "oncall_channel" {
  description = "Channel for pool exhaustion and recovery (MONITOR_ONCALL_CHANNEL)."
  type        = string
  default     = "#tfc-oncall"
}

variable "plan_selector" {
  description = "Tags a workspace needs for its plan times to be watched (MONITOR_PLAN_SELECTOR)."
  type        = string
  default     = "tier:dev"
}

variable "plan_threshold_minutes" {
  description = "A plan longer than this is slow (MONITOR_PLAN_THRESHOLD_MINUTES)."
  type        = number
  default     = 4
}

variable "exhausted_minutes" {
  description = "Minutes without an idle agent before a pool pages (MONITOR_EXHAUSTED_MINUTES)."
  type        = number
  default     = 10
}

variable "ecs_services" {
  description = "Agent pool name -> ECS service ARN running its agents, for autoscaling advice (and action with scale_apply)."
  type        = map(string)
  default     = {}
}

variable "scale_apply" {
  description = "Set the ECS services' desired counts (MONITOR_SCALE_APPLY); off by default: advice only."
  type        = bool
  default     = false
}

variable "schedule_expression" {
  description = "How often the monitor looks."
  type        = string
  default     = "rate(1 minute)"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
