# Every workspace of the dependency map, one tfc-workspace module each.
terraform {
  required_providers {
    tfe = {
      source  = "hashicorp/tfe"
      version = ">= 0.58.0, < 1.0.0"
    }
  }
}

variable "organization" {
  type = string
}

variable "oauth_token_id" {
  type = string
}

variable "tags" {
  description = "Workspace name -> tag names (the same list `tfc deps` was given as --roots)."
  type        = map(list(string))
  default     = {}
}

locals {
  triggers_file = "${path.root}/tfc-triggers.yaml"
  workspaces    = yamldecode(file(local.triggers_file)).workspaces
}

module "workspace" {
  source   = "../../modules/tfc-workspace"
  for_each = local.workspaces

  name          = each.key
  organization  = var.organization
  triggers_file = local.triggers_file
  tags          = lookup(var.tags, each.key, [])
  vcs_repo = {
    identifier     = "example/infrastructure"
    branch         = "main"
    oauth_token_id = var.oauth_token_id
  }
}
