"""Suite-wide guards: no real credentials, no real home directory, no internet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tfc.sandbox.pytest_plugin"]

_SCRUBBED_PREFIXES = ("TFE_", "TF_TOKEN_", "TF_CLI_CONFIG_FILE", "AWS_", "SLACK_")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Strip credentials from the environment and point HOME at an empty directory."""
    import os

    for name in list(os.environ):
        if name.startswith(_SCRUBBED_PREFIXES):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    yield


@pytest.fixture
def fake_home() -> Path:
    """The empty HOME directory the autouse fixture installed."""
    import os

    return Path(os.environ["HOME"])
