variable "name" {
  description = "Workspace name; also its key in the dependency-map YAML."
  type        = string
}

variable "organization" {
  description = "TFC/TFE organization."
  type        = string
}

variable "project_id" {
  description = "Project to create the workspace in (null: the organization's default project)."
  type        = string
  default     = null
}

variable "triggers_file" {
  description = "Path to the YAML written by `tfc deps generate` (one file, or this workspace's file with --split)."
  type        = string
}

variable "trigger_mode" {
  description = "\"patterns\" (precise globs, recommended) or \"prefixes\" (directories; needs `tfc deps generate --prefixes`)."
  type        = string
  default     = "patterns"

  validation {
    condition     = contains(["patterns", "prefixes"], var.trigger_mode)
    error_message = "trigger_mode must be \"patterns\" or \"prefixes\"."
  }
}

variable "vcs_repo" {
  description = "The monorepo: identifier (org/repo), branch, and the OAuth token id or GitHub App installation id."
  type = object({
    identifier                 = string
    branch                     = optional(string)
    oauth_token_id             = optional(string)
    github_app_installation_id = optional(string)
  })
}

variable "tags" {
  description = "Flat tag names, key:value style, e.g. [\"type:deploy\", \"owner:payments\", \"tier:prod\"]; checked against the conventions in modules/tag-conventions."
  type        = list(string)
}

variable "allowed_tiers" {
  description = "Values the tier: tag may take, in rollout order."
  type        = list(string)
  default     = ["dev", "staging", "prod", "gxp"]
}

variable "required_tag_keys" {
  description = "Tag keys every workspace must carry (reminders route by owner:, rollouts by tier:, review selects by type:)."
  type        = list(string)
  default     = ["type", "owner", "tier"]
}

variable "owner_notification" {
  description = "TFC notification to the owner: team on failures: destination_type slack, microsoft-teams, email or generic; url (or email_user_ids for email)."
  type = object({
    destination_type = string
    url              = optional(string)
    email_user_ids   = optional(list(string))
    triggers         = optional(list(string), ["run:errored", "assessment:check_failure"])
  })
  default   = null
  sensitive = true # a Slack or Teams webhook URL is a credential

  validation {
    condition     = var.owner_notification == null || contains(["slack", "microsoft-teams", "email", "generic"], try(var.owner_notification.destination_type, ""))
    error_message = "owner_notification.destination_type must be slack, microsoft-teams, email or generic."
  }
}

variable "agent_pool_id" {
  description = "Run on this agent pool (null: TFC's remote execution)."
  type        = string
  default     = null
}

variable "terraform_version" {
  description = "Terraform version for runs (null: the provider's default)."
  type        = string
  default     = null
}

variable "backup_webhook" {
  description = "Notification configuration for the state-backup webhook: URL and signing token (null: none)."
  type = object({
    url   = string
    token = string
  })
  default   = null
  sensitive = true
}
