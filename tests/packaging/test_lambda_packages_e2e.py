"""Each job's zip holds what its handler needs and nothing heavy it does not; it runs from the unpacked zip alone.

The packages are built with ``--from-environment`` (this machine's Python and wheels), so the test needs no network
and can import what it built. Lambda's runtime provides boto3: a directory holding only boto3 and what it requires
plays that part beside the unpacked zip.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from tfc.cli.app import app
from tfc.packaging.build import EnvironmentInstaller
from tfc.packaging.distributions import Target, requirement_closure
from tfc.packaging.jobs import JOBS
from tfc.sandbox import Sandbox

BUILT_JOBS = tuple(job.name for job in JOBS)  # every job the Terraform modules deploy
NEVER_SHIPPED = ("typer", "rich", "flask", "werkzeug", "tree_sitter", "hcl2", "boto3", "botocore", "pytest", "moto")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("lambda")
    args = ["package", "lambdas", "--from-environment", "--out", str(out), "--output", "json"]
    for job in BUILT_JOBS:
        args += ["--job", job]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1 and set(document["packages"]) == set(BUILT_JOBS)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest == document["packages"]
    return {job: out / manifest[job]["file"] for job in BUILT_JOBS}


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What Lambda's Python runtime adds to sys.path: boto3 and its requirements."""
    here = Target(python=f"{sys.version_info.major}.{sys.version_info.minor}")
    root = tmp_path_factory.mktemp("runtime")
    EnvironmentInstaller().install(sorted(requirement_closure(["boto3"], here, excluded=frozenset())), root)
    return root


def _unpack(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(into)
    return into


def _top_level(archive: Path) -> set[str]:
    with zipfile.ZipFile(archive) as zipped:
        return {name.split("/", 1)[0] for name in zipped.namelist()}


def _clean_python(paths: list[Path], code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``code`` in an interpreter that sees the standard library and ``paths`` only (no site-packages, no cwd)."""
    prelude = f"import sys; sys.path[:0] = {[str(p) for p in paths]!r}\n"
    return subprocess.run([sys.executable, "-I", "-S", "-c", prelude + code], capture_output=True, text=True,
                          env=env or {}, timeout=300, check=False)


def test_zips_hold_only_what_their_handlers_import(built: dict[str, Path]) -> None:
    notifier, usage = _top_level(built["notifier"]), _top_level(built["usage-report"])
    for names in (notifier, usage):
        assert not names & set(NEVER_SHIPPED)
        assert not any(name in names for name in ("dependency_map", "bench", "tests"))
    assert {"notifier", "tfc", "httpx", "slack_sdk", "holidays", "yaml", "tzdata"} <= notifier
    assert "matplotlib" not in notifier and "reporting" not in notifier
    assert {"reporting", "tfc", "matplotlib", "numpy", "httpx"} <= usage and "notifier" not in usage
    for job in ("backup-webhook", "backup-sweep", "monitor"):
        names = _top_level(built[job])
        assert not names & {*NEVER_SHIPPED, "matplotlib", "numpy", "reporting", "dependency_map"}, (job, names)
        assert {"tfc", "httpx"} <= names
    with zipfile.ZipFile(built["notifier"]) as zipped:
        names = zipped.namelist()
    assert not [n for n in names if n.startswith(("tfc/cli/", "tfc/sandbox/", "tfc/review/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_same_inputs_give_byte_identical_zips(built: dict[str, Path], tmp_path: Path) -> None:
    again = CliRunner().invoke(app, ["package", "lambdas", "--from-environment", "--job", "notifier",
                                     "--out", str(tmp_path)], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert (tmp_path / "notifier.zip").read_bytes() == built["notifier"].read_bytes()


@pytest.mark.parametrize("job", BUILT_JOBS)
def test_each_handler_imports_from_its_unpacked_zip_alone(built: dict[str, Path], runtime: Path, job: str,
                                                          tmp_path: Path) -> None:
    unpacked = _unpack(built[job], tmp_path / job)
    handler = json.loads((built[job].parent / "manifest.json").read_text())[job]["handler"]
    module, function = handler.rsplit(".", 1)
    done = _clean_python([unpacked, runtime], f"import {module} as m; assert callable(m.{function}); "
                                              "print(sorted(k for k in ('typer', 'rich', 'flask') if k in sys.modules))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    without_zip = _clean_python([runtime], f"import {module}")
    assert without_zip.returncode != 0  # the check above really depended on the zip


@pytest.fixture
def small_sandbox() -> Iterator[Sandbox]:
    instance = Sandbox.from_scenario("demo", rate_limit=None)
    yield instance
    instance.close()


def test_usage_report_runs_from_the_unpacked_zip_against_the_sandbox(
        built: dict[str, Path], runtime: Path, small_sandbox: Sandbox, moto_endpoint: str, tmp_path: Path) -> None:
    unpacked = _unpack(built["usage-report"], tmp_path / "usage")
    boto3.client("s3", endpoint_url=moto_endpoint).create_bucket(
        Bucket="reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with small_sandbox.serve() as base_url:
        env = {"TFE_ADDRESS": base_url, "TFE_TOKEN": small_sandbox.token, "TFE_ORGANIZATION": small_sandbox.organization,
               "REPORT_BUCKET": "reports", "REPORT_DAYS": "30", "AWS_ENDPOINT_URL": moto_endpoint,
               "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1",
               "MPLCONFIGDIR": str(tmp_path / "mpl"), "HOME": str(tmp_path)}
        done = _clean_python([unpacked, runtime],
                             "import json, reporting.lambda_handler as h\n"
                             "print(json.dumps(h.handler({'source': 'aws.events'}, None)))", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["bucket"] == "reports" and result["requests"] > 0
    stored = {o["Key"] for o in boto3.client("s3", endpoint_url=moto_endpoint).list_objects_v2(
        Bucket="reports")["Contents"]}
    assert set(result["keys"]) <= stored
    assert any(key.endswith(".png") for key in result["keys"])
