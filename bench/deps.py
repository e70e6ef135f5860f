"""Benchmark: `tfc deps generate` on a synthetic monorepo at scale.

Generates 1,500 workspaces and 180 local modules nested up to 5 deep (~8,000 files of realistic HCL with
for_each, heredocs, interpolation, templatefile and file reads), then reports cold (no cache) and warm
(unchanged tree) wall time, files parsed and peak memory. Targets on this machine: <= 5 s cold, <= 1 s warm.

    .venv/bin/python bench/deps.py [--workspaces 1500] [--modules 180] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

from dependency_map.mapping import build_map
from dependency_map.output import documents, entry, write_if_changed
from dependency_map.resolve import Root

MODULE_MAIN = '''\
locals {{
  name   = "${{var.prefix}}-{name}"
  policy = templatefile("${{path.module}}/templates/policy.json.tpl", {{ account = var.account }})
  notes  = <<-EOT
    Managed by the {name} module. ${{file("${{path.module}}/NOTES.txt")}}
  EOT
}}

resource "aws_iam_policy" "this" {{
  for_each = toset(var.regions)
  name     = "${{local.name}}-${{each.key}}"
  policy   = local.policy
  tags     = merge(var.tags, {{ module = "{name}" }})
}}
{calls}
'''
MODULE_VARS = '''\
variable "prefix" {
  type = string
}

variable "account" {
  type = string
}

variable "regions" {
  type    = list(string)
  default = ["us-east-1"]
}

variable "tags" {
  type    = map(string)
  default = {}
}
'''
ROOT_MAIN = '''\
terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }}
  }}
}}

locals {{
  settings = jsondecode(file("./settings.json"))
}}
{calls}
module "vpc" {{
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
}}
'''
CALL = '''
module "{label}" {{
  source   = "{source}"
  for_each = toset(["a", "b"])
  prefix   = "{label}-${{each.key}}"
  account  = var.account
}}
'''


def generate(root: Path, workspaces: int, modules: int, rng: random.Random) -> tuple[list[Root], int]:
    module_dirs: list[str] = []
    for index in range(modules):  # a forest: every fifth module nests under an earlier one, up to 5 deep
        parent = module_dirs[rng.randrange(len(module_dirs))] if index % 5 and module_dirs else None
        if parent is not None and parent.count("/") >= 5:
            parent = None
        module_dirs.append(f"{parent}/sub{index:03d}" if parent else f"modules/m{index:03d}")
    files = 0

    def write(path: Path, text: str) -> None:
        nonlocal files
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        files += 1

    for index, directory in enumerate(module_dirs):
        later = module_dirs[index + 1:]
        callees = rng.sample(later, k=min(len(later), rng.randrange(0, 3)))
        calls = "".join(CALL.format(label=f"c{n}", source=_relative(directory, callee))
                        for n, callee in enumerate(callees))
        base = root / directory
        write(base / "main.tf", MODULE_MAIN.format(name=f"m{index}", calls=calls))
        write(base / "variables.tf", MODULE_VARS)
        write(base / "outputs.tf", 'output "arns" {\n  value = [for p in aws_iam_policy.this : p.arn]\n}\n')
        write(base / "templates" / "policy.json.tpl", '{"Version": "2012-10-17", "Account": "${account}"}\n')
        write(base / "NOTES.txt", "notes\n")
    roots = []
    for index in range(workspaces):
        tier = ("dev", "staging", "prod", "gxp")[index % 4]
        directory = f"envs/{tier}/ws{index:04d}"
        callees = rng.sample(module_dirs, k=rng.randrange(1, 4))
        calls = "".join(CALL.format(label=f"m{n}", source=_relative(directory, callee))
                        for n, callee in enumerate(callees))
        base = root / directory
        write(base / "main.tf", ROOT_MAIN.format(calls=calls))
        write(base / "variables.tf", 'variable "account" {\n  type = string\n}\n')
        write(base / "terraform.tfvars", f'account = "{rng.randrange(10**11, 10**12)}"\n')
        write(base / "settings.json", "{}\n")
        write(base / "README.md", f"# ws{index:04d}\n")
        roots.append(Root(f"ws{index:04d}", directory))
    return roots, files


def _relative(frm: str, to: str) -> str:
    up = "../" * (frm.count("/") + 1)
    return up + to


def run(repo: Path, roots: list[Root], out: Path) -> tuple[float, int, int, int, int]:
    started = time.perf_counter()
    result = build_map(repo, roots, cache_path=repo / ".tfc-cache" / "deps.json")
    entries = {name: entry(ws, prefixes=False) for name, ws in result.maps.items()}
    written = sum(write_if_changed(p, t) for p, t in documents(entries, out, split=False).items())
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # the process's peak RSS so far
    assert not result.errors, result.errors
    return seconds, result.files_parsed, result.cache_hits, peak, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=1500)
    parser.add_argument("--modules", type=int, default=180)
    parser.add_argument("--keep", type=Path, help="Generate into this directory and keep it.")
    args = parser.parse_args()
    repo = args.keep or Path(tempfile.mkdtemp(prefix="tfc-deps-bench-"))
    try:
        roots, files = generate(repo, args.workspaces, args.modules, random.Random(42))
        tf_files = sum(1 for _ in repo.rglob("*.tf"))
        print(f"synthetic monorepo: {len(roots)} workspaces, {args.modules} modules, {files} files ({tf_files} .tf)")
        print(f"{'':6} {'seconds':>8} {'parsed':>7} {'cached':>7} {'peak RSS MiB':>13}  written")
        for label in ("cold", "warm"):
            seconds, parsed, cached, peak, written = run(repo, roots, repo / "tfc-triggers.yaml")
            print(f"{label:6} {seconds:8.2f} {parsed:7d} {cached:7d} {peak / 2**20:13.1f}  {written}")
    finally:
        if args.keep is None:
            shutil.rmtree(repo, ignore_errors=True)


if __name__ == "__main__":
    main()
