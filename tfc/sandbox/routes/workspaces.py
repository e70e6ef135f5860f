"""Workspaces: lists with TFC's filters, sorts and includes, lookups, the current state version.

Parameters as docs api-docs/workspaces.mdx "List workspaces" and go-tfe workspace.go ``WorkspaceListOptions``;
an unknown parameter answers 400 rather than silently returning everything.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask, Response, request

from tfc.sandbox import documents as doc
from tfc.sandbox.http import Api, ApiProblem, check_parameters
from tfc.sandbox.world import WorkspaceRec, World

LIST_PARAMETERS = frozenset({"search[name]", "search[wildcard-name]", "search[tags]", "search[exclude-tags]",
                             "filter[project][id]", "filter[current-run][status]", "sort", "include"})
SORTS: dict[str, Callable[[World, WorkspaceRec], Any]] = {
    "name": lambda world, ws: ws.name,
    "current-run.created-at": lambda world, ws: (
        world.runs[ws.current_run_id].created_at.timestamp() if ws.current_run_id else 0.0),
    "latest-change-at": lambda world, ws: (
        world.runs[ws.latest_run_id].created_at.timestamp() if ws.latest_run_id else ws.created_at.timestamp()),
}


def filter_workspaces(world: World, items: list[WorkspaceRec], args: dict[str, str]) -> list[WorkspaceRec]:
    if name := args.get("search[name]"):
        items = [w for w in items if name.lower() in w.name.lower()]
    if wildcard := args.get("search[wildcard-name]"):
        items = [w for w in items if fnmatch.fnmatchcase(w.name, wildcard)]
    if tags := [t for t in args.get("search[tags]", "").split(",") if t]:
        items = [w for w in items if all(t in w.tags for t in tags)]
    if excluded := [t for t in args.get("search[exclude-tags]", "").split(",") if t]:
        items = [w for w in items if not any(t in w.tags for t in excluded)]
    index = 0
    while f"filter[tagged][{index}][key]" in args:  # key-value tags: go-tfe tag.go encodeTagFiltersAsParams
        key = args[f"filter[tagged][{index}][key]"]
        value = args.get(f"filter[tagged][{index}][value]")
        items = [w for w in items if key in w.tag_bindings and (not value or w.tag_bindings[key] == value)]
        index += 1
    if project := args.get("filter[project][id]"):
        items = [w for w in items if w.project_id == project]
    if statuses := [s for s in args.get("filter[current-run][status]", "").split(",") if s]:
        items = [w for w in items if w.current_run_id and world.runs[w.current_run_id].status in statuses]
    if sort := args.get("sort"):
        order = SORTS.get(sort.removeprefix("-"))
        if order is None:
            raise ApiProblem(400, "bad request", f"sort {sort!r} is not one of {', '.join(sorted(SORTS))} "
                                                 "(a leading - reverses)")
        items = sorted(items, key=lambda w: order(world, w), reverse=sort.startswith("-"))
    return items


def register(app: Flask, api: Api) -> None:
    def with_includes(workspaces: Sequence[WorkspaceRec]) -> list[dict[str, Any]]:
        return doc.workspace_includes(api.world, workspaces, api.includes(doc.WORKSPACE_INCLUDES), api.state_url)

    @app.get("/api/v2/organizations/<org>/workspaces")
    def list_workspaces(org: str) -> Response:
        check_parameters(LIST_PARAMETERS, tagged=True)
        with api.world.lock:
            items = filter_workspaces(api.world, api.world.org_workspaces(api.org_or_404(org)), dict(request.args))
            api.includes(doc.WORKSPACE_INCLUDES)  # 400 before any work
            return api.paged(items, lambda w: doc.workspace(api.world, w), included=with_includes)

    def one(ws: WorkspaceRec) -> Response:
        return api.jsonapi({"data": doc.workspace(api.world, ws), "included": with_includes([ws])})

    @app.get("/api/v2/organizations/<org>/workspaces/<name>")
    def workspace_by_name(org: str, name: str) -> Response:
        with api.world.lock:
            ws_id = api.world.workspace_by_name.get((api.org_or_404(org), name))
            if ws_id is None:
                raise ApiProblem(404, "not found")
            return one(api.world.workspaces[ws_id])

    @app.get("/api/v2/workspaces/<ws_id>")
    def get_workspace(ws_id: str) -> Response:
        with api.world.lock:
            return one(api.workspace_or_404(ws_id))

    @app.get("/api/v2/workspaces/<ws_id>/current-state-version")
    def current_state_version(ws_id: str) -> Response:
        with api.world.lock:
            version = api.world.current_state_version(api.workspace_or_404(ws_id))
            if version is None:
                raise ApiProblem(404, "not found")
            return api.jsonapi({"data": doc.state_version(api.world, version, api.state_url(version.id))})

    @app.get("/api/v2/projects/<project_id>")
    def get_project(project_id: str) -> Response:
        with api.world.lock:
            return api.jsonapi({"data": doc.project(api.project_or_404(project_id))})

    @app.get("/api/v2/organizations/<org>/projects")
    def list_projects(org: str) -> Response:
        with api.world.lock:
            api.org_or_404(org)
            projects = sorted((p for p in api.world.projects.values() if p.organization == org), key=lambda p: p.name)
            return api.paged(projects, doc.project)
