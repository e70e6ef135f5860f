"""Endpoints the other features need (#20 §4), in TFC's shapes: account details, configuration versions and
their token-less upload, workspace tags and tag bindings, workspace includes, project notifications."""

from __future__ import annotations

import io
import json
import tarfile
from typing import Any

import httpx
import pytest

from tests.sandbox.test_contract import _assert_shape
from tfc.sandbox import Sandbox, _InProcessTransport
from tfc.sandbox.demo import DEMO_COMMIT, DEMO_USER


@pytest.fixture
def http(sandbox: Sandbox) -> httpx.Client:
    return httpx.Client(transport=_InProcessTransport(sandbox.wsgi_app), base_url=sandbox.address,
                        headers={"Authorization": f"Bearer {sandbox.token}"})


def _tarball() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = b'resource "null_resource" "x" {}\n'
        info = tarfile.TarInfo("main.tf")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _deploy_workspace(sandbox: Sandbox) -> str:
    world = sandbox.world
    return next(ws.id for ws in world.workspaces.values() if ws.current_run_id
                and world.is_confirmable(world.runs[ws.current_run_id])
                and world.ingress[world.cvs[world.runs[ws.current_run_id].cv_id].ingress_id or ""].commit_sha
                == DEMO_COMMIT and ws.name.startswith("deploy-"))


def test_account_details_is_the_tokens_user(http: httpx.Client) -> None:
    user = http.get("/api/v2/account/details").json()["data"]
    _assert_shape(user, None)
    assert (user["type"], user["attributes"]["username"]) == ("users", DEMO_USER)
    assert http.get(f"/api/v2/users/{user['id']}").json()["data"] == user


@pytest.mark.parametrize("speculative", [True, False])
def test_configuration_version_upload_queues_its_run(sandbox: Sandbox, http: httpx.Client,
                                                     speculative: bool) -> None:
    ws_id = _deploy_workspace(sandbox)
    head = sandbox.world.workspaces[ws_id].current_run_id
    created = http.post(f"/api/v2/workspaces/{ws_id}/configuration-versions", json={"data": {
        "type": "configuration-versions", "attributes": {"speculative": speculative, "auto-queue-runs": True}}})
    assert created.status_code == 201
    cv = created.json()["data"]
    _assert_shape(cv, None)
    assert (cv["attributes"]["status"], cv["attributes"]["speculative"]) == ("pending", speculative)
    upload_url = cv["attributes"]["upload-url"]
    assert httpx.URL(upload_url).host != httpx.URL(sandbox.address).host  # the archivist host
    with httpx.Client(transport=_InProcessTransport(sandbox.wsgi_app)) as archivist:  # no token
        assert archivist.put(upload_url, content=b"not a tarball").status_code == 422
        assert archivist.put(upload_url, content=_tarball(),
                             headers={"Content-Type": "application/octet-stream"}).status_code == 200
        assert archivist.put(upload_url, content=_tarball()).status_code == 404  # the URL is single-use
    read = http.get(f"/api/v2/configuration-versions/{cv['id']}").json()["data"]
    assert read["attributes"]["status"] == "uploaded" and read["attributes"]["upload-url"] is None
    assert {"queued-at", "finished-at"} <= set(read["attributes"]["status-timestamps"])
    runs = [r for r in sandbox.world.runs.values() if r.cv_id == cv["id"]]
    assert len(runs) == 1
    run = http.get(f"/api/v2/runs/{runs[0].id}").json()["data"]
    assert run["attributes"]["plan-only"] is speculative
    workspace = http.get(f"/api/v2/workspaces/{ws_id}").json()["data"]
    assert workspace["relationships"]["current-run"]["data"]["id"] == head  # the confirmable run stays current
    if speculative:  # plan-only: planned at once beside the waiting run, from the pending run's plan
        assert run["attributes"]["status"] == "planned_and_finished"
        assert run["attributes"]["has-changes"] is True
        assert run["relationships"]["created-by"]["data"]["id"] == sandbox.world.token_users[sandbox.token]
    else:  # queued behind the run awaiting confirmation
        assert (run["attributes"]["status"], run["attributes"]["position-in-queue"]) == ("pending", 1)


def test_runs_on_a_speculative_version_are_plan_only(sandbox: Sandbox, http: httpx.Client) -> None:
    ws_id = _deploy_workspace(sandbox)
    cv = http.post(f"/api/v2/workspaces/{ws_id}/configuration-versions", json={"data": {
        "type": "configuration-versions", "attributes": {"speculative": True, "auto-queue-runs": False}}}).json()
    body = {"data": {"type": "runs", "relationships": {
        "workspace": {"data": {"type": "workspaces", "id": ws_id}},
        "configuration-version": {"data": {"type": "configuration-versions", "id": cv["data"]["id"]}}}}}
    assert http.post("/api/v2/runs", json=body).status_code == 422  # not uploaded yet
    with httpx.Client(transport=_InProcessTransport(sandbox.wsgi_app)) as archivist:
        archivist.put(cv["data"]["attributes"]["upload-url"], content=_tarball())
    assert not [r for r in sandbox.world.runs.values() if r.cv_id == cv["data"]["id"]]  # auto-queue-runs false
    run = http.post("/api/v2/runs", json=body).json()["data"]
    assert run["attributes"]["plan-only"] is True
    assert run["relationships"]["configuration-version"]["data"]["id"] == cv["data"]["id"]


