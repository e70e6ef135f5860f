"""``tfc package lambdas``: one reproducible zip per scheduled job, ready for terraform/modules."""

from __future__ import annotations

import json
import platform
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tfc.cli.context import OutputOption, emit_json, wants_json
from tfc.cli.output import json_document, make_console, plain
from tfc.errors import TfcError, UsageError

app = typer.Typer(help="Build deployment packages for the scheduled jobs.", no_args_is_help=True)


class Arch(StrEnum):
    arm64 = "arm64"
    x86_64 = "x86_64"


_MACHINES = {Arch.arm64: "aarch64", Arch.x86_64: "x86_64"}


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


@app.command("lambdas")
def lambdas(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(help="Directory for the zips and manifest.json.")] = Path("dist/lambda"),
    job: Annotated[list[str], typer.Option("--job", help="Build only this job (repeatable); default all.")]
    = [],  # noqa: B006 - typer reads the default, never mutates it
    python: Annotated[str, typer.Option(help="Lambda runtime's Python version.")] = "3.12",
    arch: Annotated[Arch, typer.Option(help="Lambda architecture.")] = Arch.arm64,
    from_environment: Annotated[
        bool,
        typer.Option("--from-environment",
                     help="Copy third-party packages from this Python environment instead of fetching wheels for the "
                          "runtime (right only when this machine matches the runtime's Python and architecture)."),
    ] = False,
    output: OutputOption = None,
) -> None:
    """One zip per job with only what its handler imports; same inputs, same bytes.

    boto3 comes from Lambda's runtime. Fails when a package exceeds Lambda's 250 MB unpacked limit; a zip over
    50 MB is deployed through S3 (the Terraform modules read manifest.json and do so).
    """
    from tfc.packaging.build import EnvironmentInstaller, PackagingError, PipInstaller, build_package, manifest
    from tfc.packaging.distributions import Target
    from tfc.packaging.jobs import select_jobs

    try:
        jobs = select_jobs(job)
    except KeyError as exc:
        raise UsageError(f"--job: {exc.args[0]}") from None
    if from_environment:
        here = (f"{sys.version_info.major}.{sys.version_info.minor}", platform.machine())
        target = Target(python=here[0], machine=here[1])
        if here != (python, _MACHINES[arch]):
            make_console(stderr=True).print(
                f"[yellow]note:[/] --from-environment builds for this machine (Python {here[0]}, {here[1]}), "
                f"not for --python {python} --arch {arch.value}")
    else:
        target = Target(python=python, machine=_MACHINES[arch])
    installer = EnvironmentInstaller() if from_environment else PipInstaller(target)
    try:
        built = [build_package(j, out, installer, target) for j in jobs]
    except (PackagingError, ModuleNotFoundError, LookupError) as exc:
        raise TfcError(str(exc)) from None
    document = manifest(built)
    (out / "manifest.json").write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    too_large = [package for package in built if package.over_unpacked_limit]
    if wants_json(ctx, output):
        emit_json(json_document("package lambdas", {"out": str(out), "target": {"python": target.python,
                                "machine": target.machine}, "packages": document}))
    else:
        console = make_console()
        for package in built:
            note = " (over 50 MiB: deployed through S3)" if package.needs_s3_upload else ""
            console.print(f"{plain(package.path)}  {_mib(package.zip_bytes)} zip, {_mib(package.unpacked_bytes)} "
                          f"unpacked, {len(package.distributions)} distributions{note}")
    if too_large:
        names = ", ".join(f"{p.job.name} ({_mib(p.unpacked_bytes)})" for p in too_large)
        raise TfcError(f"over Lambda's 250 MiB unpacked limit: {names}")
