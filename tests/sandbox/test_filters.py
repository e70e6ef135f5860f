"""Filters, sorts, searches and includes (#20 §3): implemented as run.mdx / workspaces.mdx document them, or 400
— never silently ignored; and POST /runs bodies as go-tfe's RunCreateOptions sends them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tfc.sandbox import Sandbox, _InProcessTransport
from tfc.sandbox.demo import DEMO_AUTHOR, DEMO_COMMIT
from tfc.sandbox.routes.runs import filter_runs, operation_of
from tfc.sandbox.world import FINAL, NON_FINAL, RunRec


@pytest.fixture(scope="module")
def demo() -> Iterator[Sandbox]:
    sandbox = Sandbox.from_scenario("demo", rate_limit=None)
    yield sandbox
    sandbox.close()


@pytest.fixture
def http(sandbox: Sandbox) -> httpx.Client:
    return httpx.Client(transport=_InProcessTransport(sandbox.wsgi_app), base_url=sandbox.address,
                        headers={"Authorization": f"Bearer {sandbox.token}"})


@pytest.fixture(scope="module")
def read(demo: Sandbox) -> httpx.Client:
    """A client of the module's demo, for tests that change nothing."""
    return httpx.Client(transport=_InProcessTransport(demo.wsgi_app), base_url=demo.address,
                        headers={"Authorization": f"Bearer {demo.token}"})


@pytest.mark.parametrize(("path", "params"), [
    ("/api/v2/organizations/demo-org/workspaces", {"filter[current_run][status]": "planned"}),  # misspelt
    ("/api/v2/organizations/demo-org/workspaces", {"search[tag]": "type:deploy"}),
    ("/api/v2/organizations/demo-org/runs", {"filter[workspace][name]": "x"}),
    ("/api/v2/workspaces/{ws}/runs", {"filter[workspace_names]": "x"}),  # only the organization list has it
    ("/api/v2/organizations/demo-org/runs", {"filter[timeframe]": "recent"}),
    ("/api/v2/organizations/demo-org/workspaces", {"sort": "size"}),
])
def test_unknown_parameters_and_values_answer_400(demo: Sandbox, read: httpx.Client, path: str,
                                                  params: dict[str, str]) -> None:
    ws = next(iter(demo.world.workspaces))
    response = read.get(path.format(ws=ws), params=params)
    assert response.status_code == 400 and response.json()["errors"][0]["status"] == "400"


@pytest.mark.parametrize("path", ["/api/v2/organizations/demo-org/workspaces", "/api/v2/organizations/demo-org/runs",
                                  "/api/v2/workspaces/{ws}", "/api/v2/runs/{run}"])
