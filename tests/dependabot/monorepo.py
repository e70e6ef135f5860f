"""A small monorepo with every case the dependabot policy has to handle."""

from __future__ import annotations

from pathlib import Path

REQUIRED = 'terraform {{\n  required_providers {{\n{body}  }}\n}}\n'


def _providers(*sources: str) -> str:
    body = "".join(f'    {s.split("/")[1]} = {{ source = "{s}", version = ">= 1.0" }}\n' for s in sources)
    return REQUIRED.format(body=body)


def _lock(*sources: str) -> str:
    return "".join(f'provider "registry.terraform.io/{s}" {{\n  version = "1.0.0"\n  hashes = []\n}}\n\n'
                   for s in sources)


FILES = {
    "envs/dev/app/main.tf": _providers("hashicorp/aws") + 'module "app" {\n  source = "../../../modules/app"\n}\n',
    "envs/dev/app/.terraform.lock.hcl": _lock("hashicorp/aws", "hashicorp/random"),
    "envs/staging/app/main.tf": _providers("hashicorp/aws") + 'module "app" {\n  source = "../../../modules/app"\n}\n',
    "envs/prod/app/main.tf": _providers("hashicorp/aws") + 'module "app" {\n  source = "../../../modules/app"\n}\n',
    "envs/prod/net/main.tf": 'resource "null_resource" "x" {}\n',
    "envs/prod/net/.terraform.lock.hcl": _lock("hashicorp/aws", "hashicorp/null"),
    "envs/gxp/app/main.tf": _providers("hashicorp/aws") + 'module "app" {\n  source = "../../../modules/app"\n}\n',
    "envs/dev/legacy/main.tf": 'terraform {\n  required_providers {\n    google = "~> 5.0"\n  }\n}\n',
    "envs/dev/tools/main.tf": _providers("hashicorp/null"),
    "modules/app/main.tf": _providers("hashicorp/random") + 'module "tags" {\n  source = "../tags"\n}\n',
    "modules/tags/main.tf": 'output "tags" {\n  value = {}\n}\n',
}

ROOTS = """\
workspaces:
  app-dev: {working_directory: envs/dev/app, tags: [tier:dev, owner:payments]}
  app-staging: {working_directory: envs/staging/app, tags: [tier:staging, owner:payments]}
  app-prod: {working_directory: envs/prod/app, tags: [tier:prod, owner:payments]}
  net-prod: {working_directory: envs/prod/net, tags: [tier:prod, owner:networking]}
  app-gxp: {working_directory: envs/gxp/app, tags: [tier:gxp, owner:payments]}
  legacy: {working_directory: envs/dev/legacy, tags: [owner:payments]}
  tools-dev: {working_directory: envs/dev/tools, tags: [tier:dev, owner:platform]}
"""

POLICY = """\
version: 1
schedule: {interval: monthly, time: "06:00", timezone: Europe/Berlin}
providers:
  deny: [hashicorp/null]
tiers:
  - {name: dev}
  - {name: staging, cooldown_days: 7}
  - {name: prod, cooldown_days: 14}
  - {name: gxp, skip: true}
commit_message_prefix: "deps(terraform)"
owners:
  payments: {assignees: [alice-gh], labels: [team-payments]}
overrides:
  - workspace: app-prod
    open_pull_requests_limit: 2
    ignore: [{dependency: hashicorp/aws, versions: [">= 6.0"]}]
"""


def write_monorepo(root: Path, policy: str = POLICY) -> Path:
    for name, text in {**FILES, "workspaces.yaml": ROOTS, "policy.yaml": policy}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
