"""Runs: the organization and workspace lists with TFC's filters, create, actions, comments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, Response, g, request

from tfc.sandbox import documents as doc
from tfc.sandbox.http import Api, ApiProblem, check_parameters
from tfc.sandbox.world import (
    STATUS_GROUPS,
    CommentRec,
    ConfigurationVersionRec,
    Event,
    IngressRec,
    PlanRec,
    RunRec,
    WorkspaceRec,
    World,
)

RUN_OPTIONS = ("auto-apply", "allow-empty-apply", "allow-config-generation", "refresh", "refresh-only", "save-plan",
               "target-addrs", "replace-addrs", "variables", "terraform-version", "debugging-mode",
               "invoke-action-addrs")


LIST_PARAMETERS = frozenset({"filter[status]", "filter[status_group]", "filter[operation]", "filter[source]",
                             "filter[agent_pool_names]", "filter[timeframe]", "search[commit]", "search[user]",
                             "search[basic]", "include"})
ORG_LIST_PARAMETERS = LIST_PARAMETERS | {"filter[workspace_names]"}


def operation_of(run: RunRec) -> str:
    """The run's ``filter[operation]`` value (run.mdx "List runs in a workspace")."""
    if run.plan_only:
        return "plan_only"
    if run.is_destroy:
        return "destroy"
    if run.options.get("refresh-only"):
        return "refresh_only"
    if run.options.get("save-plan"):
        return "save_plan"
    return "plan_and_apply"


def _listed(args: Mapping[str, str], key: str) -> list[str]:
    return [v for v in args.get(key, "").split(",") if v]


def filter_runs(world: World, runs: list[RunRec], args: Mapping[str, str], *, hide_plan_only: bool,
                default_timeframe: str | None) -> list[RunRec]:
    """run.mdx "List runs": comma lists are OR-ed, filters AND-ed; ``search[basic]`` (user, sha, run id or
    message) is ignored when ``search[commit]`` or ``search[user]`` is given; newest first."""

    def ingress(run: RunRec) -> IngressRec | None:
        return world.ingress.get(world.cvs[run.cv_id].ingress_id or "")

    def commit_of(run: RunRec) -> str:
        found = ingress(run)
        return found.commit_sha if found else ""

    def author_of(run: RunRec) -> str:
        found = ingress(run)
        return found.sender_username if found else ""

    if statuses := _listed(args, "filter[status]"):
        runs = [r for r in runs if r.status in statuses]
    if group := args.get("filter[status_group]"):  # an unknown group matches nothing: go-tfe admin_run.go says
        runs = [r for r in runs if r.status in STATUS_GROUPS.get(group, ())]  # TFC treats bad values so
    if names := _listed(args, "filter[workspace_names]"):
        runs = [r for r in runs if world.workspaces[r.workspace_id].name in names]
    if operations := _listed(args, "filter[operation]"):
        runs = [r for r in runs if operation_of(r) in operations]
    elif hide_plan_only:
        runs = [r for r in runs if not r.plan_only]
    if sources := _listed(args, "filter[source]"):
        runs = [r for r in runs if r.source in sources]
    if pools := _listed(args, "filter[agent_pool_names]"):
        pool_ids = {p.id for p in world.agent_pools.values() if p.name in pools}
        runs = [r for r in runs if world.workspaces[r.workspace_id].agent_pool_id in pool_ids]
    timeframe = args.get("filter[timeframe]", default_timeframe)
    if timeframe == "year":
        since = world.clock() - timedelta(days=365)
        runs = [r for r in runs if r.created_at >= since]
    elif timeframe is not None:
        if not timeframe.isdigit():
            raise ApiProblem(400, "bad request", "filter[timeframe] is a year (2026) or 'year' (the last 12 months)")
        runs = [r for r in runs if r.created_at.year == int(timeframe)]
    commit, user = args.get("search[commit]"), args.get("search[user]")
    if commit:
        runs = [r for r in runs if commit_of(r).startswith(commit.lower())]
    if user:
        runs = [r for r in runs if author_of(r) == user]
    if (basic := args.get("search[basic]")) and not commit and not user:
        runs = [r for r in runs if basic in r.id or basic in r.message or commit_of(r).startswith(basic.lower())
                or author_of(r) == basic]
    return sorted(runs, key=lambda r: r.created_at, reverse=True)


