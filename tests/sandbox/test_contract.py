"""The project's client against the sandbox, endpoint by endpoint, and the sandbox's shapes against TFC's samples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tfc.client import CONFIRMABLE_STATUSES, TfcClient
from tfc.errors import Conflict, NotFound, Unauthorized
from tfc.sandbox import Sandbox
from tfc.sandbox.demo import DEMO_COMMIT, OTHER_COMMIT

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "tfc-samples"


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / name).read_text())


def raw(sandbox: Sandbox, path: str, **params: Any) -> httpx.Response:
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox.wsgi_app), base_url=sandbox.address) as http:
        return http.get(path, params=params, headers={"Authorization": f"Bearer {sandbox.token}"})


def test_ping_and_discovery(sandbox: Sandbox, sandbox_client: TfcClient) -> None:
    assert sandbox_client.ping()["x-ratelimit-limit"] == "30"
    discovery = raw(sandbox, "/.well-known/terraform.json").json()
    assert discovery["tfe.v2"] == discovery["tfe.v2.2"] == "/api/v2/"


def test_workspaces_with_tag_filters_and_lookup(sandbox_client: TfcClient) -> None:
    everything = list(sandbox_client.list_workspaces())
    assert len(everything) == 625
    deploy_prod = list(sandbox_client.list_workspaces(tags=["type:deploy", "tier:prod"]))
    assert deploy_prod and all({"type:deploy", "tier:prod"} <= set(w.tag_names) for w in deploy_prod)
    not_prod = list(sandbox_client.list_workspaces(tags=["type:deploy"], exclude_tags=["tier:prod"]))
    assert len(not_prod) + len(deploy_prod) == 300
    first = everything[0]
    assert sandbox_client.get_workspace(first.id).name == first.name
    assert sandbox_client.get_workspace_by_name(first.name).id == first.id
    assert len({w.tag_value("account") for w in everything}) == 38


def test_org_runs_list_filters_and_includes(sandbox_client: TfcClient) -> None:
    waiting = list(sandbox_client.list_org_runs(statuses=CONFIRMABLE_STATUSES))
    of_commit = [r for r in waiting if r.commit_sha == DEMO_COMMIT]
    assert len(of_commit) == 258 + 1 + 9  # update-only (one with drift) and deleting deploy runs; 9 region runs
    assert all(r.workspace and r.plan and r.ingress for r in of_commit)  # side-loaded, no N+1
    everything = list(sandbox_client.list_org_runs(commit=DEMO_COMMIT))
    assert {r.status for r in everything} == {"planned", "errored", "pending"}
    assert len(everything) == 261 + 9


def test_pagination_meta_matches_tfc_styles(sandbox: Sandbox) -> None:
    org_runs = raw(sandbox, "/api/v2/organizations/demo-org/runs", **{"page[size]": 5}).json()
    assert set(org_runs["meta"]["pagination"]) == {"current-page", "page-size", "prev-page", "next-page"}
    workspaces = raw(sandbox, "/api/v2/organizations/demo-org/workspaces", **{"page[size]": 5}).json()
    assert workspaces["meta"]["pagination"]["total-count"] == 625
    assert workspaces["meta"]["pagination"]["total-pages"] == 125
    assert "page%5Bnumber%5D=2" in workspaces["links"]["next"]


def test_plan_json_redirects_to_a_tokenless_archivist_host(sandbox: Sandbox) -> None:
    seen: list[httpx.Request] = []
    app = httpx.WSGITransport(app=sandbox.wsgi_app)

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return app.handle_request(request)

    client = TfcClient(sandbox.settings(rate_limit_per_second=1000), transport=Recording())
    run = next(r for r in client.list_org_runs(statuses=["planned"], commit=DEMO_COMMIT) if r.plan_id)
    document = client.get_plan_json(run.plan_id or "")
    assert document is not None and document["resource_changes"]
    archivist = [r for r in seen if r.url.host != httpx.URL(sandbox.address).host]
    assert archivist and all("authorization" not in r.headers for r in archivist)
    client.close()


def test_run_actions_comments_and_409(sandbox_client: TfcClient) -> None:
    run = next(r for r in sandbox_client.list_org_runs(statuses=["planned"], commit=DEMO_COMMIT)
               if r.workspace and r.workspace.current_run_id == r.id)
    sandbox_client.apply_run(run.id, comment="approved in a test")
    applied = sandbox_client.get_run(run.id)
    assert applied.status == "applied"  # instant lifecycle: confirmed -> applying -> applied
    assert [c.body for c in sandbox_client.list_comments(run.id)] == ["approved in a test"]
    with pytest.raises(Conflict, match=f"apply of run {run.id}"):
        sandbox_client.apply_run(run.id)
    with pytest.raises(Conflict):
        sandbox_client.discard_run(run.id)
    sandbox_client.add_comment(run.id, "second")
    assert len(list(sandbox_client.list_comments(run.id))) == 2


def test_the_commits_run_queued_behind_another_waits_its_turn(sandbox_client: TfcClient) -> None:
    """One workspace has another commit's run awaiting confirmation and the demo commit's run pending behind it,
    as TFC queues: the pending run is not confirmable and plans only once the run before it is applied."""
    (queued,) = list(sandbox_client.list_org_runs(statuses=["pending"], commit=DEMO_COMMIT))
    workspace = sandbox_client.get_workspace(queued.workspace_id or "")
    head = sandbox_client.get_run(workspace.current_run_id or "")
    assert head.commit_sha == OTHER_COMMIT and head.is_confirmable and not queued.is_confirmable
    with pytest.raises(Conflict):
        sandbox_client.apply_run(queued.id)
    sandbox_client.apply_run(head.id)
    assert sandbox_client.get_run(queued.id).status == "planned"
    assert sandbox_client.get_workspace(workspace.id).current_run_id == queued.id


def test_apply_produces_a_new_state_version(sandbox_client: TfcClient) -> None:
    run = next(r for r in sandbox_client.list_org_runs(statuses=["planned"], commit=DEMO_COMMIT) if r.is_confirmable)
    workspace = run.workspace
    assert workspace is not None
    before = sandbox_client.get_current_state_version(workspace.id)
    sandbox_client.apply_run(run.id)
    after = sandbox_client.get_current_state_version(workspace.id)
    assert before is not None and after is not None
    assert after.serial == before.serial + 1 and after.run_id == run.id
    assert after.vcs_commit_sha == DEMO_COMMIT


def test_state_versions_list_summary_and_download(sandbox_client: TfcClient) -> None:
    name = next(iter(sandbox_client.list_workspaces())).name
    versions = list(sandbox_client.list_state_versions(name))
    assert len(versions) >= 8
    assert [v.serial for v in versions] == sorted((v.serial for v in versions), reverse=True)  # newest first
    newest = versions[0]
    state = json.loads(sandbox_client.download(newest.download_url or ""))
    assert state["version"] == 4 and state["serial"] == newest.serial
    if newest.resources is not None and newest.resources_processed:
        managed = sum(r.count for r in newest.resources if not r.type.startswith("data."))
        instances = sum(len(r["instances"]) for r in state["resources"] if r["mode"] == "managed")
        assert managed == instances


def test_state_download_urls_are_signed(sandbox: Sandbox, sandbox_client: TfcClient) -> None:
    version = next(iter(sandbox_client.list_state_versions(next(iter(sandbox_client.list_workspaces())).name)))
    forged = (version.download_url or "")[:-4] + "0000"
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox.wsgi_app)) as http:
        assert http.get(forged).status_code == 404


def test_agent_pools_and_agents(sandbox_client: TfcClient) -> None:
    pools = {p.name: p for p in sandbox_client.list_agent_pools()}
    sizes = {name: len(list(sandbox_client.list_agents(pool.id))) for name, pool in pools.items()}
    assert sizes == {"agents-nonprod": 40, "agents-prod": 80}
    statuses = {a.status for p in pools.values() for a in sandbox_client.list_agents(p.id)}
    assert statuses <= {"idle", "busy", "unknown", "errored", "exited"}


def test_auth_401_and_404_for_a_token_without_access(sandbox: Sandbox) -> None:
    sandbox.world.tokens["outsider-token"] = frozenset()
    outsider = TfcClient(sandbox.settings(token=_secret("outsider-token")),
                         transport=httpx.WSGITransport(app=sandbox.wsgi_app))
    with pytest.raises(NotFound):
        list(outsider.list_workspaces())
    nobody = TfcClient(sandbox.settings(token=_secret("wrong")), transport=httpx.WSGITransport(app=sandbox.wsgi_app))
    with pytest.raises(Unauthorized):
        list(nobody.list_workspaces())


def _secret(value: str) -> Any:
    from tfc.settings import Secret

    return Secret(value)


def test_invalid_bodies_get_422(sandbox: Sandbox) -> None:
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox.wsgi_app), base_url=sandbox.address) as http:
        response = http.post("/api/v2/runs", json={"data": {"type": "workspaces"}},
                             headers={"Authorization": f"Bearer {sandbox.token}"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["status"] == "422"


# -- shapes: the sandbox invents no wire names and agrees with TFC's samples on types -------------------------

def _types(value: Any) -> str:
    return "number" if isinstance(value, int | float) and not isinstance(value, bool) else type(value).__name__


# Wire names go-tfe's v1 structs declare (hashicorp/go-tfe @ 61e5fd50: run.go Run, workspace.go Workspace,
# plan.go Plan, apply.go Apply, configuration_version.go ConfigurationVersion, project.go Project, user.go User)
# beside the samples'; docs-only names are cited where they are used (documents.py).
GO_TFE: dict[str, set[str]] = {
    "runs": {"actions", "auto-apply", "allow-config-generation", "allow-empty-apply", "canceled-at", "created-at",
             "force-cancel-available-at", "has-changes", "is-destroy", "invoke-action-addrs", "message", "permissions",
             "policy-paths", "position-in-queue", "plan-only", "refresh", "refresh-only", "replace-addrs",
             "save-plan", "source", "status", "status-timestamps", "target-addrs", "terraform-version",
             "trigger-reason", "variables", "apply", "configuration-version", "cost-estimate", "created-by",
             "confirmed-by", "plan", "policy-checks", "run-events", "task-stages", "workspace", "comments"},
    "workspaces": {"actions", "allow-destroy-plan", "assessments-enabled", "auto-apply", "auto-apply-run-trigger",
                   "created-at", "description", "environment", "execution-mode", "file-triggers-enabled",
                   "global-remote-state", "locked", "name", "operations", "permissions", "queue-all-runs",
                   "speculative-enabled", "source", "structured-run-output-enabled", "terraform-version",
                   "trigger-prefixes", "trigger-patterns", "vcs-repo", "working-directory", "updated-at",
                   "resource-count", "tag-names", "setting-overwrites", "agent-pool", "current-run",
                   "current-state-version", "organization", "project", "tags", "current-configuration-version",
                   "locked-by", "tag-bindings", "effective-tag-bindings",
                   "locked-reason", "latest-change-at", "vcs-repo-identifier", "latest-run"},  # the last: docs
    "plans": {"has-changes", "log-read-url", "resource-additions", "resource-changes", "resource-destructions",
              "resource-imports", "status", "status-timestamps", "execution-details"},  # the last: plans.mdx
    "applies": {"log-read-url", "resource-additions", "resource-changes", "resource-destructions",
                "resource-imports", "status", "status-timestamps"},
    "configuration-versions": {"auto-queue-runs", "error", "error-message", "source", "speculative", "provisional",
                               "status", "status-timestamps", "upload-url", "ingress-attributes"},
    "projects": {"name", "description", "default-execution-mode", "auto-destroy-activity-duration", "organization"},
    "users": {"avatar-url", "email", "is-service-account", "two-factor", "unconfirmed-email", "username", "v2-only",
              "permissions"},
}


def _assert_shape(ours: dict[str, Any], theirs: dict[str, Any] | None) -> None:
    """Every attribute and relationship is TFC's (sample or go-tfe); types agree with the sample's."""
    theirs = theirs or {"type": ours["type"], "attributes": {}, "relationships": {}}
    assert ours["type"] == theirs["type"]
    known = GO_TFE.get(ours["type"], set())
    invented = set(ours["attributes"]) - set(theirs["attributes"]) - known
    assert not invented, f"attributes neither TFC's sample nor go-tfe has: {sorted(invented)}"
    for key in set(ours["attributes"]) & set(theirs["attributes"]):
        a, b = ours["attributes"][key], theirs["attributes"][key]
        if a is not None and b is not None:
            assert _types(a) == _types(b), key
    invented_rels = set(ours.get("relationships", {})) - set(theirs.get("relationships", {})) - known
    assert not invented_rels, f"relationships neither TFC's sample nor go-tfe has: {sorted(invented_rels)}"


def test_shapes_match_the_samples(sandbox: Sandbox) -> None:
    workspace = raw(sandbox, "/api/v2/organizations/demo-org/workspaces", **{"page[size]": 1}).json()["data"][0]
    _assert_shape(workspace, sample("workspaces-page.json")["data"][0])
    runs = raw(sandbox, "/api/v2/organizations/demo-org/runs", **{"filter[status]": "planned", "page[size]": 1,
               "include": "plan,workspace,configuration_version.ingress_attributes"}).json()
    theirs = sample("run-with-includes.json")
    _assert_shape(runs["data"][0], theirs["data"])
    by_type = {r["type"]: r for r in theirs["included"]}
    by_type["workspaces"] = sample("workspaces-page.json")["data"][0]  # the run sample's workspace is abbreviated
    for resource in runs["included"]:
        _assert_shape(resource, by_type[resource["type"]])
    state_versions = raw(sandbox, "/api/v2/state-versions", **{"filter[workspace][name]": workspace["attributes"]["name"],
                         "filter[organization][name]": "demo-org"}).json()
    _assert_shape(state_versions["data"][0], sample("state-versions-page.json")["data"][0])
    pools = raw(sandbox, "/api/v2/organizations/demo-org/agent-pools").json()["data"]
    _assert_shape(pools[0], sample("agent-pools-page.json")["data"][0])
    agents = raw(sandbox, f"/api/v2/agent-pools/{pools[0]['id']}/agents").json()["data"]
    _assert_shape(agents[0], sample("agents-page.json")["data"][0])
