"""tfc-toolkit: batch review/apply, dependency maps and scheduled jobs for Terraform Cloud / Enterprise."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tfc-toolkit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
