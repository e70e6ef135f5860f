"""Speculative configuration versions over respx: the body TFC is sent, the token-less upload, and each failure."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from tfc.errors import MalformedResponse, TfcError, TransportError
from tfc.models import ConfigurationVersion

from .helpers import API, TOKEN, make_client

UPLOAD = "https://archivist.example.net/v1/object/SIGNED"


def created(**attributes: object) -> dict[str, object]:
    return {"data": {"id": "cv-1", "type": "configuration-versions",
                     "attributes": {"status": "pending", "upload-url": UPLOAD, **attributes}}}


@respx.mock
def test_a_speculative_version_queues_no_run_and_carries_its_upload_url() -> None:
    route = respx.post(f"{API}/workspaces/ws-1/configuration-versions").respond(201, json=created())
    with make_client() as client:
        version = client.create_speculative_configuration_version("ws-1")
    assert version == ConfigurationVersion("cv-1", None, "pending", upload_url=UPLOAD)
    sent = json.loads(route.calls.last.request.content)
    assert sent == {"data": {"type": "configuration-versions",
                             "attributes": {"speculative": True, "auto-queue-runs": False}}}


@pytest.mark.parametrize("document", [
    {"data": {"id": "cv-1", "type": "configuration-versions", "attributes": {"status": "pending"}}},
    {"data": {"type": "configuration-versions", "attributes": {"upload-url": UPLOAD}}},
    {"data": [], "meta": {}},
])
@respx.mock
def test_an_answer_without_id_or_upload_url_is_malformed(document: dict[str, object]) -> None:
    respx.post(f"{API}/workspaces/ws-1/configuration-versions").respond(201, json=document)
    with make_client() as client, pytest.raises(MalformedResponse, match="no id or upload-url"):
        client.create_speculative_configuration_version("ws-1")


@pytest.mark.parametrize("url", [UPLOAD, "https://tfc.example.com/_archivist/upload/SIGNED"])
@respx.mock
def test_the_upload_never_carries_the_token_even_to_the_api_host(url: str) -> None:
    route = respx.put(url).respond(200)
    with make_client() as client:
        client.upload_configuration(ConfigurationVersion("cv-1", None, "pending", upload_url=url), b"tar.gz bytes")
        assert client.stats.as_dict()["downloads"] == 1
    request = route.calls.last.request
    assert "authorization" not in request.headers and request.content == b"tar.gz bytes"
    assert request.headers["content-type"] == "application/octet-stream"


@respx.mock
def test_a_plain_http_upload_url_from_an_https_api_is_refused_before_sending() -> None:
    route = respx.put("http://archivist.example.net/up").respond(200)
    version = ConfigurationVersion("cv-1", None, "pending", upload_url="http://archivist.example.net/up")
    with make_client() as client, pytest.raises(MalformedResponse, match="plain-HTTP"):
        client.upload_configuration(version, b"x")
    assert not route.called


@respx.mock
def test_a_failed_upload_is_an_error_and_is_not_retried() -> None:
    route = respx.put(UPLOAD).respond(503)
    with make_client() as client, pytest.raises(TfcError, match="upload of configuration version cv-1"):
        client.upload_configuration(ConfigurationVersion("cv-1", None, None, upload_url=UPLOAD), b"x")
    assert route.call_count == 1


@respx.mock
def test_a_lost_connection_names_the_version_and_never_the_signed_url() -> None:
    respx.put(UPLOAD).mock(side_effect=httpx.ConnectError("refused"))
    with make_client() as client, pytest.raises(TransportError) as raised:
        client.upload_configuration(ConfigurationVersion("cv-1", None, None, upload_url=UPLOAD), b"x")
    assert "cv-1" in str(raised.value) and "SIGNED" not in str(raised.value) and TOKEN not in str(raised.value)
    assert raised.value.__context__ is None


@respx.mock
def test_a_plan_only_run_is_created_on_the_uploaded_version() -> None:
    run = {"data": {"id": "run-1", "type": "runs", "attributes": {"status": "pending", "plan-only": True}}}
    route = respx.post(f"{API}/runs").respond(201, json=run)
    with make_client() as client:
        assert client.create_run("ws-1", message="m", plan_only=True, configuration_version_id="cv-1").id == "run-1"
    sent = json.loads(route.calls.last.request.content)["data"]
    assert sent["attributes"]["plan-only"] is True
    assert sent["relationships"] == {"workspace": {"data": {"type": "workspaces", "id": "ws-1"}},
                                     "configuration-version": {"data": {"type": "configuration-versions",
                                                                        "id": "cv-1"}}}


@respx.mock
def test_a_run_without_a_version_uses_the_workspaces_latest() -> None:
    run = {"data": {"id": "run-2", "type": "runs", "attributes": {"status": "pending"}}}
    route = respx.post(f"{API}/runs").respond(201, json=run)
    with make_client() as client:
        client.create_run("ws-1", message="m")
    assert "configuration-version" not in json.loads(route.calls.last.request.content)["data"]["relationships"]
