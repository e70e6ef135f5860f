"""Notification configurations: create, list, read, verify."""

from __future__ import annotations

from flask import Flask, Response

from tfc.sandbox import documents as doc
from tfc.sandbox.http import Api, ApiProblem
from tfc.sandbox.world import (
    NotificationRec,
)


def register(app: Flask, api: Api) -> None:
    @app.get("/api/v2/workspaces/<ws_id>/notification-configurations")
    def list_notifications(ws_id: str) -> Response:
        with api.world.lock:
            api.workspace_or_404(ws_id)
            configs = [n for n in api.world.notifications.values() if n.workspace_id == ws_id]
            return api.paged(configs, doc.notification)

    @app.post("/api/v2/workspaces/<ws_id>/notification-configurations")
    def create_notification(ws_id: str) -> Response:
        data = api.body_json().get("data")
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
        with api.world.lock:
            api.workspace_or_404(ws_id)
            rec = NotificationRec(id=api.world.new_id("nc"), workspace_id=ws_id, name=str(attributes["name"]),
                                  url=str(attributes.get("url") or ""),
                                  destination_type=str(attributes["destination-type"]),
                                  enabled=bool(attributes.get("enabled", False)), triggers=list(triggers),
                                  token=attributes.get("token") or None, created_at=api.world.clock())
            api.world.notifications[rec.id] = rec
        if rec.enabled:
            api.deliverer.verify(rec)
        with api.world.lock:
            return api.jsonapi({"data": doc.notification(rec)}, 201)

    @app.get("/api/v2/notification-configurations/<nc_id>")
    def get_notification(nc_id: str) -> Response:
        with api.world.lock:
            rec = api.notification_or_404(nc_id)
            return api.jsonapi({"data": doc.notification(rec)})

    @app.post("/api/v2/notification-configurations/<nc_id>/actions/verify")
    def verify_notification(nc_id: str) -> Response:
        with api.world.lock:
            rec = api.notification_or_404(nc_id)
        api.deliverer.verify(rec)
        with api.world.lock:
            return api.jsonapi({"data": doc.notification(rec)})
