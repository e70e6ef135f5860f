"""Notification configurations fire TFC-shaped generic webhooks, signed with X-TFE-Notification-Signature.

Delivery responses as go-tfe notification_configuration.go ``DeliveryResponse``: ``code`` and ``successful``
strings, ``headers`` lower-case name → list of values, ``sent-at`` RFC 3339.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from tfc.sandbox.documents import created_at, stamp
from tfc.sandbox.world import GRANULAR_TRIGGER_OF_STATUS, Event, NotificationRec, World

SIGNATURE_HEADER = "X-TFE-Notification-Signature"
MESSAGES = {
    "run:created": "Run Created",
    "run:planning": "Run Planning",
    "run:needs_attention": "Run Needs Attention",
    "run:applying": "Run Applying",
    "run:completed": "Run Completed",
    "run:errored": "Run Errored",
}
STATUS_MESSAGES = {"canceled": "Run Canceled", "force_canceled": "Run Canceled"}


def sign(body: bytes, token: str) -> str:
    return hmac.new(token.encode(), body, hashlib.sha512).hexdigest()


class Deliverer:
    """Posts webhooks synchronously after the request that caused them (so tests see them at once)."""

    def __init__(self, world: World, *, app_url: Callable[[], str], transport: httpx.BaseTransport | None = None):
        self.world = world
        self.app_url = app_url
        self.transport = transport  # tests may swap it before the first delivery
        self._client: httpx.Client | None = None  # made on first delivery: its TLS setup costs a quarter second
        self.sent: list[dict[str, Any]] = []  # every delivery attempt: url, trigger, status

    @property
    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=5.0, transport=self.transport)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def deliver(self, events: Sequence[Event]) -> None:
        with self.world.lock:
            batch = [(config, self._payload(config, event, trigger_type))
                     for event in events for config, trigger_type in self._configs(event)]
        for config, payload in batch:
            response = self._post(config, payload)
            with self.world.lock:
                config.delivery_responses = [response, *config.delivery_responses][:10]

    def verify(self, config: NotificationRec) -> dict[str, Any]:
        """POST the verification payload; the delivery response is kept on the configuration and returned."""
        payload = {
            "payload_version": 1, "notification_configuration_id": config.id, "run_url": None, "run_id": None,
            "run_message": None, "run_created_at": None, "run_created_by": None, "workspace_id": None,
            "workspace_name": None, "organization_name": None,
            "notifications": [{"message": f"Verification of {config.name}", "trigger": "verification",
                               "run_status": None, "run_updated_at": None, "run_updated_by": None}],
        }
        response = self._post(config, payload)
        with self.world.lock:
            config.delivery_responses = [response]
        return response

    def _configs(self, event: Event) -> list[tuple[NotificationRec, str]]:
        """The enabled generic configurations of the run's workspace or its project that subscribe to the event,
        each with the trigger it subscribed by (the classic one, or the granular one for the run's state)."""
        run = self.world.runs[event.run_id]
        ws = self.world.workspaces[run.workspace_id]
        granular = GRANULAR_TRIGGER_OF_STATUS.get(event.status)
        out = []
        for c in self.world.notifications.values():
            mine = c.workspace_id == (ws.project_id if c.subscribable_type == "projects" else ws.id)
            if not (mine and c.enabled and c.destination_type == "generic"):
                continue
            if event.trigger in c.triggers:
                out.append((c, event.trigger))
            elif granular in c.triggers:
                out.append((c, granular or ""))
        return out

    def _payload(self, config: NotificationRec, event: Event, trigger_type: str) -> dict[str, Any]:
        world = self.world
        run = world.runs[event.run_id]
        ws = world.workspaces[run.workspace_id]
        ingress = world.ingress.get(world.cvs[run.cv_id].ingress_id or "")
        return {
            "payload_version": 1,
            "notification_configuration_id": config.id,
            "run_url": f"{self.app_url()}/app/{ws.organization}/{ws.name}/runs/{run.id}",
            "run_id": run.id,
            "run_message": run.message,
            "run_created_at": created_at(run.created_at),
            "run_created_by": ingress.sender_username if ingress else None,
            "workspace_id": ws.id,
            "workspace_name": ws.name,
            "organization_name": ws.organization,
            "notifications": [{"message": STATUS_MESSAGES.get(event.status, MESSAGES.get(event.trigger,
                                                                                         event.trigger)),
                               "trigger": event.trigger, "trigger_type": trigger_type,
                               "run_status": event.status or run.status, "run_updated_at": created_at(world.clock()),
                               "run_updated_by": None}],
        }

    def _post(self, config: NotificationRec, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "TFE-Notifications (tfc-sandbox)"}
        if config.token:
            headers[SIGNATURE_HEADER] = sign(body, config.token)
        trigger = payload["notifications"][0]["trigger"]
        result: dict[str, Any]
        try:
            response = self._http.post(config.url, content=body, headers=headers)
            received: dict[str, list[str]] = {}
            for name, value in response.headers.multi_items():
                received.setdefault(name.lower(), []).append(value)
            result = {"url": config.url, "body": response.text[:1000], "code": str(response.status_code),
                      "headers": received, "sent-at": stamp(self.world.clock()),
                      "successful": str(response.is_success).lower()}
        except httpx.HTTPError as exc:
            result = {"url": config.url, "body": type(exc).__name__, "code": "", "headers": {},
                      "sent-at": stamp(self.world.clock()), "successful": "false"}
        self.sent.append({"configuration": config.id, "trigger": trigger, "code": result["code"]})
        return result
