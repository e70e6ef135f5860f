"""The YAML `tfc deps generate` writes is what terraform/modules/tfc-workspace reads, read by Terraform itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import hcl2
import pytest

from dependency_map.mapping import build_map
from dependency_map.output import documents, entry
from dependency_map.roots import roots_from_file

from .monorepo import write_monorepo

MODULE = Path(__file__).resolve().parents[2] / "terraform" / "modules" / "tfc-workspace"


def test_the_module_reads_the_keys_the_generator_writes() -> None:
    main = hcl2.loads((MODULE / "main.tf").read_text())
    text = json.dumps(main)
    for key in ("working_directory", "trigger_patterns", "trigger_prefixes", "workspaces", "version"):
        assert key in text, key
    variables = {name.strip("\"") for block in hcl2.loads((MODULE / "variables.tf").read_text())["variable"]
                 for name in block}
    assert {"name", "triggers_file", "trigger_mode", "vcs_repo", "tags", "agent_pool_id"} <= variables


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_terraform_decodes_the_generated_yaml(tmp_path: Path) -> None:
    repo = write_monorepo(tmp_path / "repo")
    result = build_map(repo, [r for r in roots_from_file(repo / "workspaces.yaml") if "broken" not in r.name],
                       cache_path=None)
    ((path, text),) = documents({n: entry(m, prefixes=True) for n, m in result.maps.items()}, tmp_path / "t.yaml",
                                split=False).items()
    path.write_text(text)
    (tmp_path / "main.tf").write_text("locals {}\n")
    expression = 'jsonencode(yamldecode(file("t.yaml")).workspaces["app-prod"])'
    done = subprocess.run(["terraform", "console"], input=expression, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, check=True, env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull,
                                                       "CHECKPOINT_DISABLE": "1"})
    decoded = json.loads(json.loads(done.stdout.strip()))
    assert decoded["trigger_patterns"] == result.maps["app-prod"].patterns
    assert decoded["working_directory"] == "envs/prod/app"
    assert decoded["trigger_prefixes"] == result.maps["app-prod"].prefixes
