"""The sandbox's HTTP face: TFC API v2 routes over the World, with TFC's auth, errors and pagination."""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import json
import secrets
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import Flask, Response, g, request

from tfc.sandbox import documents as doc
from tfc.sandbox.guards import Budget, Fault, FaultInjector, limit_for
from tfc.sandbox.statefile import state_file
from tfc.sandbox.world import (
    CANCELABLE,
    DISCARDABLE,
    STATUS_GROUPS,
    CommentRec,
    ConfigurationVersionRec,
    Event,
    NotificationRec,
    PlanRec,
    RunRec,
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
BLOB_LIFETIME = timedelta(minutes=1)


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


def create_app(world: World, settings: Settings, deliverer: Deliverer) -> Flask:
    app = Flask("tfc-sandbox")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    blobs: dict[str, tuple[str, datetime]] = {}  # secret -> (plan id, expiry)
    state_key = secrets.token_bytes(32)  # signs state download URLs

    def state_signature(sv_id: str) -> str:
        return hmac.new(state_key, sv_id.encode(), hashlib.sha256).hexdigest()[:32]

    def jsonapi(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, mimetype=JSONAPI, headers=headers)

    def error(status: int, title: str, detail: str | None = None) -> Response:
        entry: dict[str, Any] = {"status": str(status), "title": title}
        if detail:
            entry["detail"] = detail
        return jsonapi({"errors": [entry]}, status)

    @app.errorhandler(ApiProblem)
    def _problem(exc: ApiProblem) -> Response:
        return error(exc.status, exc.title, exc.detail)

    @app.errorhandler(404)
    def _not_found(_: Exception) -> Response:
        return error(404, "not found")

    @app.errorhandler(405)
    def _not_allowed(_: Exception) -> Response:
        return error(405, "method not allowed")

    @app.before_request
    def _guard() -> Response | None:
        settings.requests += 1
        if settings.latency_s:
            settings.sleep(settings.latency_s)
        path = request.path
        if not path.startswith("/api/"):
            return None
        g.token = _bearer()
        rule = None
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
                return error(503, "service unavailable", "injected fault")
            if fault is Fault.RATE_LIMITED:
                return _too_many(int(settings.rate_limit or 30), 0.05)
            if fault is Fault.DROP:
                return _drop()
        if path != "/api/v2/ping" and (g.token is None or g.token not in world.tokens):
            return error(401, "unauthorized")
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
        return response

    def _too_many(limit: int, wait: float) -> Response:
        body = {"errors": [{"detail": "You have exceeded the API's rate limit.", "status": 429,
                            "title": "Too many requests"}]}
        headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0",
                   "X-RateLimit-Reset": f"{max(wait, 0.001):.3f}"}
        return jsonapi(body, 429, headers)

    def _drop() -> Response:
        sock = request.environ.get("werkzeug.socket")
        if sock is not None:  # served: close the connection under the client
            sock.shutdown(socket.SHUT_RDWR)
        return Response(b"", status=599, headers={"X-Sandbox-Fault": "drop"})

    def _bearer() -> str | None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    # -- helpers ------------------------------------------------------------------------------------------

    def org_or_404(org: str) -> str:
        if org not in world.organizations or org not in world.tokens.get(g.token, frozenset()):
            raise ApiProblem(404, "not found")
        return org

    def workspace_or_404(ws_id: str) -> WorkspaceRec:
        ws = world.workspaces.get(ws_id)
        if ws is None:
            raise ApiProblem(404, "not found")
        org_or_404(ws.organization)
        return ws

    def run_or_404(run_id: str) -> RunRec:
        run = world.runs.get(run_id)
        if run is None:
            raise ApiProblem(404, "not found")
        workspace_or_404(run.workspace_id)
        return run

    def includes() -> list[str]:
        return [p for p in request.args.get("include", "").split(",") if p]

    def page_args() -> tuple[int, int]:
        try:
            number = int(request.args.get("page[number]", 1))
            size = int(request.args.get("page[size]", DEFAULT_PAGE_SIZE))
        except ValueError:
            raise ApiProblem(400, "bad request", "page[number] and page[size] must be integers") from None
        if number < 1 or size < 1:
            raise ApiProblem(400, "bad request", "page[number] and page[size] must be positive")
        return number, min(size, MAX_PAGE_SIZE)

    def paged(items: Sequence[Any], render: Callable[[Any], dict[str, Any]], *, totals: bool = True,
              included: Callable[[Sequence[Any]], list[dict[str, Any]]] | None = None) -> Response:
        number, size = page_args()
        pages = max(1, -(-len(items) // size))
        chunk = items[(number - 1) * size : number * size]
        base = settings.api_base().rstrip("/") + request.path
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
        return jsonapi(body)

    def run_document(run: RunRec, status: int = 200) -> Response:
        return jsonapi({"data": doc.run(world, run), "included": doc.run_includes(world, [run], includes())}, status)

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

    def plan_blob_url(plan_id: str) -> str:
        secret = secrets.token_urlsafe(24)
        with world.lock:
            blobs[secret] = (plan_id, world.clock() + BLOB_LIFETIME)
        return settings.archivist_base().rstrip("/") + ARCHIVIST_PREFIX + secret

    def state_url(sv_id: str) -> str:
        return f"{settings.archivist_base().rstrip('/')}{STATE_PREFIX}{sv_id}/{state_signature(sv_id)}"

    # -- discovery ----------------------------------------------------------------------------------------

    @app.get("/.well-known/terraform.json")
    def discovery() -> Response:
        body = {"modules.v1": "/api/registry/v1/modules/", "motd.v1": "/api/terraform/motd",
                "state.v2": "/api/v2/", "tfe.v2": "/api/v2/", "tfe.v2.1": "/api/v2/", "tfe.v2.2": "/api/v2/",
                "versions.v1": "https://checkpoint-api.hashicorp.com/v1/versions/"}
        return Response(json.dumps(body), mimetype="application/json")

    @app.get("/api/v2/ping")
    def ping() -> Response:
        limit = str(int(settings.rate_limit or 30))
        return Response(status=204, headers={"X-RateLimit-Limit": limit, "TFP-API-Version": "2.6",
                                             "TFP-AppName": "HCP Terraform", "X-TFE-Version": "sandbox"})

    # -- workspaces ---------------------------------------------------------------------------------------

    @app.get("/api/v2/organizations/<org>/workspaces")
    def list_workspaces(org: str) -> Response:
        with world.lock:
            items = world.org_workspaces(org_or_404(org))
            args = request.args
            if name := args.get("search[name]"):
                items = [w for w in items if name.lower() in w.name.lower()]
            if wildcard := args.get("search[wildcard-name]"):
                items = [w for w in items if fnmatch.fnmatchcase(w.name, wildcard)]
            if tags := [t for t in args.get("search[tags]", "").split(",") if t]:
                items = [w for w in items if all(t in w.tags for t in tags)]
            if excluded := [t for t in args.get("search[exclude-tags]", "").split(",") if t]:
                items = [w for w in items if not any(t in w.tags for t in excluded)]
            index = 0
            while f"filter[tagged][{index}][key]" in args:
                key = args[f"filter[tagged][{index}][key]"]
                value = args.get(f"filter[tagged][{index}][value]")
                wanted = f"{key}:{value}" if value else key
                items = [w for w in items if wanted in w.tags or (not value and any(
                    t.startswith(key + ":") for t in w.tags))]
                index += 1
            wants_current = "current_run" in includes()

            def included(chunk: Sequence[WorkspaceRec]) -> list[dict[str, Any]]:
                runs = [world.runs[w.current_run_id] for w in chunk if w.current_run_id]
                return [doc.run(world, r) for r in runs] if wants_current else []

            return paged(items, lambda w: doc.workspace(world, w), included=included)

    @app.get("/api/v2/organizations/<org>/workspaces/<name>")
    def workspace_by_name(org: str, name: str) -> Response:
        with world.lock:
            ws_id = world.workspace_by_name.get((org_or_404(org), name))
            if ws_id is None:
                raise ApiProblem(404, "not found")
            return jsonapi({"data": doc.workspace(world, world.workspaces[ws_id])})

    @app.get("/api/v2/workspaces/<ws_id>")
    def get_workspace(ws_id: str) -> Response:
        with world.lock:
            return jsonapi({"data": doc.workspace(world, workspace_or_404(ws_id))})

    @app.get("/api/v2/workspaces/<ws_id>/current-state-version")
    def current_state_version(ws_id: str) -> Response:
        with world.lock:
            version = world.current_state_version(workspace_or_404(ws_id))
            if version is None:
                raise ApiProblem(404, "not found")
            return jsonapi({"data": doc.state_version(world, version, state_url(version.id))})

    # -- runs ---------------------------------------------------------------------------------------------

    def filtered_runs(runs: list[RunRec], *, hide_plan_only: bool) -> list[RunRec]:
        args = request.args
        if statuses := [s for s in args.get("filter[status]", "").split(",") if s]:
            runs = [r for r in runs if r.status in statuses]
        if group := args.get("filter[status_group]"):
            allowed = STATUS_GROUPS.get(group, frozenset())
            runs = [r for r in runs if r.status in allowed]
        if names := [n for n in args.get("filter[workspace_names]", "").split(",") if n]:
            runs = [r for r in runs if world.workspaces[r.workspace_id].name in names]
        if operations := [o for o in args.get("filter[operation]", "").split(",") if o]:
            runs = [r for r in runs if ("plan_only" if r.plan_only else "plan_and_apply") in operations]
        elif hide_plan_only:
            runs = [r for r in runs if not r.plan_only]
        if commit := args.get("search[commit]"):
            runs = [r for r in runs if commit_of(r).startswith(commit.lower())]
        if user := args.get("search[user]"):
            runs = [r for r in runs if author_of(r) == user]
        if basic := args.get("search[basic]"):
            runs = [r for r in runs if basic in r.id or basic in r.message or commit_of(r).startswith(basic)
                    or author_of(r) == basic]
        return sorted(runs, key=lambda r: r.created_at, reverse=True)

    def commit_of(run: RunRec) -> str:
        ingress = world.ingress.get(world.cvs[run.cv_id].ingress_id or "")
        return ingress.commit_sha if ingress else ""

    def author_of(run: RunRec) -> str:
        ingress = world.ingress.get(world.cvs[run.cv_id].ingress_id or "")
        return ingress.sender_username if ingress else ""

    def runs_page(runs: list[RunRec], *, totals: bool) -> Response:
        wanted = includes()
        return paged(runs, lambda r: doc.run(world, r), totals=totals,
                     included=lambda chunk: doc.run_includes(world, chunk, wanted))

    @app.get("/api/v2/organizations/<org>/runs")
    def org_runs(org: str) -> Response:
        with world.lock:
            runs = filtered_runs(list(world.runs_in(org_or_404(org))), hide_plan_only=False)
            return runs_page(runs, totals=False)

    @app.get("/api/v2/workspaces/<ws_id>/runs")
    def workspace_runs(ws_id: str) -> Response:
        with world.lock:
            ws = workspace_or_404(ws_id)
            runs = filtered_runs([world.runs[r] for r in ws.run_ids], hide_plan_only=True)
            return runs_page(runs, totals=True)

    @app.get("/api/v2/runs/<run_id>")
    def get_run(run_id: str) -> Response:
        with world.lock:
            return run_document(run_or_404(run_id))

    @app.post("/api/v2/runs")
    def create_run() -> Response:
        body = body_json()
        data = body.get("data")
        if not isinstance(data, dict) or data.get("type") != "runs":
            raise ApiProblem(422, "invalid attribute", "data.type must be runs")
        ws_ref = ((data.get("relationships") or {}).get("workspace") or {}).get("data") or {}
        attributes = data.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise ApiProblem(422, "invalid attribute", "data.attributes must be an object")
        with world.lock:
            ws = workspace_or_404(str(ws_ref.get("id", "")))
            previous = world.runs.get(ws.current_run_id or "")
            cv_id = previous.cv_id if previous else world.new_id("cv")
            if previous is None:
                world.cvs[cv_id] = ConfigurationVersionRec(cv_id, None, source="tfe-api")
            now = world.clock()
            run = RunRec(id=world.new_id("run"), workspace_id=ws.id, status="pending", created_at=now,
                         plan_id=world.new_id("plan"), apply_id=world.new_id("apply"), cv_id=cv_id,
                         message=str(attributes.get("message") or "Queued manually via the Terraform Enterprise API"),
                         source="tfe-api", plan_only=bool(attributes.get("plan-only")),
                         is_destroy=bool(attributes.get("is-destroy")))
            run.timestamps["plan-queueable-at"] = now
            world.add_run(run, PlanRec(run.plan_id, run.id, None), world.cvs[cv_id])
            events = [Event("run:created", run.id)]
            events += world.advance()
            g.events = getattr(g, "events", []) + events
            return run_document(run, 201)

    @app.post("/api/v2/runs/<run_id>/actions/<action>")
    def run_action(run_id: str, action: str) -> Response:
        body = body_json()
        comment = body.get("comment")
        with world.lock:
            run = run_or_404(run_id)
            events: list[Event] = []
            if action == "apply":
                if not world.is_confirmable(run):
                    raise ApiProblem(409, "transition not allowed", "Run is not paused for confirmation")
                world.confirm(run, events)
            elif action == "discard":
                if run.status not in DISCARDABLE:
                    raise ApiProblem(409, "transition not allowed", f"Run cannot be discarded ({run.status})")
                world.finish_early(run, "discarded", events)
            elif action == "cancel":
                if run.status not in CANCELABLE:
                    raise ApiProblem(409, "transition not allowed", f"Run cannot be canceled ({run.status})")
                world.finish_early(run, "canceled", events)
            else:
                raise ApiProblem(404, "not found")
            if isinstance(comment, str) and comment:
                add_comment(run, comment)
            events += world.advance()
            g.events = getattr(g, "events", []) + events
        return Response(status=202)

    def add_comment(run: RunRec, text: str) -> CommentRec:
        rec = CommentRec(world.new_id("wsc"), run.id, text, world.clock())
        world.comments[rec.id] = rec
        run.comment_ids.append(rec.id)
        return rec

    @app.get("/api/v2/runs/<run_id>/comments")
    def list_comments(run_id: str) -> Response:
        with world.lock:
            run = run_or_404(run_id)
            return paged([world.comments[c] for c in run.comment_ids], doc.comment)

    @app.post("/api/v2/runs/<run_id>/comments")
    def create_comment(run_id: str) -> Response:
        data = body_json().get("data") or {}
        text = (data.get("attributes") or {}).get("body") if isinstance(data, dict) else None
        if not isinstance(text, str) or not text:
            raise ApiProblem(422, "invalid attribute", "data.attributes.body is required")
        with world.lock:
            return jsonapi({"data": doc.comment(add_comment(run_or_404(run_id), text))}, 201)

    # -- plans, applies, configuration versions -----------------------------------------------------------

    @app.get("/api/v2/plans/<plan_id>")
    def get_plan(plan_id: str) -> Response:
        with world.lock:
            plan = world.plans.get(plan_id)
            if plan is None:
                raise ApiProblem(404, "not found")
            run_or_404(plan.run_id)
            return jsonapi({"data": doc.plan(world, plan_id)})

    @app.get("/api/v2/runs/<run_id>/plan")
    def run_plan(run_id: str) -> Response:
        with world.lock:
            return jsonapi({"data": doc.plan(world, run_or_404(run_id).plan_id)})

    def json_output(plan: PlanRec) -> Response:
        if plan.document is None:
            return Response(status=204)
        return Response(status=307, headers={"Location": plan_blob_url(plan.id)})

    @app.get("/api/v2/plans/<plan_id>/json-output")
    def plan_json(plan_id: str) -> Response:
        with world.lock:
            plan = world.plans.get(plan_id)
            if plan is None:
                raise ApiProblem(404, "not found")
            run_or_404(plan.run_id)
        return json_output(plan)

    @app.get("/api/v2/runs/<run_id>/plan/json-output")
    def run_plan_json(run_id: str) -> Response:
        with world.lock:
            plan = world.plans[run_or_404(run_id).plan_id]
        return json_output(plan)

    @app.get("/api/v2/applies/<apply_id>")
    def get_apply(apply_id: str) -> Response:
        with world.lock:
            run = next((r for r in world.runs.values() if r.apply_id == apply_id), None)
            if run is None:
                raise ApiProblem(404, "not found")
            run_or_404(run.id)
            return jsonapi({"data": doc.apply(world, run)})

    @app.get("/api/v2/configuration-versions/<cv_id>")
    def get_configuration_version(cv_id: str) -> Response:
        with world.lock:
            if cv_id not in world.cvs:
                raise ApiProblem(404, "not found")
            resource = doc.configuration_version(world, cv_id)
            ingress_id = world.cvs[cv_id].ingress_id
            wanted = "ingress_attributes" in includes() and ingress_id
            included = [doc.ingress_attributes(world, ingress_id)] if wanted and ingress_id else []
            return jsonapi({"data": resource, "included": included})

    # -- state versions -----------------------------------------------------------------------------------

    @app.get("/api/v2/state-versions")
    def list_state_versions() -> Response:
        ws_name = request.args.get("filter[workspace][name]")
        org = request.args.get("filter[organization][name]")
        if not ws_name or not org:
            raise ApiProblem(400, "bad request",
                             "filter[workspace][name] and filter[organization][name] are required")
        with world.lock:
            ws_id = world.workspace_by_name.get((org_or_404(org), ws_name))
            if ws_id is None:
                raise ApiProblem(404, "not found")
            versions = list(reversed(world.state_versions(world.workspaces[ws_id])))  # newest first
            if status := request.args.get("filter[status]"):
                versions = [v for v in versions if status == "finalized"]
            return paged(versions, lambda v: doc.state_version(world, v, state_url(v.id)))

    @app.get("/api/v2/state-versions/<sv_id>")
    def get_state_version(sv_id: str) -> Response:
        with world.lock:
            version = world.state_version(sv_id)
            if version is None:
                raise ApiProblem(404, "not found")
            workspace_or_404(version.workspace_id)
            return jsonapi({"data": doc.state_version(world, version, state_url(version.id))})

    # -- agents -------------------------------------------------------------------------------------------

    @app.get("/api/v2/organizations/<org>/agent-pools")
    def agent_pools(org: str) -> Response:
        with world.lock:
            org_or_404(org)
            pools = sorted((p for p in world.agent_pools.values() if p.organization == org), key=lambda p: p.name)
            return paged(pools, lambda p: doc.agent_pool(p, [world.agents[a] for a in p.agent_ids]))

    @app.get("/api/v2/agent-pools/<pool_id>")
    def agent_pool(pool_id: str) -> Response:
        with world.lock:
            pool = world.agent_pools.get(pool_id)
            if pool is None:
                raise ApiProblem(404, "not found")
            org_or_404(pool.organization)
            return jsonapi({"data": doc.agent_pool(pool, [world.agents[a] for a in pool.agent_ids])})

    @app.get("/api/v2/agent-pools/<pool_id>/agents")
    def pool_agents(pool_id: str) -> Response:
        with world.lock:
            pool = world.agent_pools.get(pool_id)
            if pool is None:
                raise ApiProblem(404, "not found")
            org_or_404(pool.organization)
            return paged([world.agents[a] for a in pool.agent_ids], doc.agent)

    # -- notification configurations ----------------------------------------------------------------------

    @app.get("/api/v2/workspaces/<ws_id>/notification-configurations")
    def list_notifications(ws_id: str) -> Response:
        with world.lock:
            workspace_or_404(ws_id)
            configs = [n for n in world.notifications.values() if n.workspace_id == ws_id]
            return paged(configs, doc.notification)

    @app.post("/api/v2/workspaces/<ws_id>/notification-configurations")
    def create_notification(ws_id: str) -> Response:
        data = body_json().get("data")
        attributes = data.get("attributes") if isinstance(data, dict) else None
        if not isinstance(attributes, dict):
            raise ApiProblem(422, "invalid attribute", "data.attributes is required")
        missing = [k for k in ("name", "destination-type") if not attributes.get(k)]
        if attributes.get("destination-type") in ("generic", "slack", "microsoft-teams") and not attributes.get("url"):
            missing.append("url")
        if missing:
            raise ApiProblem(422, "invalid attribute", f"missing {', '.join(missing)}")
        triggers = attributes.get("triggers") or []
        if not isinstance(triggers, list) or not all(isinstance(t, str) for t in triggers):
            raise ApiProblem(422, "invalid attribute", "triggers must be a list of strings")
        with world.lock:
            workspace_or_404(ws_id)
            rec = NotificationRec(id=world.new_id("nc"), workspace_id=ws_id, name=str(attributes["name"]),
                                  url=str(attributes.get("url") or ""),
                                  destination_type=str(attributes["destination-type"]),
                                  enabled=bool(attributes.get("enabled", False)), triggers=list(triggers),
                                  token=attributes.get("token") or None, created_at=world.clock())
            world.notifications[rec.id] = rec
        if rec.enabled:
            deliverer.verify(rec)
        with world.lock:
            return jsonapi({"data": doc.notification(rec)}, 201)

    @app.get("/api/v2/notification-configurations/<nc_id>")
    def get_notification(nc_id: str) -> Response:
        with world.lock:
            rec = world.notifications.get(nc_id)
            if rec is None:
                raise ApiProblem(404, "not found")
            workspace_or_404(rec.workspace_id)
            return jsonapi({"data": doc.notification(rec)})

    @app.post("/api/v2/notification-configurations/<nc_id>/actions/verify")
    def verify_notification(nc_id: str) -> Response:
        with world.lock:
            rec = world.notifications.get(nc_id)
            if rec is None:
                raise ApiProblem(404, "not found")
            workspace_or_404(rec.workspace_id)
        deliverer.verify(rec)
        with world.lock:
            return jsonapi({"data": doc.notification(rec)})

    # -- archivist: blob URLs that carry their own secret and need no token -------------------------------

    @app.get(ARCHIVIST_PREFIX + "<secret>")
    def plan_blob(secret: str) -> Response:
        with world.lock:
            entry = blobs.get(secret)
            if entry is None or entry[1] < world.clock():
                return Response(b"not found or expired", status=404)
            return Response(json.dumps(world.plans[entry[0]].document), mimetype="application/json")

    @app.get(STATE_PREFIX + "<sv_id>/<signature>")
    def state_download(sv_id: str, signature: str) -> Response:
        with world.lock:
            version = world.state_version(sv_id)
            if version is None or not hmac.compare_digest(signature, state_signature(sv_id)):
                return Response(b"not found", status=404)
            ws = world.workspaces[version.workspace_id]
            return Response(json.dumps(state_file(ws, version)), mimetype="application/json")

    return app
