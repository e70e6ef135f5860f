"""terraform/modules/tag-conventions, evaluated by Terraform itself: each convention accepts and refuses what it says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

MODULE = Path(__file__).resolve().parents[2] / "terraform" / "modules" / "tag-conventions"
TERRAFORM_ENV = {"TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}

pytestmark = pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")

GOOD = ["type:deploy", "owner:payments", "tier:prod", "account:123456789012", "env:prod"]

CASES = [
    (GOOD, None),
    (["type:deploy", "owner:payments", "tier:gxp"], None),
    (["type:deploy", "owner:payments"], "lacks the tag(s) tier:"),
    (["owner:payments"], "lacks the tag(s) type:, tier:"),
    (["type:deploy", "owner:payments", "tier:qa"], "tier:qa is not one of dev, staging, prod, gxp"),
    ([*GOOD[:4], "tier:dev"], "At most one tier:"),
    (["type:deploy", "owner:a", "owner:b", "tier:dev"], "At most one tier:"),
    (["type:deploy", "owner:payments", "tier:dev", "account:12345678901"], "12-digit AWS account id"),
    (["type:deploy", "owner:payments", "tier:dev", "account:1234567890123"], "12-digit AWS account id"),
    (["type:deploy", "owner:Payments", "tier:dev"], "lowercase slugs"),
    (["type:deploy", "owner:payments", "tier:dev", "bad tag"], "1-255 letters"),
]


def _plan(tmp_path: Path, tags: list[str]) -> subprocess.CompletedProcess[str]:
    (tmp_path / "main.tf").write_text(
        f'module "tags" {{\n  source = "{MODULE.as_posix()}"\n  workspace = "ws-1"\n  tags = {json.dumps(tags)}\n}}\n'
        'output "values" { value = module.tags.values }\n'
    )
    env = {**os.environ, **TERRAFORM_ENV}
    subprocess.run(["terraform", "init", "-input=false", "-no-color"], cwd=tmp_path, env=env, capture_output=True,
                   check=True, timeout=120)
    return subprocess.run(["terraform", "plan", "-input=false", "-no-color"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=False, timeout=120)


@pytest.mark.parametrize(("tags", "error"), CASES)
def test_tag_conventions(tmp_path: Path, tags: list[str], error: str | None) -> None:
    done = _plan(tmp_path, tags)
    if error is None:
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode != 0
        assert error in " ".join(done.stderr.split()), done.stderr
