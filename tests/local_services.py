"""Local stand-ins for the services the toolkit talks to in production, for end-to-end tests.

- ``MotoServer``: moto in server mode on 127.0.0.1 (a real HTTP endpoint that boto3 talks to).
- ``SlackServer``: a tiny Slack Web API of ours: records every call, answers like Slack for the methods we
  use, and can be told to rate-limit (429 + Retry-After) the next N calls, to refuse messages to some channels
  (``channel_errors``), and to take interaction replies posted to ``/response/<id>`` (as ``response_url``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from moto.server import ThreadedMotoServer


class MotoServer:
    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)

    def __enter__(self) -> str:
        self._server.start()
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def __exit__(self, *exc: object) -> None:
        self._server.stop()


@dataclass
class SlackCall:
    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class SlackServer:
    """Answers ``/api/<method>``; ``handlers`` may override a method's answer."""

    calls: list[SlackCall] = field(default_factory=list)
    users_by_email: dict[str, dict[str, Any]] = field(default_factory=dict)
    rate_limit_next: int = 0
    retry_after: int = 1
    handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = field(default_factory=dict)
    channel_errors: dict[str, str] = field(default_factory=dict)  # channel -> Slack error for chat.postMessage
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, method: str, params: dict[str, Any], token: str | None) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if self.rate_limit_next > 0:
                self.rate_limit_next -= 1
                return 429, {"ok": False, "error": "ratelimited"}
            self.calls.append(SlackCall(method, params, token))
        if method in self.handlers:
            return 200, self.handlers[method](params)
        if method == "chat.postMessage" and params.get("channel") in self.channel_errors:
            return 200, {"ok": False, "error": self.channel_errors[str(params.get("channel"))]}
        if method == "chat.postMessage":
            return 200, {"ok": True, "channel": params.get("channel"), "ts": f"{len(self.calls)}.000100",
                         "message": {"text": params.get("text")}}
        if method == "users.lookupByEmail":
            user = self.users_by_email.get(str(params.get("email")))
            return 200, ({"ok": True, "user": user} if user else {"ok": False, "error": "users_not_found"})
        if method == "users.info":
            user = next((u for u in self.users_by_email.values() if u["id"] == params.get("user")), None)
            return 200, ({"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"})
        if method == "auth.test":
            return 200, {"ok": True, "user_id": "UBOT", "team": "test"}
        return 200, {"ok": False, "error": "unknown_method"}

    def posted(self) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == "chat.postMessage"]

    def responses(self) -> list[dict[str, Any]]:
        """What was posted to response URLs (``/response/<id>``), with the id under ``_path``."""
        return [c.params for c in self.calls if c.method == "response_url"]

    def serve(self) -> tuple[ThreadingHTTPServer, str]:
        slack = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                auth = self.headers.get("Authorization", "")
                if self.path.startswith("/response/"):  # Slack answers response URLs with a plain "ok"
                    with slack._lock:
                        slack.calls.append(SlackCall("response_url", {**params, "_path": self.path}, None))
                    self._send(200, b"ok", "text/plain")
                    return
                method = self.path.rsplit("/", 1)[-1]
                status, body = slack.answer(method, params, auth.removeprefix("Bearer ") or None)
                self._send(status, json.dumps(body).encode(), "application/json")

            def _send(self, status: int, payload: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                if status == 429:
                    self.send_header("Retry-After", str(slack.retry_after))
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}/api/"