def test_an_unknown_include_answers_400_naming_the_include_parameter(demo: Sandbox, read: httpx.Client,
                                                                     path: str) -> None:
    ws = next(iter(demo.world.workspaces.values()))
    response = read.get(path.format(ws=ws.id, run=ws.current_run_id), params={"include": "plan,bogus"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert "include parameter" in f"{error['title']} {error['detail']}" and "bogus" in error["detail"]


def test_workspace_filters_sort_and_project(demo: Sandbox, read: httpx.Client) -> None:
    world = demo.world

    def names(**params: str) -> list[str]:
        body = read.get("/api/v2/organizations/demo-org/workspaces", params={"page[size]": 100, **params}).json()
        assert body["meta"]["pagination"]["total-count"] <= 100
        return [w["attributes"]["name"] for w in body["data"]]

    planned = names(**{"filter[current-run][status]": "planned", "search[tags]": "type:region"})
    expected = sorted(w.name for w in world.workspaces.values() if "type:region" in w.tags and w.current_run_id
                      and world.runs[w.current_run_id].status == "planned")
    assert sorted(planned) == expected and len(expected) == 9
    project = next(p for p in world.projects.values() if p.name == "account")
    assert len(names(**{"filter[project][id]": project.id})) == 38
    accounts = names(**{"filter[project][id]": project.id, "sort": "-name"})
    assert accounts == sorted(accounts, reverse=True)
    newest = names(**{"filter[project][id]": project.id, "sort": "-current-run.created-at"})
    created = [world.runs[world.workspaces[world.workspace_by_name[("demo-org", n)]].current_run_id or ""].created_at
               for n in newest]
    assert created == sorted(created, reverse=True)


def test_run_filters_source_pool_operation_timeframe(sandbox: Sandbox, http: httpx.Client) -> None:
    world = sandbox.world
    prod = next(p for p in world.agent_pools.values() if p.name == "agents-prod")

    def ids(path: str = "/api/v2/organizations/demo-org/runs", **params: str) -> set[str]:
        out: set[str] = set()
        page = 1
        while page:
            body = http.get(path, params={"page[size]": 100, "page[number]": str(page), **params}).json()
            out |= {r["id"] for r in body["data"]}
            page = body["meta"]["pagination"]["next-page"]
        return out

    in_prod = ids(**{"filter[agent_pool_names]": "agents-prod", "filter[status]": "planned"})
    assert in_prod == {r.id for r in world.runs.values() if r.status == "planned"
                       and world.workspaces[r.workspace_id].agent_pool_id == prod.id}
    assert ids(**{"filter[source]": "tfe-api"}) == set()
    ws = next(w for w in world.workspaces.values() if w.current_run_id
              and world.is_confirmable(world.runs[w.current_run_id]))
    created = http.post("/api/v2/runs", json={"data": {"type": "runs", "attributes": {"plan-only": True},
                        "relationships": {"workspace": {"data": {"type": "workspaces", "id": ws.id}}}}}).json()
    assert ids(**{"filter[source]": "tfe-api"}) == {created["data"]["id"]}
    workspace_runs = f"/api/v2/workspaces/{ws.id}/runs"
    assert created["data"]["id"] not in ids(workspace_runs)  # plan-only runs are hidden by default
    assert ids(workspace_runs, **{"filter[operation]": "plan_only"}) == {created["data"]["id"]}
    this_year = str(world.clock().year)
    assert ids(**{"filter[timeframe]": this_year, "filter[status]": "errored"}) == {
        r.id for r in world.runs.values() if r.status == "errored" and r.created_at.year == int(this_year)}
    assert ids(**{"filter[timeframe]": "1999"}) == set()
    assert ids(**{"filter[status_group]": "waiting"}) == set()  # an unknown value: a valid query, nothing matches


def test_search_basic_is_ignored_beside_commit_or_user(read: httpx.Client) -> None:
    def count(**params: str) -> int:
        return len(read.get("/api/v2/organizations/demo-org/runs", params={"page[size]": 100, **params}).json()["data"])

    assert count(**{"search[basic]": "no-such-thing"}) == 0
    assert count(**{"search[commit]": DEMO_COMMIT[:12], "search[basic]": "no-such-thing"}) == count(
        **{"search[commit]": DEMO_COMMIT[:12]}) > 0
    assert count(**{"search[user]": DEMO_AUTHOR, "search[basic]": "no-such-thing"}) == count(
        **{"search[user]": DEMO_AUTHOR}) > 0


@settings(max_examples=40, deadline=None)
@given(statuses=st.sets(st.sampled_from(sorted(FINAL | NON_FINAL))), basic=st.text(max_size=8),
       prefix=st.integers(min_value=0, max_value=40))
def test_filter_runs_matches_a_brute_force_reading(demo: Sandbox, statuses: set[str], basic: str,
                                                   prefix: int) -> None:
    world = demo.world
    runs = list(world.runs.values())
    args = {"filter[status]": ",".join(sorted(statuses)), "search[commit]": DEMO_COMMIT[:prefix] or "a",
            "search[basic]": basic}
    got = filter_runs(world, runs, args, hide_plan_only=False, default_timeframe="year")

    def commit(run: RunRec) -> str:
        return world.ingress[world.cvs[run.cv_id].ingress_id or ""].commit_sha

    since = world.clock() - timedelta(days=365)
    expected = [r for r in runs if (not statuses or r.status in statuses)
                and commit(r).startswith(args["search[commit]"]) and r.created_at >= since]
    assert got == sorted(expected, key=lambda r: r.created_at, reverse=True)  # search[basic] played no part


@pytest.mark.parametrize(("options", "plan_only", "destroy", "operation"), [
    ({}, False, False, "plan_and_apply"),
    ({}, True, False, "plan_only"),
    ({}, False, True, "destroy"),
    ({"refresh-only": True}, False, False, "refresh_only"),
    ({"save-plan": True}, False, False, "save_plan"),
])
def test_operation_of_a_run(options: dict[str, bool], plan_only: bool, destroy: bool, operation: str) -> None:
    run = RunRec(id="run-1", workspace_id="ws-1", status="pending", created_at=None, plan_id="p", apply_id="a",  # type: ignore[arg-type]
                 cv_id="cv", message="", plan_only=plan_only, is_destroy=destroy, options=options)
    assert operation_of(run) == operation


def test_api_runs_echo_their_attributes_get_a_plan_and_can_be_applied(http: httpx.Client,
                                                                      sandbox: Sandbox) -> None:
    world = sandbox.world
    ws = next(w for w in world.workspaces.values() if w.current_run_id
              and world.is_confirmable(world.runs[w.current_run_id]))
    http.post(f"/api/v2/runs/{ws.current_run_id}/actions/discard", json={})
    body = {"data": {"type": "runs", "attributes": {"message": "from the API", "target-addrs": ["aws_s3_bucket.b"],
                                                    "refresh": False, "variables": [{"key": "x", "value": "\"1\""}]},
                     "relationships": {"workspace": {"data": {"type": "workspaces", "id": ws.id}}}}}
    created = http.post("/api/v2/runs", json=body).json()["data"]
    attributes = created["attributes"]
    assert (attributes["message"], attributes["target-addrs"], attributes["refresh"], attributes["source"]) == (
        "from the API", ["aws_s3_bucket.b"], False, "tfe-api")
    assert attributes["variables"] == [{"key": "x", "value": "\"1\""}]
    user = http.get("/api/v2/account/details").json()["data"]
    assert created["relationships"]["created-by"]["data"] == {"id": user["id"], "type": "users"}
    assert created["relationships"]["created-by"]["links"]["related"] == f"/api/v2/runs/{created['id']}/created-by"
    assert http.get(created["relationships"]["created-by"]["links"]["related"]).json()["data"]["id"] == user["id"]
    assert attributes["status"] == "planned" and attributes["actions"]["is-confirmable"] is True  # the commit's plan
    assert http.post(f"/api/v2/runs/{created['id']}/actions/apply", json={}).status_code == 202
    assert http.get(f"/api/v2/runs/{created['id']}").json()["data"]["attributes"]["status"] == "applied"
    comments = http.get(created["relationships"]["comments"]["links"]["related"])
    assert comments.status_code == 200
