"""Faults after handling: the action happens and its response is lost (dropped connection or 502)."""

from __future__ import annotations

import httpx
import pytest

from tfc.sandbox import FaultSpec, Sandbox, _InProcessTransport
from tfc.sandbox.demo import DEMO_COMMIT


def _confirmable_run(sandbox: Sandbox) -> str:
    world = sandbox.world
    return next(r.id for r in world.runs.values() if world.is_confirmable(r)
                and world.ingress[world.cvs[r.cv_id].ingress_id or ""].commit_sha == DEMO_COMMIT)


def _status(sandbox: Sandbox, run_id: str) -> str:
    with httpx.Client(transport=_InProcessTransport(sandbox.wsgi_app), base_url=sandbox.address) as http:
        body = http.get(f"/api/v2/runs/{run_id}", headers={"Authorization": f"Bearer {sandbox.token}"}).json()
    return str(body["data"]["attributes"]["status"])


def test_parse_the_lost_response_faults() -> None:
    spec = FaultSpec.parse("lost=0.25,lost5xx=0.5,only=/actions/apply,seed=3")
    assert (spec.lost_responses, spec.lost_5xx, spec.only, spec.seed) == (0.25, 0.5, "/actions/apply", 3)
    with pytest.raises(ValueError, match="lost=F"):
        FaultSpec.parse("lose=0.1")
    with pytest.raises(ValueError, match="more than 1"):
        FaultSpec.parse("lost=0.6,drop=0.5")


@pytest.mark.parametrize("served", [False, True])
def test_lost_the_apply_happens_the_connection_is_closed(served: bool) -> None:
    sandbox = Sandbox.from_scenario("demo", rate_limit=None,
                                    faults=FaultSpec(lost_responses=1.0, only="/actions/apply"))
    run_id = _confirmable_run(sandbox)
    headers = {"Authorization": f"Bearer {sandbox.token}"}
    if served:
        with sandbox.serve() as base, pytest.raises(httpx.TransportError):
            httpx.post(f"{base}/api/v2/runs/{run_id}/actions/apply", headers=headers, json={})
    else:
        with httpx.Client(transport=_InProcessTransport(sandbox.wsgi_app), base_url=sandbox.address) as http, \
                pytest.raises(httpx.TransportError):
            http.post(f"/api/v2/runs/{run_id}/actions/apply", headers=headers, json={})
    assert _status(sandbox, run_id) == "applied"  # the GET was not faulted: `only` matched the apply alone
    assert sandbox.injector is not None and sandbox.injector.injected == {
        **dict.fromkeys(sandbox.injector.injected, 0), "lost": 1}


def test_lost5xx_the_apply_happens_and_502_is_answered() -> None:
    sandbox = Sandbox.from_scenario("demo", rate_limit=None, faults=FaultSpec(lost_5xx=1.0, only="POST "))
    run_id = _confirmable_run(sandbox)
    with httpx.Client(transport=_InProcessTransport(sandbox.wsgi_app), base_url=sandbox.address) as http:
        response = http.post(f"/api/v2/runs/{run_id}/actions/apply", json={},
                             headers={"Authorization": f"Bearer {sandbox.token}"})
    assert response.status_code == 502 and response.json()["errors"][0]["status"] == "502"
    assert _status(sandbox, run_id) == "applied"


def test_before_handling_faults_still_never_half_apply() -> None:
    sandbox = Sandbox.from_scenario("demo", rate_limit=None, faults=FaultSpec(drops=1.0, only="/actions/"))
    run_id = _confirmable_run(sandbox)
    with httpx.Client(transport=_InProcessTransport(sandbox.wsgi_app), base_url=sandbox.address) as http, \
            pytest.raises(httpx.TransportError):
        http.post(f"/api/v2/runs/{run_id}/actions/apply", json={}, headers={"Authorization": f"Bearer {sandbox.token}"})
    assert _status(sandbox, run_id) == "planned"
