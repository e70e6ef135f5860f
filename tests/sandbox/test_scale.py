"""Scale: scenario data are lookups (a 1,500-workspace organization loads and serves), and whatever breaks
answers TFC's JSON:API error body."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pytest

from tfc.sandbox import Sandbox, _InProcessTransport
from tfc.sandbox.demo import DEMO_COMMIT
from tfc.sandbox.world import WorkspaceRec

WORKSPACES = 1500


def _http(sandbox: Sandbox) -> httpx.Client:
    return httpx.Client(transport=_InProcessTransport(sandbox.wsgi_app), base_url=sandbox.address,
                        headers={"Authorization": f"Bearer {sandbox.token}"})


@pytest.fixture(scope="module")
def big_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = ["organization: big", "workspaces:"]
    for i in range(WORKSPACES):
        lines += [f"  - name: ws-{i:04d}", "    state_versions:",
                  f"      - {{days_ago: 30, serial: {i + 1}, resources: [{{type: aws_s3_bucket, name: b, count: 2}}]}}",
                  f"      - {{days_ago: 3, serial: {i + 2}, resources: [{{type: aws_s3_bucket, name: b, count: 3}}]}}",
                  "    runs:",
                  "      - {status: planned, changes: [{address: 'aws_s3_bucket.b[3]', actions: [create]}]}"]
    path = tmp_path_factory.mktemp("scale") / "big.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_1500_workspace_scenario_serves_histories_and_new_runs(big_scenario: Path) -> None:
    sandbox = Sandbox.from_scenario(big_scenario, rate_limit=None)
    names = sorted(w.name for w in sandbox.world.workspaces.values())
    with _http(sandbox) as http:
        first, last = (http.get(f"/api/v2/organizations/big/workspaces/{n}").json()["data"] for n in (names[0], names[-1]))
        created = http.post("/api/v2/runs", json={"data": {"type": "runs", "relationships": {
            "workspace": {"data": {"type": "workspaces", "id": last["id"]}}}}})
        assert created.status_code == 201
        assert http.get("/api/v2/ping").status_code == 204  # the bug: from here on every request answered 500
        for ws, index in ((first, 0), (last, WORKSPACES - 1)):
            current = http.get(f"/api/v2/workspaces/{ws['id']}/current-state-version").json()["data"]
            assert current["attributes"]["serial"] == index + 2  # each workspace its own history
            versions = http.get("/api/v2/state-versions", params={
                "filter[workspace][name]": ws["attributes"]["name"], "filter[organization][name]": "big"}).json()
            assert [v["attributes"]["serial"] for v in versions["data"]] == [index + 2, index + 1]
        listed = http.get("/api/v2/organizations/big/workspaces", params={"page[size]": 100, "page[number]": 15})
        assert listed.json()["meta"]["pagination"]["total-count"] == WORKSPACES


def test_the_scale_organization_has_1000_runs_of_one_commit_awaiting_confirmation() -> None:
    sandbox = Sandbox.from_scenario("scale", rate_limit=None)
    world = sandbox.world
    assert len(world.workspaces) == WORKSPACES
    of_commit = [r for r in world.runs.values()
                 if world.ingress[world.cvs[r.cv_id].ingress_id or ""].commit_sha == DEMO_COMMIT]
    assert Counter(r.status for r in of_commit) == {"planned": 1000, "errored": 1, "pending": 1}
    assert sum(world.is_confirmable(r) for r in of_commit) == 1000
    assert all(world.state_versions(ws) for ws in list(world.workspaces.values())[::50])


def test_an_unhandled_error_answers_tfc_error_json(sandbox: Sandbox) -> None:
    def broken(ws: WorkspaceRec) -> list[object]:
        raise RuntimeError("boom")

    sandbox.world.history_factory = broken  # type: ignore[assignment]
    ws = next(iter(sandbox.world.workspaces.values()))
    with _http(sandbox) as http:
        response = http.get(f"/api/v2/workspaces/{ws.id}/current-state-version")
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/vnd.api+json"
        assert response.json() == {"errors": [{"status": "500", "title": "internal server error",
                                               "detail": "RuntimeError"}]}
        not_allowed = http.delete("/api/v2/ping")
        assert (not_allowed.status_code, not_allowed.json()["errors"][0]["status"]) == (405, "405")
        assert http.get("/api/v2/ping").status_code == 204
