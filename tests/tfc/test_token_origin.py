"""The bearer token goes to the configured origin only: same scheme, host and port (default ports filled in)."""

from __future__ import annotations

import httpx
import pytest
import respx

from tfc import errors
from tfc.client import origin

from .helpers import API, TOKEN, make_client

SIGNED = "v1/object/SIGNED-SECRET-abc"


@pytest.fixture
def router() -> respx.MockRouter:
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as mock:
        yield mock


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://tfc.example.com", ("https", "tfc.example.com", 443)),
        ("https://tfc.example.com:443/api/v2/", ("https", "tfc.example.com", 443)),
        ("https://TFC.example.com:8443", ("https", "tfc.example.com", 8443)),
        ("http://tfc.example.com", ("http", "tfc.example.com", 80)),
        ("http://tfc.example.com:443", ("http", "tfc.example.com", 443)),
        ("HTTPS://tfc.example.com/x", ("https", "tfc.example.com", 443)),
        ("https://tfc.example.com:99999", ("https", "", -1)),
    ],
)
def test_origin_fills_in_default_ports(url: str, expected: tuple[str, str, int]) -> None:
    """https://host:443 and https://host are one origin; a scheme or port change is another."""
    assert origin(url) == expected


@pytest.mark.parametrize(
    ("address", "url", "sends_token"),
    [
        ("https://tfc.example.com", f"https://tfc.example.com/_archivist/{SIGNED}", True),
        ("https://tfc.example.com", f"https://tfc.example.com:443/_archivist/{SIGNED}", True),
        ("https://tfc.example.com:443", f"https://tfc.example.com/_archivist/{SIGNED}", True),
        ("https://tfc.example.com", f"https://tfc.example.com:8443/_archivist/{SIGNED}", False),
        ("https://tfc.example.com", f"https://archivist.example.net/{SIGNED}", False),
        ("https://tfc.example.com", f"https://tfc.example.com.evil.example/{SIGNED}", False),
        ("http://127.0.0.1:8080", f"http://127.0.0.1:8080/_archivist/{SIGNED}", True),
        ("http://127.0.0.1:8080", f"http://127.0.0.1:8081/_archivist/{SIGNED}", False),
    ],
)
def test_download_sends_the_token_only_to_the_api_origin(
    router: respx.MockRouter, address: str, url: str, sends_token: bool
) -> None:
    """A state download URL gets the token exactly when scheme, host and port match the configured address."""
    blob = router.get(url).mock(return_value=httpx.Response(200, content=b"state"))
    with make_client(address=address) as client:
        assert client.download(url) == b"state"
    headers = blob.calls[0].request.headers
    assert (headers.get("Authorization") == f"Bearer {TOKEN}") is sends_token
    if not sends_token:
        assert "Authorization" not in headers


def test_a_plain_http_download_url_from_an_https_api_is_refused(router: respx.MockRouter) -> None:
    """A state URL on the API host over http:// is neither sent the token nor fetched at all."""
    url = f"http://tfc.example.com/_archivist/{SIGNED}"
    blob = router.get(url).mock(return_value=httpx.Response(200, content=b"state"))
    with make_client() as client, pytest.raises(errors.MalformedResponse) as caught:
        client.download(url, resource="state of network-prod serial 4")
    assert not blob.called
    assert "state of network-prod serial 4" in str(caught.value) and "plain-HTTP" in str(caught.value)
    assert "SIGNED-SECRET" not in str(caught.value)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_from_https_to_plain_http_is_not_followed(router: respx.MockRouter, status: int) -> None:
    """A redirect from the HTTPS API to http:// on the same host never carries the token (nor the signed URL)."""
    router.get(f"{API}/plans/plan-1/json-output").mock(
        return_value=httpx.Response(status, headers={"Location": f"http://tfc.example.com/_archivist/{SIGNED}"})
    )
    downgrade = router.get(f"http://tfc.example.com/_archivist/{SIGNED}").mock(
        return_value=httpx.Response(200, json={"format_version": "1.2"})
    )
    with make_client() as client, pytest.raises(errors.MalformedResponse):
        client.get_plan_json("plan-1")
    assert not downgrade.called


def test_a_redirect_to_another_port_on_the_api_host_is_followed_without_the_token(router: respx.MockRouter) -> None:
    """Same host, other port: another origin, so the blob is fetched without the token."""
    router.get(f"{API}/plans/plan-1/json-output").mock(
        return_value=httpx.Response(307, headers={"Location": f"https://tfc.example.com:8443/{SIGNED}"})
    )
    blob = router.get(f"https://tfc.example.com:8443/{SIGNED}").mock(
        return_value=httpx.Response(200, json={"format_version": "1.2"})
    )
    with make_client() as client:
        assert client.get_plan_json("plan-1") == {"format_version": "1.2"}
    assert "Authorization" not in blob.calls[0].request.headers
