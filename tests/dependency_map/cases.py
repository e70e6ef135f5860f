"""A second fixture monorepo with one example of each resolution case issue 11 lists.

A workspace at the repository root; a shared Lambda module that packages a directory through a local and renders
a template through a one-level local; a helm chart relative to each root; dynamic paths in a root that has
another root nested below the widened directory; a symlinked directory read through; a fileset with a dynamic
pattern; absolute and outside-the-repository paths.
"""

from __future__ import annotations

from pathlib import Path

FILES = {
    "main.tf": '''
module "lambda" {
  source = "./modules/lambda"
}
resource "aws_s3_object" "site" {
  for_each = fileset("${path.root}/site", "**")
  source   = "${path.root}/site/${each.value}"
}
''',
    "site/index.html": "<html/>\n",
    "modules/lambda/main.tf": '''
locals {
  src     = "${path.module}/src"
  tpl_dir = "templates"
  name    = var.name
}
data "archive_file" "zip" {
  type        = "zip"
  source_dir  = local.src
  output_path = "${path.module}/build/fn.zip"
}
resource "local_file" "config" {
  content  = templatefile("${path.module}/${local.tpl_dir}/config.tpl", {})
  filename = "${path.module}/build/config.json"
}
resource "helm_release" "app" {
  chart = "./charts/app"
}
resource "aws_s3_object" "etc" {
  source = "/etc/hostname"
  etag   = filemd5("../../../outside.txt")
}
''',
    "modules/lambda/src/handler.py": "def handler(event, context):\n    return event\n",
    "modules/lambda/src/lib/util.py": "X = 1\n",
    "modules/lambda/templates/config.tpl": "{}\n",
    "charts/app/Chart.yaml": "name: app\n",
    "envs/prod/main.tf": '''
module "lambda" {
  source = "../../modules/lambda"
}
resource "aws_lambda_function" "fn" {
  for_each = toset(var.functions)
  filename = "${path.module}/functions/${each.key}/handler.zip"
}
locals {
  shared  = file("${path.module}/shared/app.json")
  policies = fileset("${path.module}/policies", var.glob)
}
''',
    "envs/prod/charts/app/Chart.yaml": "name: app\n",
    "envs/prod/functions/api/handler.py": "pass\n",
    "envs/prod/functions/README.md": "functions\n",
    "envs/prod/functions/canary/main.tf": 'resource "null_resource" "x" {}\n',
    "envs/prod/policies/a.json": "{}\n",
    "shared/config/app.json": "{}\n",
    "shared/other/app.json": "{}\n",
}

ROOTS_YAML = """\
workspaces:
  platform: {working_directory: .}
  prod: {working_directory: envs/prod}
  canary: {working_directory: envs/prod/functions/canary}
"""


def write_cases(root: Path) -> Path:
    for name, content in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    (root / "envs/prod/shared").symlink_to("../../shared/config")
    (root / "workspaces.yaml").write_text(ROOTS_YAML)
    return root
