# State backups (docs/backup.md): a Function URL that TFC's signed run:completed notifications call, copying each
# new state to S3 without ever overwriting, and a scheduled sweep that backs up what a missed notification left
# behind and reports stale workspaces.

locals {
  slack = var.slack_channel != null && var.slack_bot_token_secret_arn != null
  common = {
    TFE_ADDRESS       = var.tfe_address
    TFE_ORGANIZATION  = var.organization
    BACKUP_BUCKET     = var.bucket_name
    BACKUP_PREFIX     = var.prefix
    BACKUP_KMS_KEY_ID = var.kms_key_arn
  }
  # Write new objects under the prefix and read what is there; nothing here may delete (the bucket policy denies it).
  bucket_statements = [
    {
      sid       = "OwnPrefixObjects"
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = ["${var.bucket_arn}/${var.prefix}/*"]
    },
    {
      sid       = "ListOwnPrefix"
      actions   = ["s3:ListBucket"]
      resources = [var.bucket_arn]
    },
  ]
}

module "webhook" {
  source = "../lambda-job"

  name                 = "${var.name_prefix}-webhook"
  job                  = "backup-webhook"
  package_dir          = var.package_dir
  package_bucket       = var.package_bucket
  kms_key_arn          = var.kms_key_arn
  function_url         = true
  reserved_concurrency = 20 # a few hundred applies a day arrive in bursts; writes are conditional, so overlap is safe
  timeout              = 60
  memory_size          = 512

  environment = local.common
  secret_arns = {
    TFE_TOKEN     = var.tfe_token_secret_arn
    WEBHOOK_TOKEN = var.webhook_token_secret_arn
  }
  policy_statements = local.bucket_statements
  tags              = var.tags
}

module "sweep" {
  source = "../lambda-job"

  name                 = "${var.name_prefix}-sweep"
  job                  = "backup-sweep"
  package_dir          = var.package_dir
  package_bucket       = var.package_bucket
  kms_key_arn          = var.kms_key_arn
  schedule_expression  = var.sweep_schedule_expression
  reserved_concurrency = 1 # one sweep at a time
  timeout              = 900
  memory_size          = 512

  environment = merge(
    local.common,
    { BACKUP_STALE_AFTER = var.stale_after },
    local.slack ? { SLACK_CHANNEL = var.slack_channel } : {},
  )
  secret_arns = merge(
    { TFE_TOKEN = var.tfe_token_secret_arn },
    local.slack ? { SLACK_BOT_TOKEN = var.slack_bot_token_secret_arn } : {},
  )
  policy_statements = local.bucket_statements
  tags              = var.tags
}
