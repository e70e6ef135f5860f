"""The sandbox's HTTP face: TFC API v2 over the World, behind TFC's auth, rate limits and (optional) faults.

The routes live in ``tfc/sandbox/routes/``, one module per area of the API; what they share is ``http.Api``.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from tfc.sandbox.guards import Budget, Fault, limit_for
from tfc.sandbox.http import Api, ApiProblem, Settings
from tfc.sandbox.routes import (
    account,
    agents,
    archivist,
    configuration,
    meta,
    notifications,
    plans,
    runs,
    state,
    tags,
    workspaces,
)
from tfc.sandbox.world import Event, World

if TYPE_CHECKING:
    from tfc.sandbox.webhooks import Deliverer

__all__ = ["Settings", "create_app"]


def create_app(world: World, settings: Settings, deliverer: Deliverer) -> Flask:
    app = Flask("tfc-sandbox")
    api = Api(world, settings, deliverer)

    @app.errorhandler(ApiProblem)
    def _problem(exc: ApiProblem) -> Response:
        return api.error(exc.status, exc.title, exc.detail)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:  # 404, 405, 400 …: TFC's JSON:API body, never Flask's HTML
        return api.error(exc.code or 500, (exc.name or "error").lower())

    @app.errorhandler(Exception)
    def _internal(exc: Exception) -> Response:
        app.logger.exception("sandbox: unhandled error")
        return api.error(500, "internal server error", type(exc).__name__)

    @app.before_request
    def _guard() -> Response | None:
        settings.requests += 1
        if settings.latency_s:
            settings.sleep(settings.latency_s)
        path = request.path
        if not path.startswith("/api/"):
            return None
        g.token = _bearer()
        if settings.rate_limit is not None:
            rule = limit_for(request.method, path, settings.rate_limit)
            budget = settings.budgets.get((g.token or request.remote_addr or "", rule.name))
            if budget is None:
                budget = Budget(rule.per_second, rule.capacity, settings.monotonic)
                settings.budgets[(g.token or request.remote_addr or "", rule.name)] = budget
            allowed, wait, remaining = budget.take()
            g.rate_headers = {"X-RateLimit-Limit": str(rule.limit_header), "X-RateLimit-Remaining": str(remaining)}
            if not allowed:
                return _too_many(rule.limit_header, wait)
        if settings.faults is not None:
            fault = settings.faults.draw(request.method, request.full_path)
            if fault is Fault.SERVER_ERROR:
                return api.error(503, "service unavailable", "injected fault")
            if fault is Fault.RATE_LIMITED:
                return _too_many(int(settings.rate_limit or 30), 0.05)
            if fault is Fault.DROP:
                return _drop()
            g.lost = fault  # LOST/LOST_5XX: handled first, the response is lost afterwards
        if path != "/api/v2/ping" and (g.token is None or g.token not in world.tokens):
            return api.error(401, "unauthorized")
        with world.lock:
            g.events = world.advance()
        return None

    @app.after_request
    def _after(response: Response) -> Response:
        for key, value in getattr(g, "rate_headers", {}).items():
            response.headers.setdefault(key, value)
        events: list[Event] = getattr(g, "events", [])
        if events:
            deliverer.deliver(events)
        lost = getattr(g, "lost", None)
        if lost is Fault.LOST:
            return _drop()
        if lost is Fault.LOST_5XX:
            return api.error(502, "bad gateway", "injected fault: the request was handled, its response lost")
        return response

    def _too_many(limit: int, wait: float) -> Response:
        body = {"errors": [{"detail": "You have exceeded the API's rate limit.", "status": 429,
                            "title": "Too many requests"}]}
        headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0",
                   "X-RateLimit-Reset": f"{max(wait, 0.001):.3f}"}
        return api.jsonapi(body, 429, headers)

    def _drop() -> Response:
        sock = request.environ.get("werkzeug.socket")
        if sock is not None:  # served: close the connection under the client
            sock.shutdown(socket.SHUT_RDWR)
        return Response(b"", status=599, headers={"X-Sandbox-Fault": "drop"})

    def _bearer() -> str | None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    for routes in (meta, account, workspaces, tags, runs, plans, configuration, state, agents, notifications,
                   archivist):
        routes.register(app, api)
    return app