def test_workspace_tags_and_organization_tags(sandbox: Sandbox, http: httpx.Client) -> None:
    ws_id = _deploy_workspace(sandbox)
    listed = http.get(f"/api/v2/workspaces/{ws_id}/relationships/tags").json()
    names = sorted(t["attributes"]["name"] for t in listed["data"])
    assert names == sorted(sandbox.world.workspaces[ws_id].tags) and listed["meta"]["pagination"]["total-count"]
    assert all(t["type"] == "tags" and t["id"].startswith("tag-") for t in listed["data"])
    added = http.post(f"/api/v2/workspaces/{ws_id}/relationships/tags",
                      json={"data": [{"type": "tags", "attributes": {"name": "pci"}}]})
    assert added.status_code == 204
    org_tags = {t["attributes"]["name"]: t for t in http.get("/api/v2/organizations/demo-org/tags",
                                                            params={"page[size]": 100}).json()["data"]}
    assert org_tags["pci"]["attributes"]["instance-count"] == 1
    assert org_tags["type:deploy"]["attributes"]["instance-count"] == 300
    removed = http.request("DELETE", f"/api/v2/workspaces/{ws_id}/relationships/tags",
                           json={"data": [{"type": "tags", "id": org_tags["pci"]["id"]}]})
    assert removed.status_code == 204
    assert "pci" not in sandbox.world.workspaces[ws_id].tags
    found = http.get("/api/v2/organizations/demo-org/tags", params={"q": "type:dep"}).json()["data"]
    assert [t["attributes"]["name"] for t in found] == ["type:deploy"]


def test_tag_bindings_read_update_and_filter(sandbox: Sandbox, http: httpx.Client) -> None:
    ws_id = _deploy_workspace(sandbox)
    bindings = http.get(f"/api/v2/workspaces/{ws_id}/tag-bindings").json()
    assert {b["attributes"]["key"]: b["attributes"]["value"] for b in bindings["data"]}["type"] == "deploy"
    assert all(b["type"] == "tag-bindings" for b in bindings["data"]) and "meta" not in bindings  # not paginated
    patched = http.patch(f"/api/v2/workspaces/{ws_id}/tag-bindings", json={"data": [
        {"type": "tag-bindings", "attributes": {"key": "cost-center", "value": "cc-42"}}]}).json()
    assert {"cost-center": "cc-42"}.items() <= {b["attributes"]["key"]: b["attributes"]["value"]
                                               for b in patched["data"]}.items()
    tagged = http.get("/api/v2/organizations/demo-org/workspaces", params={
        "filter[tagged][0][key]": "cost-center", "filter[tagged][0][value]": "cc-42"}).json()["data"]
    assert [w["id"] for w in tagged] == [ws_id]
    effective = http.get(f"/api/v2/workspaces/{ws_id}/effective-tag-bindings").json()["data"]
    assert {b["type"] for b in effective} == {"effective-tag-bindings"}


@pytest.mark.parametrize("where", ["list", "id", "name"])
def test_workspace_includes(sandbox: Sandbox, http: httpx.Client, where: str) -> None:
    ws_id = _deploy_workspace(sandbox)
    ws = sandbox.world.workspaces[ws_id]
    include = "current_state_version,current_run.plan,organization,project"
    if where == "list":
        body = http.get("/api/v2/organizations/demo-org/workspaces", params={
            "search[name]": ws.name, "include": include}).json()
    elif where == "id":
        body = http.get(f"/api/v2/workspaces/{ws_id}", params={"include": include}).json()
    else:
        body = http.get(f"/api/v2/organizations/demo-org/workspaces/{ws.name}", params={"include": include}).json()
    by_type = {r["type"]: r for r in body["included"]}
    assert set(by_type) == {"state-versions", "runs", "plans", "organizations", "projects"}
    assert by_type["state-versions"]["attributes"]["serial"] == sandbox.world.current_state_version(ws).serial
    assert by_type["runs"]["id"] == ws.current_run_id
    assert by_type["plans"]["id"] == sandbox.world.runs[ws.current_run_id or ""].plan_id
    assert by_type["projects"]["attributes"]["name"] == "deploy"
    for resource in body["included"]:
        if resource["type"] in ("runs", "plans", "projects"):
            _assert_shape(resource, None)


