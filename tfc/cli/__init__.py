"""The ``tfc`` command line: thin typer commands over the library."""

from tfc.cli.app import main

__all__ = ["main"]
