"""Benchmark: `tfc dependabot generate` for a monorepo of 1,500 workspaces and 180 shared modules.

Each workspace requires 2-4 providers (required_providers and a lock file) and calls 1-3 modules; modules require
a provider of their own. Prints the wall time of the whole command (a fresh process, as CI runs it) cold and
warm, the entries and directories of the generated file, and its size. Target: <= 2 s warm.

    .venv/bin/python bench/dependabot.py [--workspaces 1500] [--modules 180] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROVIDERS = ["hashicorp/aws", "hashicorp/google", "hashicorp/azurerm", "hashicorp/random", "hashicorp/tls",
             "datadog/datadog", "hashicorp/null", "cloudflare/cloudflare"]
TIERS = ["dev", "staging", "prod", "gxp"]
POLICY = """\
version: 1
schedule: {interval: monthly, time: "06:00", timezone: Europe/Berlin}
providers: {deny: [hashicorp/null]}
tiers: [{name: dev}, {name: staging, cooldown_days: 7}, {name: prod, cooldown_days: 14}, {name: gxp, skip: true}]
commit_message_prefix: deps
"""


def _required(sources: list[str]) -> str:
    body = "".join(f'    {s.split("/")[1]} = {{ source = "{s}", version = ">= 1.0" }}\n' for s in sources)
    return f"terraform {{\n  required_providers {{\n{body}  }}\n}}\n"


def write_repo(root: Path, workspaces: int, modules: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    for m in range(modules):
        directory = root / "modules" / f"m{m:03d}"
        directory.mkdir(parents=True)
        (directory / "versions.tf").write_text(_required([rng.choice(PROVIDERS)]))
        (directory / "main.tf").write_text('resource "random_id" "x" {\n  byte_length = 4\n}\n')
    roots = ["workspaces:"]
    for w in range(workspaces):
        tier, owner = TIERS[w % 4], f"team{w % 25:02d}"
        directory = root / "envs" / tier / f"ws{w:04d}"
        directory.mkdir(parents=True)
        sources = rng.sample(PROVIDERS, rng.randint(2, 4))
        calls = "".join(f'module "m{m}" {{\n  source = "../../../modules/m{m:03d}"\n}}\n'
                        for m in rng.sample(range(modules), rng.randint(1, 3)))
        (directory / "main.tf").write_text(_required(sources) + calls)
        (directory / ".terraform.lock.hcl").write_text("".join(
            f'provider "registry.terraform.io/{s}" {{\n  version = "1.0.0"\n}}\n' for s in sources))
        roots.append(f"  ws{w:04d}: {{working_directory: envs/{tier}/ws{w:04d}, tags: [tier:{tier}, owner:{owner}]}}")
    (root / "workspaces.yaml").write_text("\n".join(roots) + "\n")
    (root / "policy.yaml").write_text(POLICY)


def _generate(repo: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tfc", "dependabot", "generate", "--repo", str(repo), "--roots",
                    str(repo / "workspaces.yaml"), "--policy", "policy.yaml"], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=1500)
    parser.add_argument("--modules", type=int, default=180)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        write_repo(repo, args.workspaces, args.modules)
        files = sum(1 for p in repo.rglob("*") if p.is_file())
        cold = _generate(repo)
        warm = [_generate(repo) for _ in range(args.runs)]
        text = (repo / ".github/dependabot.yml").read_text()
        entries = text.count("- package-ecosystem:")
        print(f"repository: {args.workspaces} workspaces, {args.modules} modules, {files} files")
        print(f"dependabot.yml: {entries} entries, {len(text.splitlines())} lines, {len(text) / 1024:.0f} KiB")
        print(f"generate, cold: {cold:.2f} s; warm: median {statistics.median(warm):.2f} s "
              f"(min {min(warm):.2f}, max {max(warm):.2f}; target <= 2 s)")


if __name__ == "__main__":
    main()
