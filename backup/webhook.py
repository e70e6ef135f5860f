"""The webhook's work once routed: signature first, then the notification's decision, then the backup.

Nothing is parsed, read or written before the signature checks out. Logs name the organization, workspace, run
and key; never the body, a token or a download URL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from backup.capture import BackupConflict, capture
from backup.events import HttpRequest
from backup.notification import CompletedApply, Ignored, Verification, read_notification
from backup.rules import Freshness, Write, freshness
from backup.signature import HEADER, verify_signature
from backup.store import BackupStore, StoreError
from tfc.client import TfcClient
from tfc.errors import MalformedResponse, RateLimited, ServerError, TfcError, TransportError

log = logging.getLogger("backup.webhook")

RETRYABLE = (ServerError, TransportError, RateLimited, StoreError)


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    document: dict[str, Any] = field(default_factory=dict)

    def as_lambda(self) -> dict[str, Any]:
        if not self.document:
            return {"statusCode": self.status, "body": ""}
        return {"statusCode": self.status, "headers": {"Content-Type": "application/json"},
                "body": json.dumps(self.document)}


UNAUTHORIZED = Reply(401)


@dataclass(frozen=True, slots=True)
class Backend:
    client: TfcClient
    store: BackupStore
    prefix: str


def handle_webhook(
    request: HttpRequest | None, token: str, connect: Callable[[], AbstractContextManager[Backend]]
) -> Reply:
    """Answer one Function URL request; ``connect`` is called only for a signed completed apply."""
    if request is None or request.method != "POST":
        return UNAUTHORIZED
    if not verify_signature(request.body, request.header(HEADER), token):
        log.warning("rejected: missing, malformed or wrong %s", HEADER)
        return UNAUTHORIZED
    notification = read_notification(request.body)
    if isinstance(notification, Verification):
        return Reply(200, {"outcome": "verified"})
    if isinstance(notification, Ignored):
        log.info("ignored: %s", notification.reason)
        return Reply(200, {"outcome": "ignored", "reason": notification.reason})
    return _back_up(notification, connect)


def _back_up(event: CompletedApply, connect: Callable[[], AbstractContextManager[Backend]]) -> Reply:
    where = f"{event.organization}/{event.workspace} run {event.run_id}"
    try:
        with connect() as backend:
            return _capture(event, backend, where)
    except BackupConflict as exc:
        log.error("ALARM %s: %s", where, exc)
        return Reply(409, {"outcome": "conflict"})
    except RETRYABLE as exc:
        log.warning("%s: %s (retryable)", where, exc)
        return Reply(503, {"outcome": "retry"})
    except MalformedResponse as exc:
        log.error("%s: %s", where, exc)
        return Reply(502, {"outcome": "invalid-state"})
    except TfcError as exc:  # configuration (bucket, token) or an API error no retry will fix
        log.error("%s: %s", where, exc)
        return Reply(500, {"outcome": "error"})


def _capture(event: CompletedApply, backend: Backend, where: str) -> Reply:
    sv = backend.client.get_current_state_version(event.workspace_id)
    fresh = Freshness.NOT_YET if sv is None else freshness(
        sv_run_id=sv.run_id, sv_created_at=sv.created_at, sv_status=sv.status, run_id=event.run_id,
        run_created_at=event.run_created_at)
    if sv is None or fresh is Freshness.NOT_YET:
        log.warning("%s: the current state version is not the run's yet; try again later", where)
        return Reply(503, {"outcome": "not-yet"})
    done = capture(backend.client, backend.store, prefix=backend.prefix, organization=event.organization,
                   workspace=event.workspace, sv=sv)
    written = "written" if done.outcome is Write.PUT else "already-backed-up"
    log.info("%s: %s %s (serial %d, %s state version)", where, written, done.key, done.serial, fresh.value)
    return Reply(200, {"outcome": written, "key": done.key, "serial": done.serial})