def register(app: Flask, api: Api) -> None:
    def runs_page(runs: list[RunRec], *, totals: bool) -> Response:
        wanted = api.includes(doc.RUN_INCLUDES)
        return api.paged(runs, lambda r: doc.run(api.world, r), totals=totals,
                     included=lambda chunk: doc.run_includes(api.world, chunk, wanted))

    @app.get("/api/v2/organizations/<org>/runs")
    def org_runs(org: str) -> Response:
        check_parameters(ORG_LIST_PARAMETERS)
        with api.world.lock:
            runs = filter_runs(api.world, list(api.world.runs_in(api.org_or_404(org))), request.args,
                               hide_plan_only=False, default_timeframe="year")  # the org list: the last year
            return runs_page(runs, totals=False)

    @app.get("/api/v2/workspaces/<ws_id>/runs")
    def workspace_runs(ws_id: str) -> Response:
        check_parameters(LIST_PARAMETERS)
        with api.world.lock:
            ws = api.workspace_or_404(ws_id)
            runs = filter_runs(api.world, [api.world.runs[r] for r in ws.run_ids], request.args,
                               hide_plan_only=True, default_timeframe=None)
            return runs_page(runs, totals=True)

    @app.get("/api/v2/runs/<run_id>")
    def get_run(run_id: str) -> Response:
        with api.world.lock:
            return api.run_document(api.run_or_404(run_id))

    @app.post("/api/v2/runs")
    def create_run() -> Response:
        """run.mdx "Create a run"; attributes and relationships as go-tfe run.go ``RunCreateOptions``."""
        body = api.body_json()
        data = body.get("data")
        if not isinstance(data, dict) or data.get("type") != "runs":
            raise ApiProblem(422, "invalid attribute", "data.type must be runs")
        relationships = data.get("relationships") or {}
        attributes = data.get("attributes") or {}
        if not isinstance(attributes, dict) or not isinstance(relationships, dict):
            raise ApiProblem(422, "invalid attribute", "data.attributes and data.relationships must be objects")
        if attributes.get("is-destroy") and attributes.get("refresh-only"):
            raise ApiProblem(422, "invalid attribute", "is-destroy and refresh-only are mutually exclusive")
        ws_ref = (relationships.get("workspace") or {}).get("data") or {}
        cv_ref = (relationships.get("configuration-version") or {}).get("data") or {}
        with api.world.lock:
            ws = api.workspace_or_404(str(ws_ref.get("id", "")))
            cv = configuration_version_for(ws, cv_ref)
            now = api.world.clock()
            run = RunRec(id=api.world.new_id("run"), workspace_id=ws.id, status="pending", created_at=now,
                         plan_id=api.world.new_id("plan"), apply_id=api.world.new_id("apply"), cv_id=cv.id,
                         message=str(attributes.get("message") or "Queued manually via the Terraform Enterprise API"),
                         source="tfe-api", plan_only=bool(attributes.get("plan-only")) or cv.speculative,
                         is_destroy=bool(attributes.get("is-destroy")), created_by=api.current_user().id,
                         options={k: attributes[k] for k in RUN_OPTIONS if k in attributes})
            run.timestamps["plan-queueable-at"] = now
            api.world.add_run(run, PlanRec(run.plan_id, run.id, None), cv)
            events = [Event("run:created", run.id, "pending")] if not run.plan_only else []
            events += api.world.advance()
            g.events = getattr(g, "events", []) + events
            return api.run_document(run, 201)

    def configuration_version_for(ws: WorkspaceRec, ref: dict[str, Any]) -> ConfigurationVersionRec:
        """The named configuration version (it must be the workspace's and uploaded), else the workspace's latest
        (run.mdx: "defaults to the workspace's latest configuration version")."""
        if ref:
            cv = api.world.cvs.get(str(ref.get("id", "")))
            if cv is None or cv.workspace_id not in (None, ws.id):
                raise ApiProblem(404, "not found", "configuration version not found")
            if cv.status != "uploaded":
                raise ApiProblem(422, "invalid attribute", f"configuration version {cv.id} is {cv.status}")
            return cv
        latest = api.world.cvs.get(ws.latest_cv_id or "")
        if latest is not None:
            return latest
        cv = ConfigurationVersionRec(api.world.new_id("cv"), None, source="tfe-api", workspace_id=ws.id)
        api.world.cvs[cv.id] = cv
        return cv

    @app.post("/api/v2/runs/<run_id>/actions/<action>")
    def run_action(run_id: str, action: str) -> Response:
        """run.mdx "Apply a run", "Discard a run", "Cancel a run", "Forcefully cancel a run": 202, else 409."""
        body = api.body_json()
        comment = body.get("comment")
        with api.world.lock:
            world = api.world
            run = api.run_or_404(run_id)
            events: list[Event] = []
            if action == "apply":
                if not world.is_confirmable(run):
                    raise ApiProblem(409, "transition not allowed", "Run is not paused for confirmation")
                world.confirm(run, events)
            elif action == "discard":
                if not world.is_discardable(run):
                    raise ApiProblem(409, "transition not allowed", f"Run cannot be discarded ({run.status})")
                world.discard(run, events)
            elif action == "cancel":
                if not world.is_cancelable(run):
                    raise ApiProblem(409, "transition not allowed",
                                     f"Run cannot be canceled ({run.status}): only a planning or applying run can")
                world.cancel(run)
            elif action == "force-cancel":
                if not world.is_force_cancelable(run):
                    raise ApiProblem(409, "transition not allowed",
                                     "Run cannot be force-canceled: cancel it first and wait for its "
                                     "force-cancel-available-at")
                world.force_cancel(run, events)
            else:
                raise ApiProblem(404, "not found")
            if isinstance(comment, str) and comment:
                add_comment(run, comment)
            events += world.advance()
            g.events = getattr(g, "events", []) + events
        return Response(status=202)

    def add_comment(run: RunRec, text: str) -> CommentRec:
        rec = CommentRec(api.world.new_id("wsc"), run.id, text, api.world.clock())
        api.world.comments[rec.id] = rec
        run.comment_ids.append(rec.id)
        return rec

    @app.get("/api/v2/runs/<run_id>/comments")
    def list_comments(run_id: str) -> Response:
        with api.world.lock:
            run = api.run_or_404(run_id)
            return api.paged([api.world.comments[c] for c in run.comment_ids], doc.comment)

    @app.post("/api/v2/runs/<run_id>/comments")
    def create_comment(run_id: str) -> Response:
        data = api.body_json().get("data") or {}
        text = (data.get("attributes") or {}).get("body") if isinstance(data, dict) else None
        if not isinstance(text, str) or not text:
            raise ApiProblem(422, "invalid attribute", "data.attributes.body is required")
        with api.world.lock:
            return api.jsonapi({"data": doc.comment(add_comment(api.run_or_404(run_id), text))}, 201)
