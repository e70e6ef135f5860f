output "workspace_id" {
  description = "The workspace's id."
  value       = tfe_workspace.this.id
}

output "trigger_patterns" {
  description = "The trigger patterns the workspace was given from the dependency map."
  value       = local.trigger_patterns
}
