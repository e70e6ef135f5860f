"""A local stand-in for a Lambda Function URL: HTTP in, a payload-format-2.0 event to a handler, its reply out."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handler = Callable[[Mapping[str, Any], Any], Mapping[str, Any]]


def function_url_event(method: str, path: str, headers: Mapping[str, str], body: bytes, *,
                       base64_body: bool) -> dict[str, Any]:
    """The event Lambda builds for a Function URL request (headers lower-cased; binary bodies base64-encoded)."""
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
        "headers": {k.lower(): v for k, v in headers.items()},
        "requestContext": {"http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                                    "sourceIp": "127.0.0.1", "userAgent": headers.get("User-Agent", "")},
                           "requestId": "req-1", "routeKey": "$default", "stage": "$default"},
        "body": base64.b64encode(body).decode() if base64_body else body.decode(),
        "isBase64Encoded": base64_body,
    }


@contextmanager
def serve_function_url(handler: Handler, *, base64_body: bool = False) -> Iterator[tuple[str, list[int]]]:
    """Serve ``handler`` on 127.0.0.1; yields the URL and the list of status codes it answered."""
    answered: list[int] = []

    class Front(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            event = function_url_event(self.command, self.path, dict(self.headers), body, base64_body=base64_body)
            reply = handler(event, None)
            status = int(reply["statusCode"])
            payload = str(reply.get("body") or "").encode()
            answered.append(status)
            self.send_response(status)
            for name, value in (reply.get("headers") or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_POST = do_GET = _serve

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Front)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", answered
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def reply_json(reply: Mapping[str, Any]) -> Any:
    return json.loads(reply["body"]) if reply.get("body") else None
