"""pytest fixtures that start the sandbox, so every capability can be tested end to end.

    pytest_plugins = ["tfc.sandbox.pytest_plugin"]

``sandbox`` is a fresh demo scenario per test (instant lifecycle, no rate limit, so tests are fast);
``sandbox_client`` talks to it in process; ``sandbox_server`` serves it on 127.0.0.1 and yields the base URL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tfc.client import TfcClient
from tfc.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    instance = Sandbox.from_scenario("demo", rate_limit=None)
    yield instance
    instance.close()


@pytest.fixture
def sandbox_client(sandbox: Sandbox) -> Iterator[TfcClient]:
    with sandbox.client(rate_limit_per_second=10_000) as client:
        yield client


@pytest.fixture
def sandbox_server(sandbox: Sandbox) -> Iterator[str]:
    with sandbox.serve() as base_url:
        yield base_url
