"""Workspaces: lists with TFC's filters, lookups, the current state version."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import Any

from flask import Flask, Response, request

from tfc.sandbox import documents as doc
from tfc.sandbox.http import Api, ApiProblem
from tfc.sandbox.world import (
    WorkspaceRec,
)


def register(app: Flask, api: Api) -> None:
    @app.get("/api/v2/organizations/<org>/workspaces")
    def list_workspaces(org: str) -> Response:
        with api.world.lock:
            items = api.world.org_workspaces(api.org_or_404(org))
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
            wants_current = "current_run" in api.includes()

            def included(chunk: Sequence[WorkspaceRec]) -> list[dict[str, Any]]:
                runs = [api.world.runs[w.current_run_id] for w in chunk if w.current_run_id]
                return [doc.run(api.world, r) for r in runs] if wants_current else []

            return api.paged(items, lambda w: doc.workspace(api.world, w), included=included)

    @app.get("/api/v2/organizations/<org>/workspaces/<name>")
    def workspace_by_name(org: str, name: str) -> Response:
        with api.world.lock:
            ws_id = api.world.workspace_by_name.get((api.org_or_404(org), name))
            if ws_id is None:
                raise ApiProblem(404, "not found")
            return api.jsonapi({"data": doc.workspace(api.world, api.world.workspaces[ws_id])})

    @app.get("/api/v2/workspaces/<ws_id>")
    def get_workspace(ws_id: str) -> Response:
        with api.world.lock:
            return api.jsonapi({"data": doc.workspace(api.world, api.workspace_or_404(ws_id))})

    @app.get("/api/v2/workspaces/<ws_id>/current-state-version")
    def current_state_version(ws_id: str) -> Response:
        with api.world.lock:
            version = api.world.current_state_version(api.workspace_or_404(ws_id))
            if version is None:
                raise ApiProblem(404, "not found")
            return api.jsonapi({"data": doc.state_version(api.world, version, api.state_url(version.id))})
