"""Configuration versions: create (speculative, auto-queue-runs), the token-less tar.gz upload on the archivist
host, the run an upload queues, read (api-docs/configuration-versions.mdx; go-tfe configuration_version.go)."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

from tfc.sandbox import documents as doc
from tfc.sandbox.http import UPLOAD_PREFIX, Api, ApiProblem
from tfc.sandbox.world import ConfigurationVersionRec, Event, PlanRec, RunRec

GZIP_MAGIC = b"\x1f\x8b"


def register(app: Flask, api: Api) -> None:
    def cv_or_404(cv_id: str) -> ConfigurationVersionRec:
        cv = api.world.cvs.get(cv_id)
        if cv is None:
            raise ApiProblem(404, "not found")
        if cv.workspace_id is not None:
            api.workspace_or_404(cv.workspace_id)
        return cv

    def upload_url(cv: ConfigurationVersionRec) -> str | None:
        if cv.upload_secret is None:
            return None
        return api.settings.archivist_base().rstrip("/") + UPLOAD_PREFIX + cv.upload_secret

    def document(cv: ConfigurationVersionRec, status: int = 200) -> Response:
        included = []
        if "ingress_attributes" in api.includes(doc.CV_INCLUDES) and cv.ingress_id:
            included = [doc.ingress_attributes(api.world, cv.ingress_id)]
        return api.jsonapi({"data": doc.configuration_version(api.world, cv.id, upload_url(cv)),
                            "included": included}, status)

    @app.post("/api/v2/workspaces/<ws_id>/configuration-versions")
    def create_configuration_version(ws_id: str) -> Response:
        data = api.body_json().get("data") or {}
        attributes = data.get("attributes") or {} if isinstance(data, dict) else None
        if not isinstance(attributes, dict) or (data.get("type") not in (None, "configuration-versions")):
            raise ApiProblem(422, "invalid attribute", "data.type must be configuration-versions")
        with api.world.lock:
            ws = api.workspace_or_404(ws_id)
            now = api.world.clock()
            cv = ConfigurationVersionRec(
                id=api.world.new_id("cv"), ingress_id=None, source="tfe-api", status="pending", workspace_id=ws.id,
                speculative=bool(attributes.get("speculative", False)),
                auto_queue_runs=bool(attributes.get("auto-queue-runs", True)),
                provisional=bool(attributes.get("provisional", False)),
                timestamps={"queued-at": now}, upload_secret=secrets.token_urlsafe(24),
                created_by=api.current_user().id)
            api.world.cvs[cv.id] = cv
            return document(cv, 201)

    @app.get("/api/v2/configuration-versions/<cv_id>")
    def get_configuration_version(cv_id: str) -> Response:
        with api.world.lock:
            return document(cv_or_404(cv_id))

    @app.get("/api/v2/configuration-versions/<cv_id>/ingress-attributes")
    def get_ingress_attributes(cv_id: str) -> Response:
        with api.world.lock:
            cv = cv_or_404(cv_id)
            if cv.ingress_id is None:
                raise ApiProblem(404, "not found")
            return api.jsonapi({"data": doc.ingress_attributes(api.world, cv.ingress_id)})

    @app.get("/api/v2/workspaces/<ws_id>/configuration-versions")
    def list_configuration_versions(ws_id: str) -> Response:
        with api.world.lock:
            ws = api.workspace_or_404(ws_id)
            cvs = [cv for cv in api.world.cvs.values() if cv.workspace_id == ws.id][::-1]  # newest first
            return api.paged(cvs, lambda cv: doc.configuration_version(api.world, cv.id, upload_url(cv)))

    @app.get("/api/v2/runs/<run_id>/configuration-version")
    def run_configuration_version(run_id: str) -> Response:
        with api.world.lock:
            return document(api.world.cvs[api.run_or_404(run_id).cv_id])

    @app.put(UPLOAD_PREFIX + "<secret>")
    def upload(secret: str) -> Response:
        """The archivist upload URL carries its own secret: no token (docs: "Upload Configuration Files")."""
        body = request.get_data()
        with api.world.lock:
            cv = next((c for c in api.world.cvs.values() if c.upload_secret == secret), None)
            if cv is None:
                return Response(b"not found", status=404)
            if not body.startswith(GZIP_MAGIC):
                return Response(b"the upload must be a tar.gz archive", status=422)
            now = api.world.clock()
            cv.status, cv.size, cv.upload_secret = "uploaded", len(body), None
            cv.timestamps |= {"started-at": now, "finished-at": now}
            if cv.auto_queue_runs:
                g.events = getattr(g, "events", []) + queue_run(cv)
        return Response(status=200)

    def queue_run(cv: ConfigurationVersionRec) -> list[Event]:
        """The run an uploaded configuration version queues: plan-only when it is speculative."""
        world = api.world
        now = world.clock()
        run = RunRec(id=world.new_id("run"), workspace_id=cv.workspace_id or "", status="pending", created_at=now,
                     plan_id=world.new_id("plan"), apply_id=world.new_id("apply"), cv_id=cv.id,
                     message="Triggered via API", source="tfe-configuration-version", plan_only=cv.speculative,
                     created_by=cv.created_by, trigger_reason="manual")
        run.timestamps["plan-queueable-at"] = now
        world.add_run(run, PlanRec(run.plan_id, run.id, None), cv)
        events = [] if run.plan_only else [Event("run:created", run.id, "pending")]
        return events + world.advance()
