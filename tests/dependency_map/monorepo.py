"""A small monorepo shaped like real ones, written into a temporary directory for the dependency-map tests."""

from __future__ import annotations

import os
from pathlib import Path

FILES = {
    # a root that calls a shared module twice (for_each and count) and reads files three ways
    "envs/prod/app/main.tf": '''
module "stack" {
  for_each = toset(["us-east-1", "eu-west-1"])
  source   = "../../../modules/stack"
  region   = each.key
}

module "alarms" {
  count  = 2
  source = "../../../modules/alarms"
}

/* module "old" {
  source = "../../../modules/retired"
} */
# module "also_old" { source = "../../../modules/retired" }

locals {
  policy   = file("${path.module}/policies/app.json")
  config   = templatefile("./templates/${var.env}.tpl", {})
  readme   = <<-EOT
    The module keyword in a heredoc is not a block.
    ${file("${path.root}/banner.txt")}
  EOT
}
''',
    "envs/prod/app/terraform.tfvars": 'env = "prod"\n',
    "envs/prod/app/policies/app.json": "{}\n",
    "envs/prod/app/banner.txt": "hello\n",
    "envs/prod/app/templates/prod.tpl": "x\n",
    # a root nested inside another root's directory
    "envs/prod/app/canary/main.tf": '''
module "stack" {
  source = "../../../../modules/stack"
}
''',
    # the shared module reads a file next to itself and, with a literal path, one relative to each root
    "modules/stack/main.tf": '''
module "iam" {
  source = "./iam"
}
resource "aws_ssm_parameter" "p" {
  value = file("./settings.json")
}
module "registry" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
''',
    "modules/stack/iam/main.tf": '''
resource "aws_iam_policy" "access_controls" {
  policy = file("${path.module}/policy documents/access.json")
  tags   = { for f in fileset(path.module, "tags/*.json") : f => file("${path.module}/${f}") }
}
''',
    "modules/stack/iam/policy documents/access.json": "{}\n",
    "modules/alarms/main.tf.json": '{"resource": {"aws_cloudwatch_metric_alarm": {"a": {"alarm_description": '
                                   '"${file(\\"${path.module}/alarm.txt\\")}"}}}}\n',
    "modules/alarms/alarm.txt": "high\n",
    "envs/prod/app/settings.json": "{}\n",
    "envs/prod/app/canary/settings.json": "{}\n",
    # a root whose module is a symlink to a shared one, and whose main.tf is a symlinked shared file
    "envs/dev/net/variables.tf": 'variable "env" {}\n',
    "shared/providers.tf": 'provider "aws" {}\n',
    "modules/net/main.tf": 'resource "aws_vpc" "this" {}\n',
    # a module that lives in another root's subdirectory
    "envs/prod/app/lib/main.tf": 'resource "aws_route53_zone" "shared" {}\n',
    # broken roots
    "envs/broken/syntax/main.tf": 'resource "x" "y" {\n  a = \n',
    "envs/broken/missing/main.tf": 'module "gone" {\n  source = "../../../modules/nope"\n}\n',
    "envs/broken/cycle/main.tf": 'module "a" {\n  source = "../../../modules/cycle_a"\n}\n',
    "modules/cycle_a/main.tf": 'module "b" {\n  source = "../cycle_b"\n}\n',
    "modules/cycle_b/main.tf": 'module "a" {\n  source = "../cycle_a"\n}\n',
}

ROOTS_YAML = """\
workspaces:
  app-prod: {working_directory: envs/prod/app, tags: [type:deploy]}
  app-canary: {working_directory: envs/prod/app/canary}
  net-dev: {working_directory: envs/dev/net}
  broken-syntax: {working_directory: envs/broken/syntax}
  broken-missing: {working_directory: envs/broken/missing}
  broken-cycle: {working_directory: envs/broken/cycle}
"""


def write_monorepo(root: Path) -> Path:
    for name, content in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    (root / "envs/dev/net/providers.tf").symlink_to(os.path.relpath(root / "shared/providers.tf",
                                                                    root / "envs/dev/net"))
    (root / "envs/dev/net/network").symlink_to(os.path.relpath(root / "modules/net", root / "envs/dev/net"))
    (root / "envs/dev/net/main.tf").write_text('module "network" {\n  source = "./network"\n}\n'
                                              'module "zone" {\n  source = "../../prod/app/lib"\n}\n')
    (root / "workspaces.yaml").write_text(ROOTS_YAML)
    return root
