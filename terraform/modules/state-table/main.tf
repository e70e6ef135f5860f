# The DynamoDB table the scheduled jobs keep their state in (reminder backoff and claims, monitor windows).
# Items carry `pk`/`sk` keys and an `expires` epoch-seconds attribute that DynamoDB's TTL deletes.

variable "name" {
  description = "Table name."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for server-side encryption."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse `terraform destroy` of the table (turn off only to tear an environment down)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = {}
}

resource "aws_dynamodb_table" "this" {
  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  ttl {
    attribute_name = "expires"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

output "name" {
  description = "Table name (the jobs' STATE_TABLE)."
  value       = aws_dynamodb_table.this.name
}

output "arn" {
  description = "Table ARN (for the jobs' IAM statements)."
  value       = aws_dynamodb_table.this.arn
}
