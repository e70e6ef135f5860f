"""Benchmark: `tfc deps generate` on a generated monorepo shaped like the 4,099-file one of issue 11.

200 roots (every eighth with a nested root below a directory its dynamic path widens to), ~150 modules nested
up to 4 deep, a third of them packaging a Lambda directory through a local, every file distinct (so the
content-hash cache does not hide parsing). Prints separately: cold (no cache), warm (unchanged tree, in
process), the CLI's start-up (`tfc deps --help`) and a whole warm `tfc deps generate` process.
Targets: cold <= 2 s, warm <= 0.5 s, start-up <= 0.25 s.

    .venv/bin/python bench/deps.py [--roots 200] [--modules 150] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dependency_map.mapping import build_map
from dependency_map.output import documents, entry
from dependency_map.resolve import Root
from tfc.atomic import write_if_changed

MODULE_MAIN = '''\
locals {{
  name   = "${{var.prefix}}-{name}"
  src    = "${{path.module}}/src"
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
{code}{calls}
'''
LAMBDA = '''
data "archive_file" "code" {{
  type        = "zip"
  source_dir  = local.src
  output_path = "${{path.module}}/build/{name}.zip"
}}

resource "aws_lambda_function" "this" {{
  function_name = local.name
  filename      = data.archive_file.code.output_path
  handler       = "handler.main"
  runtime       = "python3.12"
}}
'''
VARIABLES = '''\
variable "prefix" {{
  type        = string
  description = "Name prefix for {name}"
}}

variable "account" {{
  type = string
}}

variable "regions" {{
  type    = list(string)
  default = ["us-east-1"]
}}

variable "tags" {{
  type    = map(string)
  default = {{}}
}}
'''
ROOT_MAIN = '''\
locals {{
  settings = jsondecode(file("./settings.json"))
  template = templatefile("./templates/${{var.env}}.tpl", {{ name = "{name}" }})
}}
{calls}
module "vpc" {{
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
}}

resource "aws_lambda_function" "edge" {{
  for_each      = toset(var.functions)
  function_name = "{name}-${{each.key}}"
  filename      = "${{path.module}}/functions/${{each.key}}/handler.zip"
}}
'''
ROOT_FILE = '''\
resource "aws_ssm_parameter" "{kind}_{index}" {{
  name  = "/{name}/{kind}/{index}"
  type  = "String"
  value = jsonencode({{ kind = "{kind}", root = "{name}", index = {index} }})
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
ROOT_KINDS = ("network", "iam", "dns", "monitoring", "storage", "queues")


class Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0

    def __call__(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.files += 1


def generate(repo: Path, roots: int, modules: int, rng: random.Random) -> tuple[list[Root], int]:
    write = Writer(repo)
    module_dirs: list[str] = []
    for index in range(modules):  # a forest: most modules nest under an earlier one, up to 4 deep
        parent = module_dirs[rng.randrange(len(module_dirs))] if index % 3 and module_dirs else None
        if parent is not None and parent.count("/") >= 4:
            parent = None
        module_dirs.append(f"{parent}/sub{index:03d}" if parent else f"modules/m{index:03d}")
    for index, directory in enumerate(module_dirs):
        name = f"m{index}"
        later = module_dirs[index + 1:]
        callees = rng.sample(later, k=min(len(later), rng.randrange(0, 3)))
        calls = "".join(CALL.format(label=f"c{n}", source=_relative(directory, c)) for n, c in enumerate(callees))
        packaged = index % 3 == 0
        code = LAMBDA.format(name=name) if packaged else ""
        write(f"{directory}/main.tf", MODULE_MAIN.format(name=name, calls=calls, code=code))
        write(f"{directory}/variables.tf", VARIABLES.format(name=name))
        write(f"{directory}/outputs.tf",
              f'output "arns_{index}" {{\n  value = [for p in aws_iam_policy.this : p.arn]\n}}\n')
        write(f"{directory}/versions.tf", f'terraform {{\n  required_version = ">= 1.{index % 9}"\n}}\n')
        write(f"{directory}/templates/policy.json.tpl", f'{{"Version": "2012-10-17", "Id": "{name}"}}\n')
        write(f"{directory}/NOTES.txt", f"notes for {name}\n")
        write(f"{directory}/README.md", f"# {name}\n")
        if packaged:
            for n in range(5):
                write(f"{directory}/src/{'lib/' if n > 2 else ''}mod{n}.py", f"# {name}\nVALUE = {n}\n")
    found: list[Root] = []
    index = 0
    while len(found) < roots:
        tier = ("dev", "staging", "prod", "gxp")[index % 4]
        directory = f"envs/{tier}/svc{index:03d}"
        _root(write, directory, f"svc{index:03d}", module_dirs, rng)
        found.append(Root(f"svc{index:03d}", directory))
        if index % 8 == 0 and len(found) < roots:  # a nested root where the parent's dynamic path widens
            nested = f"{directory}/functions/canary"
            _root(write, nested, f"svc{index:03d}-canary", module_dirs, rng)
            found.append(Root(f"svc{index:03d}-canary", nested))
        index += 1
    return found, write.files


def _root(write: Writer, directory: str, name: str, module_dirs: list[str], rng: random.Random) -> None:
    callees = rng.sample(module_dirs, k=rng.randrange(1, 4))
    calls = "".join(CALL.format(label=f"m{n}", source=_relative(directory, c)) for n, c in enumerate(callees))
    write(f"{directory}/main.tf", ROOT_MAIN.format(name=name, calls=calls))
    write(f"{directory}/variables.tf", 'variable "account" {\n  type = string\n}\n'
                                       'variable "env" {\n  type = string\n}\n'
                                       f'variable "functions" {{\n  default = ["{name}"]\n}}\n')
    write(f"{directory}/backend.tf", f'terraform {{\n  cloud {{\n    workspaces {{\n      name = "{name}"\n'
                                     "    }\n  }\n}\n")
    for n, kind in enumerate(ROOT_KINDS):
        write(f"{directory}/{kind}.tf", ROOT_FILE.format(kind=kind, index=n, name=name))
    write(f"{directory}/terraform.tfvars", f'account = "{rng.randrange(10**11, 10**12)}"\nenv = "prod"\n')
    write(f"{directory}/settings.json", f'{{"name": "{name}"}}\n')
    write(f"{directory}/templates/prod.tpl", f"{name}\n")
    write(f"{directory}/functions/api/handler.py", f"# {name}\n")
    write(f"{directory}/README.md", f"# {name}\n")


def _relative(frm: str, to: str) -> str:
    return "../" * (frm.count("/") + 1) + to


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(repo: Path, roots: list[Root], out: Path, cache: Path) -> tuple[float, float, int, int, int]:
    cpu = cpu_seconds()
    started = time.perf_counter()
    result = build_map(repo, roots, cache_path=cache)
    entries = {name: entry(ws, prefixes=False) for name, ws in result.maps.items()}
    for path, text in documents(entries, out, split=False).items():
        write_if_changed(path, text)
    seconds = time.perf_counter() - started
    assert not result.errors, result.errors
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return seconds, cpu_seconds() - cpu, result.files_parsed, result.cache_hits, peak


def best_of(command: list[str], env: dict[str, str], times: int = 5) -> float:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        timings.append(time.perf_counter() - started)
    return min(timings)


# The framework's floor: the smallest typer CLI with a sub-command group and one option, asked for the group's help
# (typer imports pydantic to coerce the root options and rich's Markdown/traceback machinery to render help).
TYPER_FLOOR = """
import typer
app, deps = typer.Typer(rich_markup_mode="rich"), typer.Typer()
app.add_typer(deps, name="deps")
@app.callback()
def root(debug: bool = False) -> None:
    "Root."
