"""Notification configurations on workspaces and projects: create, list, read, update, delete, verify
(api-docs/notification-configurations.mdx; go-tfe notification_configuration.go).

Saving a configuration with ``enabled: true`` (create or PATCH) first delivers a verification payload; when the
destination does not answer 2xx the request answers 400 and nothing is saved or changed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Flask, Response

from tfc.sandbox import documents as doc
from tfc.sandbox.http import Api, ApiProblem
from tfc.sandbox.world import GRANULAR_TRIGGER_OF_STATUS, TRIGGER_OF_STATUS, NotificationRec

DESTINATIONS = ("generic", "email", "slack", "microsoft-teams")
TRIGGERS = frozenset({*TRIGGER_OF_STATUS.values(), *GRANULAR_TRIGGER_OF_STATUS.values(), "assessment:drifted",
                      "assessment:failed", "assessment:check_failure", "workspace:auto_destroy_reminder",
                      "workspace:auto_destroy_run_results", "change_request:created"})
MAX_PER_SUBSCRIBABLE = 20


def _attributes(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data")
    attributes = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attributes, dict):
        raise ApiProblem(422, "invalid attribute", "data.attributes is required")
    triggers = attributes.get("triggers", [])
    if not isinstance(triggers, list) or not all(isinstance(t, str) for t in triggers):
        raise ApiProblem(422, "invalid attribute", "triggers must be a list of strings")
    if unknown := sorted(set(triggers) - TRIGGERS):
        raise ApiProblem(422, "invalid attribute", f"unknown trigger(s) {', '.join(unknown)}")
    if "destination-type" in attributes and attributes["destination-type"] not in DESTINATIONS:
        raise ApiProblem(422, "invalid attribute", f"destination-type must be one of {', '.join(DESTINATIONS)}")
    return attributes


def register(app: Flask, api: Api) -> None:
    def listing(subscribable_id: str) -> Response:
        configs = [n for n in api.world.notifications.values() if n.workspace_id == subscribable_id]
        return api.paged(configs, doc.notification)

    def verified_or_400(rec: NotificationRec) -> None:
        """Deliver the verification payload (outside the lock); 400 when the destination fails."""
        if not rec.enabled or rec.destination_type == "email":
            return
        response = api.deliverer.verify(rec)
        if response["successful"] != "true":
            raise ApiProblem(400, "verification failed",
                             f"the destination answered {response['code'] or response['body']}: nothing was saved")

    def create(subscribable_type: str, subscribable_id: str) -> Response:
        attributes = _attributes(api.body_json())
        missing = [k for k in ("name", "destination-type") if not attributes.get(k)]
        if attributes.get("destination-type") in ("generic", "slack", "microsoft-teams") and not attributes.get("url"):
            missing.append("url")
        if missing:
            raise ApiProblem(422, "invalid attribute", f"missing {', '.join(missing)}")
        with api.world.lock:
            if sum(1 for n in api.world.notifications.values()
                   if n.workspace_id == subscribable_id) >= MAX_PER_SUBSCRIBABLE:
                raise ApiProblem(422, "invalid attribute", f"at most {MAX_PER_SUBSCRIBABLE} configurations")
            now = api.world.clock()
            rec = NotificationRec(id=api.world.new_id("nc"), workspace_id=subscribable_id,
                                  name=str(attributes["name"]), url=str(attributes.get("url") or ""),
                                  destination_type=str(attributes["destination-type"]),
                                  enabled=bool(attributes.get("enabled", False)),
                                  triggers=list(attributes.get("triggers", [])),
                                  token=attributes.get("token") or None, created_at=now, updated_at=now,
                                  subscribable_type=subscribable_type)
        verified_or_400(rec)
        with api.world.lock:
            api.world.notifications[rec.id] = rec
            return api.jsonapi({"data": doc.notification(rec)}, 201)

    @app.get("/api/v2/workspaces/<ws_id>/notification-configurations")
    def list_workspace_notifications(ws_id: str) -> Response:
        with api.world.lock:
            return listing(api.workspace_or_404(ws_id).id)

    @app.post("/api/v2/workspaces/<ws_id>/notification-configurations")
    def create_workspace_notification(ws_id: str) -> Response:
        with api.world.lock:
            api.workspace_or_404(ws_id)
        return create("workspaces", ws_id)

    @app.get("/api/v2/projects/<project_id>/notification-configurations")
    def list_project_notifications(project_id: str) -> Response:
        with api.world.lock:
            return listing(api.project_or_404(project_id).id)

    @app.post("/api/v2/projects/<project_id>/notification-configurations")
    def create_project_notification(project_id: str) -> Response:
        with api.world.lock:
            api.project_or_404(project_id)
        return create("projects", project_id)

    @app.get("/api/v2/notification-configurations/<nc_id>")
    def get_notification(nc_id: str) -> Response:
        with api.world.lock:
            return api.jsonapi({"data": doc.notification(api.notification_or_404(nc_id))})

    @app.patch("/api/v2/notification-configurations/<nc_id>")
    def update_notification(nc_id: str) -> Response:
        attributes = _attributes(api.body_json())
        with api.world.lock:
            rec = api.notification_or_404(nc_id)
            fields = {"name": "name", "url": "url", "enabled": "enabled", "triggers": "triggers", "token": "token",
                      "destination-type": "destination_type"}
            changed = dataclasses.replace(rec, **{fields[k]: v for k, v in attributes.items() if k in fields},
                                          updated_at=api.world.clock())
        verified_or_400(changed)  # enabling (or staying enabled) with a failing destination changes nothing
        with api.world.lock:
            api.world.notifications[rec.id] = changed
            return api.jsonapi({"data": doc.notification(changed)})

    @app.delete("/api/v2/notification-configurations/<nc_id>")
    def delete_notification(nc_id: str) -> Response:
        with api.world.lock:
            del api.world.notifications[api.notification_or_404(nc_id).id]
        return Response(status=204)

    @app.post("/api/v2/notification-configurations/<nc_id>/actions/verify")
    def verify_notification(nc_id: str) -> Response:
        with api.world.lock:
            rec = api.notification_or_404(nc_id)
        response = api.deliverer.verify(rec)
        if response["successful"] != "true":
            raise ApiProblem(400, "verification failed", f"the destination answered {response['code'] or 'nothing'}")
        with api.world.lock:
            return api.jsonapi({"data": doc.notification(rec)})
