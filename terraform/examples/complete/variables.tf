variable "region" {
  description = "AWS region the jobs run in."
  type        = string
  default     = "eu-west-1"
}

variable "tfe_hostname" {
  description = "TFC/TFE hostname."
  type        = string
  default     = "app.terraform.io"
}

variable "organization" {
  description = "TFC/TFE organization."
  type        = string
}

variable "name_prefix" {
  description = "Prefix for every AWS resource name (bucket names must be globally unique)."
  type        = string
  default     = "acme-tfc"
}

variable "vcs_repo" {
  description = "The monorepo the workspaces plan from."
  type = object({
    identifier     = string
    branch         = optional(string, "main")
    oauth_token_id = string
  })
}

variable "workspace_tags" {
  description = "Workspace name -> tags (the same list `tfc deps` reads as --roots)."
  type        = map(list(string))
}

variable "package_dir" {
  description = "Output of `tfc package lambdas --out DIR` (zips and manifest.json)."
  type        = string
  default     = "dist/lambda"
}

variable "slack_channel_reports" {
  description = "Channel for the monthly usage summary and backup staleness."
  type        = string
  default     = "#platform"
}
