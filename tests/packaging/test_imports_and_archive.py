"""Import closure read from source, the runtime-provided exclusions, and reproducible zips."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from tfc.packaging.archive import write_zip
from tfc.packaging.distributions import RUNTIME_PROVIDED, Target, distributions_for, requirement_closure
from tfc.packaging.imports import import_closure
from tfc.packaging.jobs import JOBS, select_jobs


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_closure_follows_every_import_and_skips_type_checking_ones(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "notifier/__init__.py": "",
        "notifier/lambda_handler.py": (
            "from __future__ import annotations\nimport json\nfrom typing import TYPE_CHECKING\n"
            "from .tick import run\nif TYPE_CHECKING:\n    from tfc.cli import app\nelse:\n    import httpx\n"
            "def handler():\n    import yaml\n    from zoneinfo import ZoneInfo\n"
        ),
        "notifier/tick.py": "from tfc import client\nfrom tfc.models import Run\n",
        "tfc/__init__.py": "",
        "tfc/client.py": "import slack_sdk.web\n",
        "tfc/models.py": "",
        "tfc/cli/__init__.py": "import typer\n",
    })
    closure = import_closure(root, "notifier.lambda_handler")
    assert {p.relative_to(root).as_posix() for p in closure.files} == {
        "notifier/__init__.py", "notifier/lambda_handler.py", "notifier/tick.py",
        "tfc/__init__.py", "tfc/client.py", "tfc/models.py",
    }
    assert closure.third_party == {"httpx", "yaml", "slack_sdk", "tzdata"}


def test_closure_of_a_missing_handler_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ModuleNotFoundError, match=r"nothere\.lambda_handler"):
        import_closure(tmp_path, "nothere.lambda_handler")


def test_relative_imports_from_a_package_init_resolve_inside_it(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"backup/__init__.py": "from . import rules\nfrom .store import put\n",
                            "backup/rules.py": "", "backup/store.py": "", "backup/lambda_handler.py": "import backup\n"})
    files = {p.relative_to(root).as_posix() for p in import_closure(root, "backup.lambda_handler").files}
    assert files == {"backup/__init__.py", "backup/rules.py", "backup/store.py", "backup/lambda_handler.py"}


def test_runtime_provided_boto3_is_left_out_with_what_only_it_needs() -> None:
    target = Target()
    assert requirement_closure(["boto3"], target) == set()
    httpx = requirement_closure(["httpx"], target)
    assert {"httpx", "httpcore", "anyio", "idna", "certifi", "h11"} <= httpx
    assert not httpx & RUNTIME_PROVIDED
    assert requirement_closure(["boto3"], target, excluded=frozenset()) >= {"boto3", "botocore", "s3transfer"}


def test_modules_map_to_their_distributions() -> None:
    assert distributions_for({"yaml", "slack_sdk"}) == {"pyyaml", "slack-sdk"}
    with pytest.raises(LookupError, match="no_such_module"):
        distributions_for({"no_such_module"})


def test_markers_follow_the_target_python() -> None:
    old = Target(python="3.8")
    fake_requires = "typing-extensions; python_version < '3.9'"
    from packaging.requirements import Requirement

    marker = Requirement(fake_requires).marker
    assert marker is not None
    assert marker.evaluate({**old.marker_environment(), "extra": ""})
    assert not marker.evaluate({**Target(python="3.12").marker_environment(), "extra": ""})


def test_zip_is_byte_identical_whatever_the_file_times(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree", {"b.py": "b", "a/x.py": "x", "a/run.sh": "#!/bin/sh\n"})
    (tree / "a/run.sh").chmod(0o755)
    write_zip(tree, tmp_path / "one.zip")
    for path in tree.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    write_zip(tree, tmp_path / "two.zip")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["a/run.sh", "a/x.py", "b.py"]
    assert {i.filename: (i.external_attr >> 16) & 0o777 for i in infos} == {"a/run.sh": 0o755, "a/x.py": 0o644,
                                                                            "b.py": 0o644}
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_jobs_are_selected_by_name() -> None:
    assert select_jobs([]) == list(JOBS)
    assert [j.name for j in select_jobs(["monitor", "notifier"])] == ["monitor", "notifier"]
    with pytest.raises(KeyError, match="unknown job nope"):
        select_jobs(["nope"])
