"""The Lambda handlers are thin adapters: importing them loads neither typer nor matplotlib."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["notifier.lambda_handler", "reporting.lambda_handler"])
def test_lambda_handlers_import_no_cli_or_charting(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in ('typer', 'matplotlib') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
