"""Suite-wide guards: no real credentials, no real home directory, no internet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.local_services import MotoServer, SlackServer

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


@pytest.fixture
def moto_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto in server mode on 127.0.0.1; AWS credentials are fake and point boto3 nowhere else."""
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    with MotoServer() as endpoint:
        httpx.post(f"{endpoint}/moto-api/reset", timeout=60)  # moto's backends are per process: start every test empty
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        yield endpoint


@pytest.fixture
def slack_server() -> Iterator[tuple[SlackServer, str]]:
    """(the SlackServer recording calls, its base URL for slack-sdk's WebClient)."""
    slack = SlackServer()
    server, url = slack.serve()
    yield slack, url
    server.shutdown()
    server.server_close()
