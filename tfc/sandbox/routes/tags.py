"""Workspace tags, both systems TFC has (api-docs/workspaces.mdx; go-tfe workspace.go ``ListTags``/``AddTags``/
``RemoveTags``/``ListTagBindings``/``AddTagBindings``, organization_tags.go ``List``):

- flat tags: ``GET|POST|DELETE /workspaces/:id/relationships/tags`` (type ``tags``; POST and DELETE answer 204)
  and ``GET /organizations/:org/tags`` (``instance-count``; ``q``, ``filter[exclude][taggable][id]``);
- key-value tag bindings: ``GET|PATCH /workspaces/:id/tag-bindings`` and ``GET …/effective-tag-bindings``, not
  paginated (type ``tag-bindings`` / ``effective-tag-bindings``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from flask import Flask, Response, request

from tfc.sandbox.documents import created_at, ref
from tfc.sandbox.http import Api, ApiProblem
from tfc.sandbox.world import WorkspaceRec, World


def tag_id(org: str, name: str) -> str:
    return "tag-" + hashlib.sha256(f"{org}/{name}".encode()).hexdigest()[:16]


def binding_id(ws_id: str, key: str) -> str:
    return "tb-" + hashlib.sha256(f"{ws_id}/{key}".encode()).hexdigest()[:16]


def tag_document(world: World, org: str, name: str, count: int | None = None) -> dict[str, Any]:
    attributes: dict[str, Any] = {"name": name, "created-at": created_at(world.tag_created.get((org, name),
                                                                                             world.clock()))}
    if count is not None:
        attributes["instance-count"] = count
    return {"id": tag_id(org, name), "type": "tags", "attributes": attributes,
            "relationships": {"organization": ref("organizations", org)}}


def register(app: Flask, api: Api) -> None:
    def named_tags(ws: WorkspaceRec, body: dict[str, Any]) -> list[str]:
        """The tag names a POST/DELETE body names, by ``attributes.name`` or by an organization tag's ``id``."""
        data = body.get("data")
        if not isinstance(data, list) or not data:
            raise ApiProblem(422, "invalid attribute", "data must be a non-empty list of tags")
        by_id = {tag_id(ws.organization, name): name for (org, name) in api.world.tag_created if org == ws.organization}
        names = []
        for item in data:
            if not isinstance(item, dict) or item.get("type") != "tags":
                raise ApiProblem(422, "invalid attribute", "each item must be {type: tags, id or attributes.name}")
            name = (item.get("attributes") or {}).get("name") or by_id.get(str(item.get("id", "")))
            if not isinstance(name, str) or not name:
                raise ApiProblem(404 if item.get("id") else 422, "invalid attribute", f"unknown tag {item!r}")
            names.append(name)
        return names

    @app.get("/api/v2/workspaces/<ws_id>/relationships/tags")
    def workspace_tags(ws_id: str) -> Response:
        with api.world.lock:
            ws = api.workspace_or_404(ws_id)
            return api.paged(sorted(ws.tags), lambda name: tag_document(api.world, ws.organization, name))

    @app.post("/api/v2/workspaces/<ws_id>/relationships/tags")
    def add_workspace_tags(ws_id: str) -> Response:
        body = api.body_json()
        with api.world.lock:
            ws = api.workspace_or_404(ws_id)
            for name in named_tags(ws, body):
                if name not in ws.tags:
                    ws.tags.append(name)
                    api.world.tag_created.setdefault((ws.organization, name), api.world.clock())
            touch(ws)
        return Response(status=204)

    @app.delete("/api/v2/workspaces/<ws_id>/relationships/tags")
    def remove_workspace_tags(ws_id: str) -> Response:
        body = api.body_json()
        with api.world.lock:
            ws = api.workspace_or_404(ws_id)
            gone = set(named_tags(ws, body))
            ws.tags[:] = [t for t in ws.tags if t not in gone]
            touch(ws)
        return Response(status=204)

    def touch(ws: WorkspaceRec) -> None:
        ws.updated_at = api.world.clock()

    @app.get("/api/v2/organizations/<org>/tags")
    def organization_tags(org: str) -> Response:
        with api.world.lock:
            api.org_or_404(org)
            excluded = request.args.get("filter[exclude][taggable][id]")
            query = request.args.get("q", "").lower()
            counts: dict[str, int] = {}
            for ws in api.world.org_workspaces(org):
                for name in ws.tags:
                    counts[name] = counts.get(name, 0) + 1
            skip = set(api.world.workspaces[excluded].tags) if excluded in api.world.workspaces else set()
            names = sorted(n for n in counts if n not in skip and query in n.lower())
            return api.paged(names, lambda n: tag_document(api.world, org, n, counts[n]))

    def bindings(ws: WorkspaceRec, kind: str) -> Response:
        stamp: datetime = ws.updated_at or ws.created_at
        data = [{"id": binding_id(ws.id, key), "type": kind,
                 "attributes": {"key": key, "value": value, "created-at": created_at(stamp)}}
                for key, value in sorted(ws.tag_bindings.items())]
        return api.jsonapi({"data": data, "links": {"target": f"/api/v2/workspaces/{ws.id}"}})

    @app.get("/api/v2/workspaces/<ws_id>/tag-bindings")
    def tag_bindings(ws_id: str) -> Response:
        with api.world.lock:
            return bindings(api.workspace_or_404(ws_id), "tag-bindings")

    @app.get("/api/v2/workspaces/<ws_id>/effective-tag-bindings")
    def effective_tag_bindings(ws_id: str) -> Response:
        with api.world.lock:  # projects carry no bindings in the sandbox: the effective ones are the direct ones
            return bindings(api.workspace_or_404(ws_id), "effective-tag-bindings")

    @app.patch("/api/v2/workspaces/<ws_id>/tag-bindings")
    def add_tag_bindings(ws_id: str) -> Response:
        data = api.body_json().get("data")
        if not isinstance(data, list):
            raise ApiProblem(422, "invalid attribute", "data must be a list of tag-bindings")
        pairs = []
        for item in data:
            attributes = item.get("attributes") if isinstance(item, dict) else None
            key = attributes.get("key") if isinstance(attributes, dict) else None
            if not isinstance(key, str) or not key or item.get("type") != "tag-bindings":
                raise ApiProblem(422, "invalid attribute", "each item must be {type: tag-bindings, attributes: {key}}")
            pairs.append((key, str(attributes.get("value") or "")))  # type: ignore[union-attr]
        with api.world.lock:
            ws = api.workspace_or_404(ws_id)
            ws.tag_bindings.update(pairs)
            touch(ws)
            return bindings(ws, "tag-bindings")
