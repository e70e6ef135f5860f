"""Build one Lambda zip per job: the handler's first-party files, its third-party closure, nothing else."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Protocol

from tfc.packaging.archive import write_zip
from tfc.packaging.distributions import RUNTIME_PROVIDED, Target, distributions_for, pinned, requirement_closure
from tfc.packaging.imports import import_closure
from tfc.packaging.jobs import LambdaJob

# AWS's limits for a function's deployment package (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)
UNPACKED_LIMIT = 250 * 1024 * 1024
DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024


class Installer(Protocol):
    def install(self, distributions: list[str], stage: Path) -> None: ...


@dataclass(frozen=True)
class PipInstaller:
    """Wheels for the Lambda runtime's platform from the package index, pinned to this environment's versions."""

    target: Target

    def install(self, distributions: list[str], stage: Path) -> None:
        if not distributions:
            return
        # Lambda's Python 3.12+ images are Amazon Linux 2023 (glibc 2.34): every manylinux tag up to 2_34 runs there.
        platforms = [f"manylinux_2_{minor}_{self.target.machine}" for minor in range(34, 16, -1)]
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                   "--no-compile", "--only-binary=:all:", "--implementation", "cp",
                   "--python-version", self.target.python, "--target", str(stage)]
        for platform in platforms:
            command += ["--platform", platform]
        done = subprocess.run([*command, *pinned(distributions)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PackagingError(f"pip could not install {', '.join(distributions)} for Python {self.target.python} "
                                 f"on {self.target.machine}:\n{done.stderr.strip()}")


class EnvironmentInstaller:
    """The distributions exactly as installed in the running environment (its Python and platform)."""

    def install(self, distributions: list[str], stage: Path) -> None:
        for name in distributions:
            dist = metadata.distribution(name)
            for entry in dist.files or []:
                if ".." in entry.parts or "__pycache__" in entry.parts:
                    continue  # console scripts outside site-packages, and bytecode
                source = Path(str(dist.locate_file(entry)))
                if source.is_file():
                    destination = stage / entry
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, destination)


class PackagingError(Exception):
    pass


@dataclass(frozen=True)
class BuiltPackage:
    job: LambdaJob
    path: Path
    zip_bytes: int
    unpacked_bytes: int
    sha256_hex: str  # names the uploaded object
    sha256_base64: str  # what Terraform's source_code_hash compares
    distributions: tuple[str, ...]  # name==version
    first_party_files: int

    @property
    def over_unpacked_limit(self) -> bool:
        return self.unpacked_bytes > UNPACKED_LIMIT

    @property
    def needs_s3_upload(self) -> bool:
        return self.zip_bytes > DIRECT_UPLOAD_LIMIT


def source_root() -> Path:
    """The directory holding the toolkit's top-level packages (the checkout, or site-packages)."""
    import tfc

    return Path(tfc.__file__).resolve().parents[1]


def build_package(job: LambdaJob, out_dir: Path, installer: Installer, target: Target,
                  root: Path | None = None) -> BuiltPackage:
    root = root or source_root()
    closure = import_closure(root, job.module)
    distributions = sorted(requirement_closure(distributions_for(closure.third_party), target, RUNTIME_PROVIDED))
    with tempfile.TemporaryDirectory(prefix=f"tfc-package-{job.name}-") as tmp:
        stage = Path(tmp) / "stage"
        stage.mkdir()
        for path in sorted(closure.files):
            destination = stage / path.relative_to(root)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
        installer.install(distributions, stage)
        _prune(stage)
        unpacked = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file())
        out_dir.mkdir(parents=True, exist_ok=True)
        destination_zip = out_dir / f"{job.name}.zip"
        write_zip(stage, destination_zip)
    data = destination_zip.read_bytes()
    digest = hashlib.sha256(data)
    return BuiltPackage(
        job=job,
        path=destination_zip,
        zip_bytes=len(data),
        unpacked_bytes=unpacked,
        sha256_hex=digest.hexdigest(),
        sha256_base64=base64.b64encode(digest.digest()).decode(),
        distributions=tuple(pinned(distributions)),
        first_party_files=len(closure.files),
    )


def _prune(stage: Path) -> None:
    """Drop what differs between builds or never runs on Lambda: bytecode and console-script launchers."""
    for path in sorted(stage.rglob("__pycache__"), reverse=True):
        shutil.rmtree(path, ignore_errors=True)
    for path in stage.rglob("*.pyc"):
        path.unlink()
    shutil.rmtree(stage / "bin", ignore_errors=True)


def manifest(packages: Iterable[BuiltPackage]) -> dict[str, dict[str, object]]:
    """What Terraform reads beside the zips (``manifest.json``): file, hash, sizes, handler, whether S3 is needed."""
    return {
        package.job.name: {
            "file": package.path.name,
            "handler": package.job.handler,
            "source_code_hash": package.sha256_base64,
            "sha256": package.sha256_hex,
            "zip_bytes": package.zip_bytes,
            "unpacked_bytes": package.unpacked_bytes,
            "needs_s3_upload": package.needs_s3_upload,
            "distributions": list(package.distributions),
        }
        for package in packages
    }
