"""tfc-toolkit: batch review/apply, dependency maps and scheduled jobs for Terraform Cloud / Enterprise."""

from functools import cache


@cache
def package_version() -> str:
    """The installed distribution's version (read on first use: importlib.metadata costs ~25 ms at start-up)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tfc-toolkit")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return package_version()
    raise AttributeError(f"module 'tfc' has no attribute {name!r}")
