# One organization end to end: every workspace of the dependency map (with the backup webhook), and every job:
# reminders, usage reports, state backups, monitoring, on one KMS key, one state table and two buckets.
#
#   tfc deps generate --roots workspaces.yaml --yaml tfc-triggers.yaml
#   tfc package lambdas --out dist/lambda
#   terraform apply
#   aws secretsmanager put-secret-value --secret-id <each secret output> --secret-string ...   (never in state)

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "jobs_key" {
  #checkov:skip=CKV_AWS_111:In a key policy "*" is this key only; write access is the account's own administration.
  #checkov:skip=CKV_AWS_356:In a key policy "*" is this key only (AWS's documented default key policy).
  #checkov:skip=CKV_AWS_109:The account root administers its own key, as AWS's default key policy does.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncrypt"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.name_prefix}-*"]
    }
  }
}

resource "aws_kms_key" "jobs" {
  description         = "tfc-toolkit jobs: settings, logs, queues, table, buckets, secrets"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.jobs_key.json
}

# Secret containers only: their values are put outside Terraform so they never sit in state.
resource "aws_secretsmanager_secret" "this" {
  #checkov:skip=CKV2_AWS_57:TFC team tokens and Slack tokens are rotated in TFC and Slack; put the new value here.
  for_each = toset(["tfe-token", "slack-bot-token", "slack-signing-secret"])

  name       = "${var.name_prefix}/${each.key}"
  kms_key_id = aws_kms_key.jobs.arn
}

# The webhook token must also be given to TFC's notification configurations, so Terraform holds it either way.
resource "random_password" "webhook_token" {
  length  = 48
  special = false
}

resource "aws_secretsmanager_secret" "webhook_token" {
  #checkov:skip=CKV2_AWS_57:Rotating it means re-applying every workspace's notification configuration; do it with terraform apply -replace.
  name       = "${var.name_prefix}/backup-webhook-token"
  kms_key_id = aws_kms_key.jobs.arn
}

resource "aws_secretsmanager_secret_version" "webhook_token" {
  secret_id     = aws_secretsmanager_secret.webhook_token.id
  secret_string = random_password.webhook_token.result
}

module "state_table" {
  source      = "../../modules/state-table"
  name        = "${var.name_prefix}-state"
  kms_key_arn = aws_kms_key.jobs.arn
}

module "backup_bucket" {
  source      = "../../modules/backup-bucket"
  name        = "${var.name_prefix}-state-backups"
  kms_key_arn = aws_kms_key.jobs.arn
}

module "report_bucket" {
  source      = "../../modules/report-bucket"
  name        = "${var.name_prefix}-usage-reports"
  kms_key_arn = aws_kms_key.jobs.arn
}

module "notifier" {
  source                     = "../../modules/notifier"
  name                       = "${var.name_prefix}-notifier"
  package_dir                = var.package_dir
  kms_key_arn                = aws_kms_key.jobs.arn
  organization               = var.organization
  tfe_address                = "https://${var.tfe_hostname}"
  tfe_token_secret_arn       = aws_secretsmanager_secret.this["tfe-token"].arn
  slack_bot_token_secret_arn = aws_secretsmanager_secret.this["slack-bot-token"].arn
  slack_signing_secret_arn   = aws_secretsmanager_secret.this["slack-signing-secret"].arn
  state_table_name           = module.state_table.name
  state_table_arn            = module.state_table.arn
  config_file                = "${path.module}/notifier.yaml"
}

module "usage_report" {
  source                     = "../../modules/usage-report"
  name                       = "${var.name_prefix}-usage-report"
  package_dir                = var.package_dir
  package_bucket             = module.report_bucket.name
  kms_key_arn                = aws_kms_key.jobs.arn
  organization               = var.organization
  tfe_address                = "https://${var.tfe_hostname}"
  tfe_token_secret_arn       = aws_secretsmanager_secret.this["tfe-token"].arn
  report_bucket_name         = module.report_bucket.name
  report_bucket_arn          = module.report_bucket.arn
  slack_channel              = var.slack_channel_reports
  slack_bot_token_secret_arn = aws_secretsmanager_secret.this["slack-bot-token"].arn
}

module "backup" {
  source                     = "../../modules/backup"
  name_prefix                = "${var.name_prefix}-backup"
  package_dir                = var.package_dir
  kms_key_arn                = aws_kms_key.jobs.arn
  organization               = var.organization
  tfe_address                = "https://${var.tfe_hostname}"
  tfe_token_secret_arn       = aws_secretsmanager_secret.this["tfe-token"].arn
  webhook_token_secret_arn   = aws_secretsmanager_secret.webhook_token.arn
  bucket_name                = module.backup_bucket.name
  bucket_arn                 = module.backup_bucket.arn
  slack_channel              = var.slack_channel_reports
  slack_bot_token_secret_arn = aws_secretsmanager_secret.this["slack-bot-token"].arn
}

module "monitor" {
  source                     = "../../modules/monitor"
  name                       = "${var.name_prefix}-monitor"
  package_dir                = var.package_dir
  kms_key_arn                = aws_kms_key.jobs.arn
  organization               = var.organization
  tfe_address                = "https://${var.tfe_hostname}"
  tfe_token_secret_arn       = aws_secretsmanager_secret.this["tfe-token"].arn
  slack_bot_token_secret_arn = aws_secretsmanager_secret.this["slack-bot-token"].arn
  state_table_name           = module.state_table.name
  state_table_arn            = module.state_table.arn
  notifier_config_file       = "${path.module}/notifier.yaml"
}

# Every workspace the dependency map knows, with its trigger patterns and the backup webhook.
locals {
  triggers_file = "${path.module}/tfc-triggers.yaml"
  workspaces    = yamldecode(file(local.triggers_file)).workspaces
}

module "workspace" {
  source   = "../../modules/tfc-workspace"
  for_each = local.workspaces

  name          = each.key
  organization  = var.organization
  triggers_file = local.triggers_file
  tags          = var.workspace_tags[each.key]
  vcs_repo      = var.vcs_repo
  backup_webhook = {
    url   = module.backup.webhook_url
    token = random_password.webhook_token.result
  }
}
