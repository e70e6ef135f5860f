"""The TFC client over respx: pagination, includes, errors, retries, rate limits and archivist redirects."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from tfc import errors
from tfc.client import TfcClient
from tfc.models import Run

from .helpers import API, TOKEN, FakeClock, make_client, page, workspace

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "tfc-samples"


def _sample(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def router() -> respx.MockRouter:
    with respx.mock(assert_all_called=True, assert_all_mocked=True) as mock:
        yield mock


@pytest.fixture
def client(clock: FakeClock) -> TfcClient:
    with make_client(clock) as c:
        yield c


def test_numbered_pages_are_followed_until_next_page_is_null(router: respx.MockRouter, client: TfcClient) -> None:
    """Every page of a list with totals is fetched, in order, with page[size]=100."""
    route = router.get(f"{API}/organizations/acme/workspaces")
    route.side_effect = [
        httpx.Response(200, json=page([workspace("ws-1", "a"), workspace("ws-2", "b")], 1, 2)),
        httpx.Response(200, json=page([workspace("ws-3", "c")], 2, 2)),
    ]
    names = [ws.name for ws in client.list_workspaces()]
    assert names == ["a", "b", "c"]
    assert route.calls[0].request.url.params["page[size]"] == "100"
    assert route.calls[1].request.url.params["page[number]"] == "2"
    assert client.stats.requests == 2


def test_org_runs_pages_without_totals_are_followed(router: respx.MockRouter, client: TfcClient) -> None:
    """The organization runs list has only next-page; iteration follows it and stops at null."""
    sample = _sample("runs-org-page.json")
    first = dict(sample, meta={"pagination": {"current-page": 1, "next-page": 2, "prev-page": None}})
    second = dict(sample, meta={"pagination": {"current-page": 2, "next-page": None, "prev-page": 1}})
    route = router.get(f"{API}/organizations/acme/runs").mock(
        side_effect=[httpx.Response(200, json=first), httpx.Response(200, json=second)]
    )
    runs = list(client.list_org_runs(statuses=["planned"]))
    assert len(runs) == 2 * len(sample["data"])
    assert route.calls[0].request.url.params["filter[status]"] == "planned"
    assert "configuration_version.ingress_attributes" in route.calls[0].request.url.params["include"]


def test_stopping_early_fetches_no_further_pages(router: respx.MockRouter, client: TfcClient) -> None:
    """Pagination is lazy: taking the first record makes one request."""
    route = router.get(f"{API}/organizations/acme/workspaces").mock(
        return_value=httpx.Response(200, json=page([workspace("ws-1", "a")], 1, 5))
    )
    first = next(iter(client.list_workspaces()))
    assert first.name == "a"
    assert route.call_count == 1


def test_run_includes_resolve_plan_workspace_and_commit_without_more_requests(
    router: respx.MockRouter, client: TfcClient
) -> None:
    """A run read with includes carries its plan, workspace and commit SHA from one response."""
    sample = _sample("run-with-includes.json")
    run_id = sample["data"]["id"]
    router.get(f"{API}/runs/{run_id}").mock(return_value=httpx.Response(200, json=sample))
    run = client.get_run(run_id)
    ingress = next(r for r in sample["included"] if r["type"] == "ingress-attributes")
    assert run.commit_sha == ingress["attributes"]["commit-sha"]
    assert run.plan is not None and run.plan.id == sample["data"]["relationships"]["plan"]["data"]["id"]
    assert run.workspace is not None and run.workspace.name
    assert run.is_confirmable is sample["data"]["attributes"]["actions"]["is-confirmable"]
    assert client.stats.requests == 1


def test_missing_required_field_names_the_resource() -> None:
    """A run without a status is a clear error naming the run."""
    with pytest.raises(errors.MalformedResponse, match=r"runs run-1.*'status'"):
        Run.from_resource({"id": "run-1", "type": "runs", "attributes": {}})


def test_unknown_fields_are_ignored() -> None:
    """Fields the toolkit does not know do not break decoding."""
    run = Run.from_resource({"id": "run-1", "type": "runs", "attributes": {"status": "planned", "brand-new": 1}})
    assert run.status == "planned"


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, errors.BadRequest),
        (401, errors.Unauthorized),
        (404, errors.NotFound),
        (409, errors.Conflict),
        (422, errors.UnprocessableEntity),
        (429, errors.RateLimited),
        (500, errors.ServerError),
        (502, errors.ServerError),
        (503, errors.ServerError),
        (418, errors.ApiError),
    ],
)
def test_every_error_status_maps_to_its_class(
    router: respx.MockRouter, status: int, error: type[errors.ApiError], clock: FakeClock
) -> None:
    """Each status the client handles becomes its own error class, naming the resource and never the token."""
    body = {"errors": [{"status": str(status), "title": "nope", "detail": "details here"}]}
    with make_client(clock) as client:
        router.get(f"{API}/runs/run-x").mock(return_value=httpx.Response(status, json=body))
        with pytest.raises(error) as caught:
            client.get_run("run-x")
    assert type(caught.value) is error
    assert "run run-x" in str(caught.value)
    assert caught.value.status == status
    assert TOKEN not in str(caught.value)


def test_error_status_mapping_is_complete() -> None:
    """Every 4xx the API documents has a dedicated class; every 5xx is a ServerError."""
    documented = {
        400: "BadRequest",
        401: "Unauthorized",
        404: "NotFound",
        409: "Conflict",
        422: "UnprocessableEntity",
        429: "RateLimited",
    }
    for status, name in documented.items():
        assert errors.error_class_for_status(status).__name__ == name
    assert all(errors.error_class_for_status(s) is errors.ServerError for s in range(500, 600))


def test_429_waits_for_the_reset_header_then_retries(
    router: respx.MockRouter, client: TfcClient, clock: FakeClock
) -> None:
    """A 429 is retried after at least X-RateLimit-Reset seconds."""
    route = router.get(f"{API}/workspaces/ws-1").mock(
        side_effect=[
            httpx.Response(429, headers={"X-RateLimit-Reset": "2.5"}, json={"errors": [{"status": 429}]}),
            httpx.Response(200, json={"data": workspace("ws-1", "a")}),
        ]
    )
    assert client.get_workspace("ws-1").name == "a"
    assert route.call_count == 2
    assert max(clock.sleeps) >= 2.5
    assert client.stats.rate_limited == 1 and client.stats.retries == 1


def test_idempotent_get_is_retried_on_5xx_and_dropped_connections(
    router: respx.MockRouter, client: TfcClient, clock: FakeClock
) -> None:
    """GET survives a 503 and a dropped connection, with growing jittered waits."""
    route = router.get(f"{API}/workspaces/ws-1").mock(
        side_effect=[
            httpx.Response(503),
            httpx.ConnectError("connection reset"),
            httpx.Response(200, json={"data": workspace("ws-1", "a")}),
        ]
    )
    assert client.get_workspace("ws-1").name == "a"
    assert route.call_count == 3
    assert len(clock.sleeps) == 2 and clock.sleeps[1] > clock.sleeps[0]


def test_gets_give_up_after_max_attempts(router: respx.MockRouter, client: TfcClient) -> None:
    """A persistent 5xx ends as a ServerError after a bounded number of attempts."""
    route = router.get(f"{API}/workspaces/ws-1").mock(return_value=httpx.Response(500))
    with pytest.raises(errors.ServerError):
        client.get_workspace("ws-1")
    assert route.call_count == 5


def test_apply_is_not_retried_on_5xx_or_dropped_connection(router: respx.MockRouter, client: TfcClient) -> None:
    """Non-idempotent actions are never retried blindly: one attempt, then an error."""
    route = router.post(f"{API}/runs/run-1/actions/apply").mock(return_value=httpx.Response(502))
    with pytest.raises(errors.ServerError):
        client.apply_run("run-1", comment="ok")
    assert route.call_count == 1
    route.mock(side_effect=httpx.ReadError("boom"))
    with pytest.raises(errors.TransportError):
        client.apply_run("run-1")
    assert route.call_count == 2


def test_apply_is_retried_after_429_because_tfc_refused_it_before_acting(
    router: respx.MockRouter, client: TfcClient
) -> None:
    """A 429 on an action means it was not performed, so it is safe to send again."""
    route = router.post(f"{API}/runs/run-1/actions/apply").mock(
        side_effect=[httpx.Response(429, headers={"X-RateLimit-Reset": "0.2"}), httpx.Response(202)]
    )
    client.apply_run("run-1", comment="approved")
    assert route.call_count == 2
    assert json.loads(route.calls[1].request.content) == {"comment": "approved"}


def test_plan_json_follows_the_redirect_without_sending_the_token(router: respx.MockRouter, client: TfcClient) -> None:
    """The 307 to the archivist is followed; the bearer token stays with the API host."""
    archivist = "https://archivist.example.net/v1/object/SIGNED-SECRET-abc"
    api = router.get(f"{API}/plans/plan-1/json-output").mock(
        return_value=httpx.Response(307, headers={"Location": archivist})
    )
    blob = router.get(archivist).mock(return_value=httpx.Response(200, json={"format_version": "1.2"}))
    assert client.get_plan_json("plan-1") == {"format_version": "1.2"}
    assert api.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "Authorization" not in blob.calls[0].request.headers


def test_plan_json_not_ready_is_none(router: respx.MockRouter, client: TfcClient) -> None:
    """TFC answers 204 while the plan is not finished."""
    router.get(f"{API}/plans/plan-1/json-output").mock(return_value=httpx.Response(204))
    assert client.get_plan_json("plan-1") is None


def test_archivist_failure_message_hides_the_signed_url(router: respx.MockRouter, client: TfcClient) -> None:
    """An archivist error names the plan, never the signed URL."""
    archivist = "https://archivist.example.net/v1/object/SIGNED-SECRET-abc"
    router.get(f"{API}/plans/plan-1/json-output").mock(
        return_value=httpx.Response(307, headers={"Location": archivist})
    )
    router.get(archivist).mock(return_value=httpx.Response(403, text="expired"))
    with pytest.raises(errors.ApiError) as caught:
        client.get_plan_json("plan-1")
    assert "plan-1" in str(caught.value)
    assert "SIGNED-SECRET" not in str(caught.value)


def test_current_state_version_absent_is_none(router: respx.MockRouter, client: TfcClient) -> None:
    """A workspace without state answers 404, which reads as None."""
    router.get(f"{API}/workspaces/ws-1/current-state-version").mock(return_value=httpx.Response(404))
    assert client.get_current_state_version("ws-1") is None


def test_state_versions_decode_the_sample_page(router: respx.MockRouter, client: TfcClient) -> None:
    """The documented state-versions page decodes into records with serials and resource summaries."""
    sample = _sample("state-versions-page.json")
    route = router.get(f"{API}/state-versions").mock(return_value=httpx.Response(200, json=sample))
    versions = list(client.list_state_versions("network-prod"))
    assert [v.serial for v in versions] == [d["attributes"]["serial"] for d in sample["data"]]
    assert versions[0].resources is not None and versions[0].resources[0].type
    assert "hosted-state" not in repr(versions[0]) and "download_url" not in repr(versions[0])
    params = route.calls[0].request.url.params
    assert params["filter[workspace][name]"] == "network-prod" and params["filter[organization][name]"] == "acme"


def test_samples_for_agents_and_notifications_decode(router: respx.MockRouter, client: TfcClient) -> None:
    """Agent pools, agents and notification configurations decode from the documented payloads."""
    router.get(f"{API}/organizations/acme/agent-pools").mock(
        return_value=httpx.Response(200, json=_sample("agent-pools-page.json"))
    )
    router.get(f"{API}/agent-pools/apool-1/agents").mock(
        return_value=httpx.Response(200, json=_sample("agents-page.json"))
    )
    nc = _sample("notification-configuration.json")
    router.post(f"{API}/workspaces/ws-1/notification-configurations").mock(return_value=httpx.Response(201, json=nc))
    pools = list(client.list_agent_pools())
    agents = list(client.list_agents("apool-1"))
    created = client.create_notification_configuration(
        "ws-1", name="backup", url="https://hooks.example.com", token="hmac", triggers=["run:completed"]
    )
    assert pools and pools[0].name
    assert {a.status for a in agents} <= {"idle", "busy", "unknown", "errored", "exited"} and agents
    assert created.id == nc["data"]["id"] and created.triggers


def test_map_runs_concurrently_and_keeps_order(router: respx.MockRouter, client: TfcClient) -> None:
    """client.map returns results in input order."""
    router.get(url__regex=rf"{API}/workspaces/ws-\d+").mock(
        side_effect=lambda request: httpx.Response(
            200, json={"data": workspace(request.url.path.rsplit("/", 1)[1], request.url.path[-1])}
        )
    )
    ids = [f"ws-{i}" for i in range(10)]
    assert [ws.id for ws in client.map(client.get_workspace, ids)] == ids
    assert client.stats.requests == 10


def test_run_lists_have_their_own_per_minute_budget(router: respx.MockRouter, clock: FakeClock) -> None:
    """Past a burst of 10, run-list pages are paced at 30/minute while other requests are not."""
    router.get(f"{API}/organizations/acme/runs").mock(return_value=httpx.Response(200, json=page([], 1, None)))
    router.get(f"{API}/workspaces/ws-1").mock(return_value=httpx.Response(200, json={"data": workspace("ws-1", "a")}))
    with make_client(clock) as client:
        for _ in range(12):
            list(client.list_org_runs())
        paced = sum(clock.sleeps)
        assert paced >= 2 * 2.0 - 1e-6  # two pages past the burst, 2 s apart at 30/minute
        before = clock.now
        for _ in range(5):
            client.get_workspace("ws-1")
        assert clock.now == before
