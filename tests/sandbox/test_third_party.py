"""A third-party TFC client walks the served sandbox (#20): HashiCorp's Python SDK (pytfe) lists, shows, reads
plan JSON, applies, reads state versions, agent pools, tags and the account without an error."""

from __future__ import annotations

import pytest

from tfc.sandbox import Sandbox
from tfc.sandbox.demo import DEMO_COMMIT, DEMO_ORG, DEMO_USER

pytfe = pytest.importorskip("pytfe")
from pytfe.models.state_version import StateVersionListOptions  # noqa: E402


@pytest.mark.filterwarnings("ignore:`verify=<str>` is deprecated:DeprecationWarning")  # pytfe's httpx call
def test_hashicorps_python_sdk_walks_the_sandbox(sandbox: Sandbox, sandbox_server: str) -> None:
    client = pytfe.TFEClient(pytfe.TFEConfig(address=sandbox_server, token=sandbox.token, http2=False,
                                             max_retries=0))
    workspaces = list(client.workspaces.list(DEMO_ORG))
    assert len(workspaces) == 625
    planned = next(r for _, r in zip(range(300), client.runs.list_for_organization(DEMO_ORG), strict=False)
                   if r.status == "planned" and sandbox.world.is_confirmable(sandbox.world.runs[r.id]))
    run = client.runs.read(planned.id)
    workspace = client.workspaces.read_by_id(sandbox.world.runs[run.id].workspace_id)
    assert client.workspaces.read(workspace.name, organization=DEMO_ORG).id == workspace.id
    assert next(r.id for r in client.runs.list(workspace.id)) == run.id
    assert client.plans.read_for_run(run.id).has_changes is True
    document = client.plans.read_json_output_for_run(run.id)
    assert document is not None and document["resource_changes"]
    before = client.state_versions.read_current(workspace.id).serial
    client.runs.apply(run.id)
    assert client.runs.read(run.id).status == "applied"
    versions = list(client.state_versions.list(StateVersionListOptions(organization=DEMO_ORG,
                                                                       workspace=workspace.name)))
    assert versions[0].serial == before + 1
    assert sandbox.world.state_version(versions[0].id).commit_sha == DEMO_COMMIT  # type: ignore[union-attr]
    assert client.state_versions.download_current(workspace.id).startswith(b"{")
    pools = list(client.agent_pools.list(DEMO_ORG))
    assert sum(len(list(client.agents.list(p.id))) for p in pools) == 120
    assert {t.name for t in client.workspaces.list_tags(workspace.id)} == set(workspace.tag_names)
    assert {b.key for b in client.workspaces.list_tag_bindings(workspace.id)} == {"type", "tier", "owner", "account"}
    assert any(t.name == "type:deploy" for t in client.organization_tags.list(DEMO_ORG))
    assert client.users.read_current().username == DEMO_USER
