variable "name" {
  description = "Function name (also names its role, log group and dead-letter queue)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,56}$", var.name))
    error_message = "name: 1-56 letters, digits, '-' or '_' (the role and queue names add a suffix)."
  }
}

variable "job" {
  description = "The job's key in manifest.json written by `tfc package lambdas` (notifier, usage-report, backup-webhook, backup-sweep, monitor)."
  type        = string
}

variable "package_dir" {
  description = "Directory holding the zips and manifest.json from `tfc package lambdas --out DIR`."
  type        = string
}

variable "package_bucket" {
  description = "S3 bucket to upload the zip to. Required for zips over 50 MB (manifest says needs_s3_upload); optional otherwise."
  type        = string
  default     = null
}

variable "runtime" {
  description = "Lambda Python runtime; must match `tfc package lambdas --python`."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be python3.12 or python3.13."
  }
}

variable "architecture" {
  description = "arm64 or x86_64; must match `tfc package lambdas --arch`."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory in MB."
  type        = number
  default     = 512
}

variable "timeout" {
  description = "Timeout in seconds."
  type        = number
  default     = 300
}

variable "environment" {
  description = "Plain settings (never secrets: use secret_arns / ssm_parameter_arns)."
  type        = map(string)
  default     = {}
}

variable "secret_arns" {
  description = "Setting name -> Secrets Manager secret ARN. The function gets NAME_SECRET_ARN and may read only these secrets."
  type        = map(string)
  default     = {}
}

variable "ssm_parameter_arns" {
  description = "Setting name -> SSM SecureString parameter ARN. The function gets NAME_SSM_PARAMETER and may read only these."
  type        = map(string)
  default     = {}
}

variable "config_files" {
  description = "File name -> local path of configuration the job reads (e.g. the notifier's YAML); shipped as a layer, readable at /opt/<file name>."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the function's settings, its log group and dead-letter queue, and decrypts its secrets."
  type        = string
}

variable "policy_statements" {
  description = "The job's own least-privilege IAM statements (its table, bucket prefix, ...)."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  default = []
}

variable "schedule_expression" {
  description = "EventBridge schedule, e.g. \"rate(10 minutes)\" or \"cron(0 6 1 * ? *)\" (null: no schedule)."
  type        = string
  default     = null
}

variable "function_url" {
  description = "Create a Function URL (auth NONE: the handler verifies Slack's or TFC's signature on every request)."
  type        = bool
  default     = false
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions (1 for jobs whose runs must not overlap)."
  type        = number
  default     = 5
}

variable "log_retention_days" {
  description = "CloudWatch log retention in days."
  type        = number
  default     = 365
}

variable "maximum_retry_attempts" {
  description = "Retries of a failed asynchronous invocation (schedules) before it goes to the dead-letter queue."
  type        = number
  default     = 1
}

variable "subnet_ids" {
  description = "Run inside these VPC subnets (they need a route to TFC and Slack); empty: no VPC."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Security groups when subnet_ids is set."
  type        = list(string)
  default     = []
}

variable "code_signing_config_arn" {
  description = "AWS Signer code-signing configuration to enforce (null: none)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
