"""A canary token and signed URLs against a real HTTP server that echoes them back, at every log level.

The server copies the request's Authorization header into response headers, error details and documents, and
redirects to a signed URL. Neither may reach a log record (httpx/httpcore included), an error message, an
exception's args or chain, or the CLI's ``--debug`` traceback.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import respx

from tfc import errors
from tfc.cli import main
from tfc.client import TfcClient
from tfc.redact import redact, redact_url, register_secret
from tfc.settings import Secret, Settings, SettingsFlags

CANARY = "canary-ECHO-TOKEN-5e4d3c2b1a"
SIGNED = "/_archivist/v1/object/SIGNED-SECRET-qq9"


class EchoHandler(BaseHTTPRequestHandler):
    """A hostile TFC: every answer repeats the Authorization header it was sent."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        echo = self.headers.get("Authorization", "")
        self.send_header("X-Echo-Authorization", echo)
        self.send_header("Content-Type", "application/vnd.api+json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        echo = self.headers.get("Authorization", "")
        signed_url = f"http://{self.headers.get('Host')}{SIGNED}"
        error = json.dumps({"errors": [{"status": "404", "detail": f"no access for {echo} at {signed_url}"}]})
        if self.path.startswith("/api/v2/workspaces/"):
            self._answer(404, error.encode())
        elif self.path.startswith("/api/v2/runs/"):
            self._answer(200, f"<html>{echo}</html>".encode())
        elif self.path.startswith("/api/v2/plans/"):
            self._answer(307, b"", Location=SIGNED)
        elif self.path.startswith("/api/v2/organizations/acme/workspaces"):
            self._answer(503, error.encode())
        else:
            self._answer(403, f"expired signature {echo}".encode())


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _chain_texts(exc: BaseException) -> list[str]:
    """Everything an exception carries as text: message, args, formatted traceback, and its whole chain."""
    texts = ["".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    current: BaseException | None = exc
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current.args)]
        assert not isinstance(current, httpx.HTTPError), "an httpx error (holding the request) is in the chain"
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    return texts


def _assert_clean(texts: list[str]) -> None:
    for text in texts:
        assert CANARY not in text
        assert "SIGNED-SECRET" not in text


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR])
def test_echoed_token_and_signed_urls_reach_no_log_and_no_error(
    server: str, caplog: pytest.LogCaptureFixture, level: int
) -> None:
    """Errors, their chains and every log record stay free of the token and the signed URL at any level."""
    caplog.set_level(level)
    settings = Settings(address=server, token=Secret(CANARY), organization="acme")
    raised: list[BaseException] = []
    with TfcClient(settings, sleep=lambda _: None) as client:
        for call in (
            lambda: client.get_workspace("ws-1"),  # 404 with the echo in its detail
            lambda: client.get_run("run-1"),  # 200 that is not JSON and holds the echo
            lambda: client.get_plan_json("plan-1"),  # 307 to a signed URL that answers 403 with the echo
            lambda: list(client.list_workspaces()),  # 503 retried, then the echo in its detail
        ):
            with pytest.raises(errors.TfcError) as caught:
                call()
            raised.append(caught.value)
    assert isinstance(raised[0], errors.NotFound) and "***" in str(raised[0])
    texts = [caplog.text, *(r.getMessage() for r in caplog.records)]
    for exc in raised:
        texts += _chain_texts(exc)
    _assert_clean(texts)
    if level <= logging.INFO:
        assert any("HTTP Request" in r.getMessage() for r in caplog.records)  # logged, only redacted


def test_a_failed_connection_keeps_no_httpx_error_in_the_chain() -> None:
    """The transport error's request (with its Authorization header) is not kept as __context__."""
    settings = Settings(address="https://tfc.example.com", token=Secret(CANARY), organization="acme")
    with respx.mock() as router, TfcClient(settings, sleep=lambda _: None) as client:
        router.get("https://tfc.example.com/api/v2/workspaces/ws-1").mock(
            side_effect=httpx.ConnectError(f"failed for https://archivist.example.net{SIGNED}")
        )
        with pytest.raises(errors.TransportError) as caught:
            client.get_workspace("ws-1")
    _assert_clean(_chain_texts(caught.value))


@pytest.mark.parametrize("debug", [False, True])
def test_cli_debug_traceback_hides_an_echoed_env_token(
    server: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    debug: bool,
) -> None:
    """With the token from TFE_TOKEN (not a flag), an echo in an error detail stays out of --debug output."""
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TFE_TOKEN", CANARY)
    monkeypatch.setenv("TFE_ADDRESS", server)
    monkeypatch.setenv("TFE_ORGANIZATION", "acme")
    monkeypatch.setattr("time.sleep", lambda _: None)
    args = ["--debug"] if debug else []
    assert main([*args, "workspaces", "list"]) == 1
    captured = capsys.readouterr()
    assert "503" in captured.err
    if debug:
        assert "Traceback" in captured.err
    _assert_clean([captured.out, captured.err, caplog.text])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://app.terraform.io/api/v2/runs/run-1", "https://app.terraform.io/api/v2/runs/run-1"),
        ("https://app.terraform.io/api/v2/runs?filter%5Bstatus%5D=x", "https://app.terraform.io/api/v2/runs?***"),
        ("https://archivist.terraform.io/v1/object/dmF1bHQ6", "https://archivist.terraform.io/***"),
        ("https://tfe.example.com/_archivist/v1/object/x?sig=1", "https://tfe.example.com/***"),
        ("http://127.0.0.1:5000/", "http://127.0.0.1:5000/***"),
    ],
)
def test_redact_url_keeps_api_paths_only(url: str, expected: str) -> None:
    """API paths are useful in logs; any other path may be signed and is masked, as is any query."""
    assert redact_url(url) == expected


def test_redact_masks_registered_secrets_and_bearer_credentials() -> None:
    """Registered secrets and anything after 'Bearer' are masked; short values are not registered."""
    register_secret("sig-secret-0123")
    register_secret("ab")
    text = redact("key sig-secret-0123, header Authorization: Bearer abc.def-ghi, about ab")
    assert text == "key ***, header Authorization: Bearer ***, about ab"


def test_flags_never_show_the_token() -> None:
    """SettingsFlags holds a --token value as a plain string; its repr (tracebacks, debuggers) leaves it out."""
    flags = SettingsFlags(token="canary-FLAG-TOKEN-77", hostname="tfc.example.com")
    assert "canary-FLAG-TOKEN-77" not in repr(flags) and "tfc.example.com" in repr(flags)