def test_the_backup_sweep_reads_every_state_serial_in_pages(http: httpx.Client) -> None:
    page = http.get("/api/v2/organizations/demo-org/workspaces",
                    params={"include": "current_state_version", "page[size]": 100}).json()
    assert len(page["data"]) == 100
    serials = {r["id"]: r["attributes"]["serial"] for r in page["included"] if r["type"] == "state-versions"}
    linked = [w["relationships"]["current-state-version"]["data"]["id"] for w in page["data"]]
    assert set(linked) == set(serials)


class _Hook:
    def __init__(self, status: int) -> None:
        self.status = status
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        return httpx.Response(self.status, headers={"X-Receiver": "test"})


def _hooked(sandbox: Sandbox, hook: _Hook) -> None:
    sandbox.deliverer.transport = httpx.MockTransport(hook)


def _notification(name: str, triggers: list[str], *, enabled: bool = True) -> dict[str, Any]:
    return {"data": {"type": "notification-configurations", "attributes": {
        "name": name, "destination-type": "generic", "url": "https://hooks.example/in", "enabled": enabled,
        "triggers": triggers}}}


def test_project_notifications_with_granular_triggers_carry_trigger_type(sandbox: Sandbox, http: httpx.Client) -> None:
    hook = _Hook(200)
    _hooked(sandbox, hook)
    world = sandbox.world  # the workspace where the commit's run waits behind another awaiting confirmation
    ws_id = next(r.workspace_id for r in world.runs.values() if r.status == "pending")
    project_id = world.workspaces[ws_id].project_id
    created = http.post(f"/api/v2/projects/{project_id}/notification-configurations",
                        json=_notification("project", ["run:completed", "run:pending_apply_approval"]))
    assert created.status_code == 201
    config = created.json()["data"]
    assert config["relationships"]["subscribable"]["data"] == {"id": project_id, "type": "projects"}
    assert hook.bodies[-1]["notifications"][0]["trigger"] == "verification"
    response = config["attributes"]["delivery-responses"][0]
    assert (response["code"], response["successful"], response["headers"]["x-receiver"]) == ("200", "true", ["test"])
    http.post(f"/api/v2/runs/{world.workspaces[ws_id].current_run_id}/actions/apply", json={})
    fired = [(b["notifications"][0]["trigger"], b["notifications"][0]["trigger_type"], b["workspace_id"])
             for b in hook.bodies[1:]]
    assert fired == [("run:completed", "run:completed", ws_id),  # the applied run
                     ("run:needs_attention", "run:pending_apply_approval", ws_id)]  # the next one, now planned
    listed = http.get(f"/api/v2/projects/{project_id}/notification-configurations").json()["data"]
    assert [c["id"] for c in listed] == [config["id"]]


def test_enabling_with_a_failing_destination_answers_400_and_saves_nothing(sandbox: Sandbox,
                                                                          http: httpx.Client) -> None:
    hook = _Hook(500)
    _hooked(sandbox, hook)
    ws_id = _deploy_workspace(sandbox)
    failed = http.post(f"/api/v2/workspaces/{ws_id}/notification-configurations",
                       json=_notification("broken", ["run:completed"]))
    assert failed.status_code == 400 and failed.json()["errors"][0]["status"] == "400"
    assert http.get(f"/api/v2/workspaces/{ws_id}/notification-configurations").json()["data"] == []
    disabled = http.post(f"/api/v2/workspaces/{ws_id}/notification-configurations",
                         json=_notification("off", ["run:completed"], enabled=False)).json()["data"]
    enabling = http.patch(f"/api/v2/notification-configurations/{disabled['id']}",
                          json={"data": {"type": "notification-configurations", "attributes": {"enabled": True}}})
    assert enabling.status_code == 400
    assert http.get(f"/api/v2/notification-configurations/{disabled['id']}").json()["data"]["attributes"][
        "enabled"] is False
    hook.status = 204
    renamed = http.patch(f"/api/v2/notification-configurations/{disabled['id']}", json={"data": {
        "type": "notification-configurations", "attributes": {"enabled": True, "name": "on"}}}).json()["data"]
    assert (renamed["attributes"]["enabled"], renamed["attributes"]["name"]) == (True, "on")
    assert http.delete(f"/api/v2/notification-configurations/{disabled['id']}").status_code == 204
    assert http.get(f"/api/v2/notification-configurations/{disabled['id']}").status_code == 404


def test_the_commit_of_every_workspaces_current_run_in_one_read(sandbox: Sandbox, http: httpx.Client) -> None:
    body = http.get("/api/v2/organizations/demo-org/workspaces", params={
        "search[tags]": "type:region", "page[size]": 100,
        "include": "current_run.configuration_version.ingress_attributes"}).json()
    kinds = {r["type"] for r in body["included"]}
    assert kinds == {"runs", "configuration-versions", "ingress-attributes"}
    shas = {r["attributes"]["commit-sha"] for r in body["included"] if r["type"] == "ingress-attributes"}
    assert DEMO_COMMIT in shas and body["meta"]["pagination"]["total-count"] == 120
