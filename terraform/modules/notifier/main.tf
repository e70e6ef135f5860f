# Slack reminders of pending applies: a tick every 10 minutes (EventBridge) and the Slack buttons' requests
# (Function URL, each verified against Slack's signing secret by the handler).

module "function" {
  source = "../lambda-job"

  name                 = var.name
  job                  = "notifier"
  package_dir          = var.package_dir
  package_bucket       = var.package_bucket
  kms_key_arn          = var.kms_key_arn
  schedule_expression  = var.schedule_expression
  function_url         = true
  reserved_concurrency = 2 # a tick and a button click; claims in DynamoDB keep overlapping ticks from double-sending
  timeout              = 120
  memory_size          = 256
  config_files         = var.config_file == null ? {} : { "notifier.yaml" = var.config_file }

  environment = merge(
    {
      TFE_ADDRESS      = var.tfe_address
      TFE_ORGANIZATION = var.organization
      STATE_TABLE      = var.state_table_name
    },
    var.config_file == null ? {} : { NOTIFIER_CONFIG = "/opt/notifier.yaml" },
  )
  secret_arns = {
    TFE_TOKEN            = var.tfe_token_secret_arn
    SLACK_BOT_TOKEN      = var.slack_bot_token_secret_arn
    SLACK_SIGNING_SECRET = var.slack_signing_secret_arn
  }
  policy_statements = [{
    sid       = "OwnStateTable"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"]
    resources = [var.state_table_arn]
  }]
  tags = var.tags
}
