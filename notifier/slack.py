"""Slack: sending through slack-sdk (429s honoured with Retry-After), looking people up, verifying requests."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

log = logging.getLogger(__name__)
REPLAY_WINDOW_S = 5 * 60
SEND_ERRORS = (SlackClientError, OSError)  # what a Slack call can raise: Slack's answer or no answer


@dataclass
class SlackPort:
    """The Slack Web API methods the notifier uses, with per-instance caches of lookups."""

    client: WebClient
    calls: int = 0
    _emails: dict[str, str | None] = field(default_factory=dict)
    _zones: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def connect(cls, token: str, base_url: str | None = None, max_rate_limit_retries: int = 3) -> SlackPort:
        client = WebClient(token=token, base_url=base_url or WebClient.BASE_URL,
                           retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=max_rate_limit_retries)])
        return cls(client)

    def post(self, channel: str, message: dict[str, Any]) -> None:
        self.calls += 1
        self.client.chat_postMessage(channel=channel, text=message["text"], blocks=message["blocks"])

    def lookup_email(self, email: str) -> str | None:
        if email not in self._emails:
            self.calls += 1
            try:
                user = self.client.users_lookupByEmail(email=email).get("user") or {}
                self._emails[email] = user.get("id")
            except SlackApiError as exc:
                if exc.response.get("error") != "users_not_found":
                    raise  # a failure to ask is not an answer: the caller isolates it
                self._emails[email] = None
        return self._emails[email]

    def timezone(self, user_id: str) -> str | None:
        if user_id not in self._zones:
            self.calls += 1
            try:
                user = self.client.users_info(user=user_id).get("user") or {}
                self._zones[user_id] = user.get("tz")
            except SlackApiError:
                self._zones[user_id] = None
        return self._zones[user_id]


def reply(response_url: str, text: str) -> bool:
    """Replace the message whose button was clicked, through the interaction's ``response_url`` (Slack's
    documented path); False when Slack did not take it (the caller then answers in the HTTP response)."""
    from slack_sdk.webhook import WebhookClient

    try:
        response = WebhookClient(response_url, timeout=5).send(
            text=text, replace_original=True, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])
    except SEND_ERRORS as exc:
        log.warning("Slack response_url reply failed: %s", slack_error(exc))
        return False
    if response.status_code != 200:
        log.warning("Slack response_url reply refused: HTTP %s", response.status_code)
    return response.status_code == 200


def slack_error(exc: Exception) -> str:
    """What went wrong, in Slack's words when it answered (``channel_not_found``), never with the token."""
    if isinstance(exc, SlackApiError):
        return f"Slack error {exc.response.get('error', 'unknown')}"
    return f"cannot reach Slack ({type(exc).__name__})"


def signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def verify_request(signing_secret: str, headers: dict[str, str], body: bytes, *, now: float | None = None) -> bool:
    """Slack's v0 scheme: HMAC-SHA256 of ``v0:{timestamp}:{raw body}``, within 5 minutes, constant-time compare.
    An empty secret verifies nothing."""
    if not signing_secret:
        return False
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = lowered.get("x-slack-request-timestamp", "")
    given = lowered.get("x-slack-signature", "")
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    if age > REPLAY_WINDOW_S or not given:
        return False
    return hmac.compare_digest(signature(signing_secret, timestamp, body), given)
