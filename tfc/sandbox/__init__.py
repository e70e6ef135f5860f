"""A TFC-API-compatible server of our own, for the demo, the tests and the benchmarks.

    sandbox = Sandbox.from_scenario("demo")          # or a scenario YAML file
    client = sandbox.client()                        # in process, through httpx's WSGI transport
    with sandbox.serve() as base_url: ...            # a real HTTP server on 127.0.0.1
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from flask import Flask

from tfc.client import TfcClient
from tfc.sandbox.api import create_app
from tfc.sandbox.guards import FaultInjector, FaultSpec
from tfc.sandbox.http import Settings as ApiSettings
from tfc.sandbox.webhooks import Deliverer
from tfc.sandbox.world import World, utc_now
from tfc.settings import Secret, Settings

IN_PROCESS_API = "http://sandbox.tfc.local"
IN_PROCESS_ARCHIVIST = "http://archivist.sandbox.tfc.local"

BUILT_IN = ("demo", "scale")  # scenario names that are generated, not read from a file

__all__ = ["BUILT_IN", "FaultSpec", "Sandbox"]


class _InProcessTransport(httpx.BaseTransport):
    """httpx's WSGI transport, plus what a network does: a dropped connection is a transport error."""

    def __init__(self, app: Flask) -> None:
        self._wsgi = httpx.WSGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._wsgi.handle_request(request)
        if response.headers.get("X-Sandbox-Fault") == "drop":
            response.close()
            raise httpx.RemoteProtocolError("sandbox: connection dropped (injected fault)", request=request)
        return response


class Sandbox:
    def __init__(
        self,
        world: World,
        token: str,
        organization: str,
        *,
        latency_s: float = 0.0,
        rate_limit: float | None = 30.0,
        faults: FaultSpec | None = None,
    ) -> None:
        self.world = world
        self.token = token
        self.organization = organization
        self._served: tuple[str, str] | None = None
        self.injector = FaultInjector(faults) if faults else None
        self.api_settings = ApiSettings(rate_limit=rate_limit, latency_s=latency_s, faults=self.injector,
                                        api_base=lambda: self.address, archivist_base=self._archivist)
        self.deliverer = Deliverer(world, app_url=lambda: self.address)
        self.wsgi_app = create_app(world, self.api_settings, self.deliverer)

    @classmethod
    def from_scenario(
        cls,
        source: str | Path = "demo",
        *,
        lifecycle_seconds: float = 0.0,
        latency_s: float = 0.0,
        rate_limit: float | None = 30.0,
        faults: FaultSpec | None = None,
        seed: int = 0,
        clock: Callable[[], datetime] = utc_now,
    ) -> Sandbox:
        world = World(clock=clock, lifecycle_seconds=lifecycle_seconds, seed=seed)
        if source in BUILT_IN:  # "scale" is the 1,500-workspace organization
            from tfc.sandbox.demo import DEMO_ORG, PROFILES, build_demo

            token = build_demo(world, seed=seed, now=clock(), profile=PROFILES[str(source)])
            organization = DEMO_ORG
        else:
            from tfc.sandbox.scenario import load_scenario

            token, organization = load_scenario(world, Path(source), now=clock())
        return cls(world, token, organization, latency_s=latency_s, rate_limit=rate_limit, faults=faults)

    @property
    def address(self) -> str:
        return self._served[0] if self._served else IN_PROCESS_API

    def _archivist(self) -> str:
        return self._served[1] if self._served else IN_PROCESS_ARCHIVIST

    @property
    def requests_served(self) -> int:
        return self.api_settings.requests

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {"address": self.address, "token": Secret(self.token),
                                  "organization": self.organization}
        values.update(overrides)
        return Settings(**values)

    def client(self, **overrides: Any) -> TfcClient:
        """A client of this sandbox, in process; ``overrides`` are Settings fields (e.g. rate_limit_per_second)."""
        transport = None if self._served else _InProcessTransport(self.wsgi_app)
        return TfcClient(self.settings(**overrides), transport=transport)

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0, *, access_log: bool = False) -> Iterator[str]:
        """Serve on a real port until the block ends; yields the base URL (archivist URLs use ``localhost``)."""
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Handler(WSGIRequestHandler):
            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                if access_log:
                    super().log_request(code, size)

        server = make_server(host, port, self.wsgi_app, threaded=True, request_handler=Handler)
        bound = server.socket.getsockname()[1]
        self._served = (f"http://{host}:{bound}", f"http://localhost:{bound}")
        thread = threading.Thread(target=server.serve_forever, name="tfc-sandbox", daemon=True)
        thread.start()
        try:
            yield self._served[0]
        finally:
            server.shutdown()
            thread.join(timeout=5)
            server.server_close()
            self._served = None

    def close(self) -> None:
        self.deliverer.close()
