# The workspace tag conventions the toolkit relies on, checked at plan time (no provider needed):
#   tier:<one of allowed_tiers>   staged rollouts and monitoring selectors
#   type:<kind>                   review selection (type:deploy) and usage breakdowns
#   owner:<team>                  reminders' and monitors' routing to the owning team's channel
#   account:<12-digit id>         review grouping (a workspace's own account id) and usage by account

terraform {
  required_version = ">= 1.5.0"
}

variable "tags" {
  description = "The workspace's flat tag names, key:value style."
  type        = list(string)

  validation {
    condition     = alltrue([for tag in var.tags : can(regex("^[A-Za-z0-9_:-]{1,255}$", tag))])
    error_message = "Tags are 1-255 letters, digits, ':', '-' or '_' (TFC's rule)."
  }

  validation {
    condition = alltrue([
      for key in ["tier", "type", "owner", "account"] :
      length([for tag in var.tags : tag if startswith(tag, "${key}:")]) <= 1
    ])
    error_message = "At most one tier:, type:, owner: and account: tag each: the tools read a single value."
  }

  validation {
    condition     = alltrue([for tag in var.tags : can(regex("^account:[0-9]{12}$", tag)) if startswith(tag, "account:")])
    error_message = "account: tags hold a 12-digit AWS account id, e.g. account:123456789012."
  }

  validation {
    condition = alltrue([
      for tag in var.tags : can(regex("^(tier|type|owner):[a-z0-9][a-z0-9_-]*$", tag))
      if startswith(tag, "tier:") || startswith(tag, "type:") || startswith(tag, "owner:")
    ])
    error_message = "tier:, type: and owner: values are lowercase slugs, e.g. owner:payments-platform."
  }
}

variable "allowed_tiers" {
  description = "Values a tier: tag may take, in rollout order."
  type        = list(string)
  default     = ["dev", "staging", "prod", "gxp"]
}

variable "required_keys" {
  description = "Tag keys every workspace must carry."
  type        = list(string)
  default     = ["type", "owner", "tier"]
}

variable "workspace" {
  description = "Workspace name, for the error messages."
  type        = string
}

locals {
  values  = { for tag in var.tags : split(":", tag)[0] => join(":", slice(split(":", tag), 1, length(split(":", tag)))) if strcontains(tag, ":") }
  missing = [for key in var.required_keys : key if !contains(keys(local.values), key)]
}

output "values" {
  description = "key -> value of the key:value tags."
  value       = local.values

  precondition {
    condition     = length(local.missing) == 0
    error_message = "Workspace ${var.workspace} lacks the tag(s) ${join(", ", formatlist("%s:", local.missing))}."
  }

  precondition {
    condition     = !contains(keys(local.values), "tier") || contains(var.allowed_tiers, lookup(local.values, "tier", ""))
    error_message = "Workspace ${var.workspace}: tier:${lookup(local.values, "tier", "")} is not one of ${join(", ", var.allowed_tiers)}."
  }
}
