"""State versions: the list (both filters required, newest first) and single versions."""

from __future__ import annotations

from flask import Flask, Response, request

from tfc.sandbox import documents as doc
from tfc.sandbox.http import Api, ApiProblem


def register(app: Flask, api: Api) -> None:
    @app.get("/api/v2/state-versions")
    def list_state_versions() -> Response:
        ws_name = request.args.get("filter[workspace][name]")
        org = request.args.get("filter[organization][name]")
        if not ws_name or not org:
            raise ApiProblem(400, "bad request",
                             "filter[workspace][name] and filter[organization][name] are required")
        with api.world.lock:
            ws_id = api.world.workspace_by_name.get((api.org_or_404(org), ws_name))
            if ws_id is None:
                raise ApiProblem(404, "not found")
            versions = list(reversed(api.world.state_versions(api.world.workspaces[ws_id])))  # newest first
            if status := request.args.get("filter[status]"):
                versions = [v for v in versions if status == "finalized"]
            return api.paged(versions, lambda v: doc.state_version(api.world, v, api.state_url(v.id)))

    @app.get("/api/v2/state-versions/<sv_id>")
    def get_state_version(sv_id: str) -> Response:
        with api.world.lock:
            version = api.world.state_version(sv_id)
            if version is None:
                raise ApiProblem(404, "not found")
            api.workspace_or_404(version.workspace_id)
            return api.jsonapi({"data": doc.state_version(api.world, version, api.state_url(version.id))})
