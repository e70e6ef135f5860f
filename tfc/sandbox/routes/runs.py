"""Runs: the organization and workspace lists with TFC's filters, create, actions, comments."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, request

from tfc.sandbox import documents as doc
from tfc.sandbox.http import Api, ApiProblem
from tfc.sandbox.world import (
    STATUS_GROUPS,
    CommentRec,
    ConfigurationVersionRec,
    Event,
    PlanRec,
    RunRec,
    WorkspaceRec,
)

RUN_OPTIONS = ("auto-apply", "allow-empty-apply", "allow-config-generation", "refresh", "refresh-only", "save-plan",
               "target-addrs", "replace-addrs", "variables", "terraform-version", "debugging-mode",
               "invoke-action-addrs")


def register(app: Flask, api: Api) -> None:
    def filtered_runs(runs: list[RunRec], *, hide_plan_only: bool) -> list[RunRec]:
        args = request.args
        if statuses := [s for s in args.get("filter[status]", "").split(",") if s]:
            runs = [r for r in runs if r.status in statuses]
        if group := args.get("filter[status_group]"):
            allowed = STATUS_GROUPS.get(group, frozenset())
            runs = [r for r in runs if r.status in allowed]
        if names := [n for n in args.get("filter[workspace_names]", "").split(",") if n]:
            runs = [r for r in runs if api.world.workspaces[r.workspace_id].name in names]
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
        ingress = api.world.ingress.get(api.world.cvs[run.cv_id].ingress_id or "")
        return ingress.commit_sha if ingress else ""

    def author_of(run: RunRec) -> str:
        ingress = api.world.ingress.get(api.world.cvs[run.cv_id].ingress_id or "")
        return ingress.sender_username if ingress else ""

    def runs_page(runs: list[RunRec], *, totals: bool) -> Response:
        wanted = api.includes(doc.RUN_INCLUDES)
        return api.paged(runs, lambda r: doc.run(api.world, r), totals=totals,
                     included=lambda chunk: doc.run_includes(api.world, chunk, wanted))

    @app.get("/api/v2/organizations/<org>/runs")
    def org_runs(org: str) -> Response:
        with api.world.lock:
            runs = filtered_runs(list(api.world.runs_in(api.org_or_404(org))), hide_plan_only=False)
            return runs_page(runs, totals=False)

    @app.get("/api/v2/workspaces/<ws_id>/runs")
    def workspace_runs(ws_id: str) -> Response:
        with api.world.lock:
            ws = api.workspace_or_404(ws_id)
            runs = filtered_runs([api.world.runs[r] for r in ws.run_ids], hide_plan_only=True)
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
