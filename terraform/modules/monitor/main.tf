# Agent-pool exhaustion, queue depth and slow-plan monitoring every minute (docs/monitoring.md): alerts to the
# on-call and owning teams on Slack, CloudWatch metrics through the Embedded Metric Format in its log, autoscaling
# advice for the ECS services that run the agents (and, only with scale_apply, the action).

locals {
  slack = var.slack_bot_token_secret_arn != null
  # MONITOR_ECS_SERVICES: POOL=CLUSTER/SERVICE pairs; an ECS service ARN ends in .../service/<cluster>/<service>.
  ecs_pairs = [for pool, arn in var.ecs_services : "${pool}=${join("/", slice(split("/", arn), 1, 3))}"]
}

module "function" {
  source = "../lambda-job"

  name                 = var.name
  job                  = "monitor"
  package_dir          = var.package_dir
  package_bucket       = var.package_bucket
  kms_key_arn          = var.kms_key_arn
  schedule_expression  = var.schedule_expression
  reserved_concurrency = 2 # a slow tick may overlap the next; claims in DynamoDB keep alerts single
  timeout              = 55
  memory_size          = 256
  config_files         = var.notifier_config_file == null ? {} : { "notifier.yaml" = var.notifier_config_file }

  environment = merge(
    {
      TFE_ADDRESS                    = var.tfe_address
      TFE_ORGANIZATION               = var.organization
      MONITOR_STATE_TABLE            = var.state_table_name
      MONITOR_ONCALL_CHANNEL         = var.oncall_channel
      MONITOR_PLAN_SELECTOR          = var.plan_selector
      MONITOR_PLAN_THRESHOLD_MINUTES = tostring(var.plan_threshold_minutes)
      MONITOR_EXHAUSTED_MINUTES      = tostring(var.exhausted_minutes)
      MONITOR_SCALE_APPLY            = var.scale_apply ? "true" : "false"
    },
    length(local.ecs_pairs) > 0 ? { MONITOR_ECS_SERVICES = join(",", sort(local.ecs_pairs)) } : {},
    var.notifier_config_file == null ? {} : { NOTIFIER_CONFIG = "/opt/notifier.yaml" },
  )
  secret_arns = merge(
    { TFE_TOKEN = var.tfe_token_secret_arn },
    local.slack ? { SLACK_BOT_TOKEN = var.slack_bot_token_secret_arn } : {},
  )
  policy_statements = concat(
    [{
      sid       = "OwnStateTable"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]
      resources = [var.state_table_arn]
    }],
    length(var.ecs_services) == 0 ? [] : [{
      sid       = "AgentServices"
      actions   = var.scale_apply ? ["ecs:DescribeServices", "ecs:UpdateService"] : ["ecs:DescribeServices"]
      resources = sort(values(var.ecs_services))
    }],
  )
  tags = var.tags
}
