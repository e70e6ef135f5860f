"""Every Terraform file parses, is formatted, and every module's README documents each of its inputs and outputs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import hcl2
import pytest

TERRAFORM = Path(__file__).resolve().parents[2] / "terraform"
TF_FILES = sorted(TERRAFORM.rglob("*.tf"))
MODULE_DIRS = sorted(p for p in (TERRAFORM / "modules").iterdir() if p.is_dir())


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: str(p.relative_to(TERRAFORM)))
def test_every_tf_file_parses(path: Path) -> None:
    with path.open() as handle:
        assert isinstance(hcl2.load(handle), dict)


def _declared(module: Path, kind: str) -> set[str]:
    names: set[str] = set()
    for path in module.glob("*.tf"):
        with path.open() as handle:
            for block in hcl2.load(handle).get(kind, []):
                names.update(name.strip('"') for name in block)
    return names


@pytest.mark.parametrize("module", MODULE_DIRS, ids=lambda p: p.name)
def test_module_readme_documents_every_input_and_output(module: Path) -> None:
    readme = (module / "README.md").read_text()
    assert "```hcl" in readme, "an example"
    for name in _declared(module, "variable") | _declared(module, "output"):
        assert f"`{name}`" in readme, f"{module.name}/README.md does not mention `{name}`"


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_terraform_files_are_formatted() -> None:
    done = subprocess.run(["terraform", "fmt", "-check", "-recursive", "-list=true", str(TERRAFORM)],
                          capture_output=True, text=True, check=False, timeout=60,
                          env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"})
    assert done.returncode == 0, f"not formatted (run `terraform fmt -recursive terraform`): {done.stdout}"
