"""What every sandbox route shares: the world, TFC's JSON:API responses and errors, lookups that answer 404
like TFC (a resource the token cannot see does not exist), pagination, and archivist URLs."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import Response, g, request

from tfc.sandbox import documents as doc
from tfc.sandbox.guards import Budget, FaultInjector
from tfc.sandbox.world import (
    AgentPoolRec,
    NotificationRec,
    PlanRec,
    ProjectRec,
    RunRec,
    UserRec,
    WorkspaceRec,
    World,
)

if TYPE_CHECKING:
    from tfc.sandbox.webhooks import Deliverer

JSONAPI = "application/vnd.api+json"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
ARCHIVIST_PREFIX = "/_archivist/v1/object/"
STATE_PREFIX = "/_archivist/v1/state/"
UPLOAD_PREFIX = "/_archivist/v1/upload/"
BLOB_LIFETIME = timedelta(minutes=1)


COMMON_PARAMETERS = frozenset({"page[number]", "page[size]"})


def check_parameters(known: frozenset[str], *, tagged: bool = False) -> None:
    """400 for a query parameter the endpoint does not know, as TFC answers, rather than ignoring a filter
    and returning everything. ``tagged`` admits ``filter[tagged][i][key|value]``."""
    for name in request.args:
        if name in known or name in COMMON_PARAMETERS:
            continue
        if tagged and name.startswith("filter[tagged][") and name.endswith(("][key]", "][value]")):
            continue
        raise ApiProblem(400, "bad request", f"unknown query parameter {name!r}; this endpoint takes "
                                             f"{', '.join(sorted(known | COMMON_PARAMETERS))}")


class ApiProblem(Exception):
    def __init__(self, status: int, title: str, detail: str | None = None) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.detail = detail


@dataclass
class Settings:
    rate_limit: float | None
    latency_s: float
    faults: FaultInjector | None
    api_base: Callable[[], str]  # base URL of the API as clients reach it
    archivist_base: Callable[[], str]
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    budgets: dict[tuple[str, str], Budget] = field(default_factory=dict)


class Api:
    def __init__(self, world: World, settings: Settings, deliverer: Deliverer) -> None:
        self.world = world
        self.settings = settings
        self.deliverer = deliverer
        self.blobs: dict[str, tuple[str, datetime]] = {}  # secret -> (plan id, expiry)
        self._state_key = secrets.token_bytes(32)  # signs state download URLs

    # -- responses ----------------------------------------------------------------------------------------

    @staticmethod
    def jsonapi(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(body, separators=(",", ":")), status=status, mimetype=JSONAPI, headers=headers)

    def error(self, status: int, title: str, detail: str | None = None) -> Response:
        entry: dict[str, Any] = {"status": str(status), "title": title}
        if detail:
            entry["detail"] = detail
        return self.jsonapi({"errors": [entry]}, status)

    def run_document(self, run: RunRec, status: int = 200) -> Response:
        return self.jsonapi({"data": doc.run(self.world, run),
                             "included": doc.run_includes(self.world, [run], self.includes(doc.RUN_INCLUDES))},
                            status)

    # -- lookups: 404 for what does not exist or the token cannot see --------------------------------------

    def current_user(self) -> UserRec:
        """The user the request's token belongs to."""
        user_id = self.world.token_users.get(g.token or "")
        return self.world.users[user_id] if user_id else self.world.user("api-user")

    def org_or_404(self, org: str) -> str:
        if org not in self.world.organizations or org not in self.world.tokens.get(g.token, frozenset()):
            raise ApiProblem(404, "not found")
        return org

    def workspace_or_404(self, ws_id: str) -> WorkspaceRec:
        ws = self.world.workspaces.get(ws_id)
        if ws is None:
            raise ApiProblem(404, "not found")
        self.org_or_404(ws.organization)
        return ws

    def run_or_404(self, run_id: str) -> RunRec:
        run = self.world.runs.get(run_id)
        if run is None:
            raise ApiProblem(404, "not found")
        self.workspace_or_404(run.workspace_id)
        return run

    def plan_or_404(self, plan_id: str) -> PlanRec:
        plan = self.world.plans.get(plan_id)
        if plan is None:
            raise ApiProblem(404, "not found")
        self.run_or_404(plan.run_id)
        return plan

    def project_or_404(self, project_id: str) -> ProjectRec:
        project = self.world.projects.get(project_id)
        if project is None:
            raise ApiProblem(404, "not found")
        self.org_or_404(project.organization)
        return project

    def pool_or_404(self, pool_id: str) -> AgentPoolRec:
        pool = self.world.agent_pools.get(pool_id)
        if pool is None:
            raise ApiProblem(404, "not found")
        self.org_or_404(pool.organization)
        return pool

    def notification_or_404(self, nc_id: str) -> NotificationRec:
        rec = self.world.notifications.get(nc_id)
        if rec is None:
            raise ApiProblem(404, "not found")
        if rec.subscribable_type == "projects":
            self.project_or_404(rec.workspace_id)
        else:
            self.workspace_or_404(rec.workspace_id)
        return rec

    # -- request parts ------------------------------------------------------------------------------------

    @staticmethod
    def includes(allowed: frozenset[str]) -> list[str]:
        """The ``include`` paths asked for; one TFC does not support answers 400 (see documents.RUN_INCLUDES)."""
        wanted = [p.strip() for p in request.args.get("include", "").split(",") if p.strip()]
        unknown = [p for p in wanted if p not in allowed]
        if unknown:
            raise ApiProblem(400, "Invalid include parameter",
                             f"include parameter {', '.join(unknown)!r} is not one of {', '.join(sorted(allowed))}")
        return wanted

    @staticmethod
    def body_json() -> dict[str, Any]:
        if not request.data:
            return {}
        try:
            body = json.loads(request.data)
        except ValueError:
            raise ApiProblem(400, "bad request", "the body is not JSON") from None
        if not isinstance(body, dict):
            raise ApiProblem(422, "invalid attribute", "the body must be a JSON object")
        return body

    @staticmethod
    def page_args() -> tuple[int, int]:
        try:
            number = int(request.args.get("page[number]", 1))
            size = int(request.args.get("page[size]", DEFAULT_PAGE_SIZE))
        except ValueError:
            raise ApiProblem(400, "bad request", "page[number] and page[size] must be integers") from None
        if number < 1 or size < 1:
            raise ApiProblem(400, "bad request", "page[number] and page[size] must be positive")
        return number, min(size, MAX_PAGE_SIZE)

    def paged(self, items: Sequence[Any], render: Callable[[Any], dict[str, Any]], *, totals: bool = True,
              included: Callable[[Sequence[Any]], list[dict[str, Any]]] | None = None) -> Response:
        """A page of a list, with TFC's pagination meta and links (totals only where TFC gives them)."""
        number, size = self.page_args()
        pages = max(1, -(-len(items) // size))
        chunk = items[(number - 1) * size : number * size]
        base = self.settings.api_base().rstrip("/") + request.path
        query = {k: v for k, v in request.args.items() if not k.startswith("page[")}

        def link(n: int | None) -> str | None:
            return None if n is None else base + "?" + urlencode({**query, "page[number]": n, "page[size]": size})

        next_page = number + 1 if number < pages else None
        prev_page = number - 1 if number > 1 else None
        pagination: dict[str, Any] = {"current-page": number, "page-size": size, "prev-page": prev_page,
                                      "next-page": next_page}
        links: dict[str, Any] = {"self": link(number), "prev": link(prev_page), "next": link(next_page)}
        if totals:
            pagination |= {"total-count": len(items), "total-pages": pages}
            links |= {"first": link(1), "last": link(pages)}
        body: dict[str, Any] = {"data": [render(i) for i in chunk], "links": links, "meta": {"pagination": pagination}}
        if included is not None:
            body["included"] = included(chunk)
        return self.jsonapi(body)

    # -- archivist URLs -----------------------------------------------------------------------------------

    def plan_blob_url(self, plan_id: str) -> str:
        """A one-minute URL for a plan's JSON, as TFC's 307 points at."""
        secret = secrets.token_urlsafe(24)
        with self.world.lock:
            self.blobs[secret] = (plan_id, self.world.clock() + BLOB_LIFETIME)
        return self.settings.archivist_base().rstrip("/") + ARCHIVIST_PREFIX + secret

    def state_signature(self, sv_id: str) -> str:
        return hmac.new(self._state_key, sv_id.encode(), hashlib.sha256).hexdigest()[:32]

    def state_url(self, sv_id: str) -> str:
        return f"{self.settings.archivist_base().rstrip('/')}{STATE_PREFIX}{sv_id}/{self.state_signature(sv_id)}"
