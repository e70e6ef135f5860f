locals {
  # The dependency map: version 1, workspaces.<name>.{working_directory, trigger_patterns, trigger_prefixes}.
  triggers = yamldecode(file(var.triggers_file))
  entry    = lookup(local.triggers.workspaces, var.name, null)

  working_directory = local.entry == null ? null : local.entry.working_directory
  trigger_patterns  = local.entry == null ? [] : lookup(local.entry, "trigger_patterns", [])
  trigger_prefixes  = local.entry == null ? [] : lookup(local.entry, "trigger_prefixes", [])
}

module "tags" {
  source = "../tag-conventions"

  workspace     = var.name
  tags          = var.tags
  allowed_tiers = var.allowed_tiers
  required_keys = var.required_tag_keys
}

resource "tfe_workspace" "this" {
  name              = var.name
  organization      = var.organization
  project_id        = var.project_id
  working_directory = local.working_directory
  tag_names         = var.tags # checked against the conventions by module.tags
  auto_apply        = false
  terraform_version = var.terraform_version

  file_triggers_enabled = true
  trigger_patterns      = var.trigger_mode == "patterns" ? local.trigger_patterns : null
  trigger_prefixes      = var.trigger_mode == "prefixes" ? local.trigger_prefixes : null

  vcs_repo {
    identifier                 = var.vcs_repo.identifier
    branch                     = var.vcs_repo.branch
    oauth_token_id             = var.vcs_repo.oauth_token_id
    github_app_installation_id = var.vcs_repo.github_app_installation_id
  }

  lifecycle {
    precondition {
      condition     = try(local.triggers.version, 0) == 1
      error_message = "${var.triggers_file}: not a version-1 dependency map; run `tfc deps generate`."
    }
    precondition {
      condition     = local.entry != null
      error_message = "Workspace ${var.name} is not in ${var.triggers_file}; add it to the workspace list and run `tfc deps generate`."
    }
    precondition {
      condition     = var.trigger_mode == "patterns" ? length(local.trigger_patterns) > 0 : length(local.trigger_prefixes) > 0
      error_message = "Workspace ${var.name} has no trigger ${var.trigger_mode} in ${var.triggers_file} (for prefixes, generate with --prefixes)."
    }
  }
}

resource "tfe_workspace_settings" "this" {
  workspace_id   = tfe_workspace.this.id
  execution_mode = var.agent_pool_id == null ? "remote" : "agent"
  agent_pool_id  = var.agent_pool_id
}

resource "tfe_notification_configuration" "backup" {
  count = var.backup_webhook == null ? 0 : 1

  name             = "tfc-toolkit state backup"
  enabled          = true
  destination_type = "generic"
  url              = var.backup_webhook.url
  token            = var.backup_webhook.token
  triggers         = ["run:completed"]
  workspace_id     = tfe_workspace.this.id
}

# The owner: team hears about its workspace's failures directly (the notifier also routes errored runs to the team
# channel named in its config; this is TFC's own notification, for teams that want it without the Lambda).
resource "tfe_notification_configuration" "owner" {
  count = var.owner_notification == null ? 0 : 1

  name             = "owner ${lookup(module.tags.values, "owner", "team")}: failures"
  enabled          = true
  destination_type = var.owner_notification.destination_type
  url              = var.owner_notification.url
  email_user_ids   = var.owner_notification.email_user_ids
  triggers         = var.owner_notification.triggers
  workspace_id     = tfe_workspace.this.id
}