@deps.command()
def generate(repo: str = ".") -> None:
    "Generate."
app()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roots", type=int, default=200)
    parser.add_argument("--modules", type=int, default=150)
    parser.add_argument("--keep", type=Path, help="Generate into this directory and keep it.")
    args = parser.parse_args()
    repo = args.keep or Path(tempfile.mkdtemp(prefix="tfc-deps-bench-"))
    cache_home = Path(tempfile.mkdtemp(prefix="tfc-deps-cache-"))
    try:
        roots, files = generate(repo, args.roots, args.modules, random.Random(42))
        tf_files = sum(1 for _ in repo.rglob("*.tf"))
        print(f"generated monorepo: {len(roots)} roots, {args.modules} modules, {files} files ({tf_files} .tf)")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall time grows with it; CPU less so)")
        print(f"{'':8} {'seconds':>8} {'CPU s':>7} {'parsed':>7} {'cached':>7} {'peak RSS MiB':>13}")
        cache = cache_home / "deps.json"
        for label in ("cold", "warm"):
            seconds, cpu, parsed, cached, peak = run(repo, roots, repo / "tfc-triggers.yaml", cache)
            print(f"{label:8} {seconds:8.2f} {cpu:7.2f} {parsed:7d} {cached:7d} {peak / 2**20:13.1f}")
        env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
        tfc = [sys.executable, "-c", "from tfc.cli import main; raise SystemExit(main())"]
        startup = best_of([*tfc, "deps", "--help"], env)
        root_help = best_of([*tfc, "--help"], env)
        floor = best_of([sys.executable, "-c", TYPER_FLOOR, "deps", "--help"], env)
        bare = best_of([sys.executable, "-c", "pass"], env)
        roots_file = repo / "roots.yaml"
        roots_file.write_text("workspaces:\n" + "".join(
            f"  {r.name}: {{working_directory: {r.directory}}}\n" for r in roots))
        generate_args = ["deps", "generate", "--repo", str(repo), "--roots", str(roots_file), "--yaml",
                         str(repo / "cli.yaml")]
        subprocess.run([*tfc, *generate_args], check=True, capture_output=True, env=env)  # fills the cache
        whole = best_of([*tfc, *generate_args], env, times=3)
        print(f"startup  {startup:8.2f}  (`tfc deps --help`; `tfc --help` {root_help:.2f}; the same typer as a "
              f"one-option, one-command app: {floor:.2f}; the interpreter alone: {bare:.2f})")
        print(f"process  {whole:8.2f}  (a whole warm `tfc deps generate`)")
    finally:
        shutil.rmtree(cache_home, ignore_errors=True)
        if args.keep is None:
            shutil.rmtree(repo, ignore_errors=True)


if __name__ == "__main__":
    main()
