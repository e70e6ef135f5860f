"""The demo scenario's facts the review depends on: the commit's plans and how they differ."""

from __future__ import annotations

import json
from collections import Counter

from tfc.client import TfcClient
from tfc.sandbox.demo import DEMO_COMMIT

POLICY = "aws_iam_policy.access_controls"


def test_demo_commit_is_a_full_sha() -> None:
    assert len(DEMO_COMMIT) == 40 and DEMO_COMMIT.startswith("abcd1234")
    int(DEMO_COMMIT, 16)


def test_deploy_plans_differ_only_where_the_scenario_says(sandbox_client: TfcClient) -> None:
    workspaces = {w.id: w for w in sandbox_client.list_workspaces(tags=["type:deploy"])}
    runs = [r for r in sandbox_client.list_org_runs(statuses=["planned"], commit=DEMO_COMMIT)
            if r.workspace_id in workspaces and workspaces[r.workspace_id].current_run_id == r.id]
    kinds: Counter[str] = Counter()
    for run in runs:
        document = sandbox_client.get_plan_json(run.plan_id or "")
        assert document is not None
        changes = [c for c in document["resource_changes"] if c["change"]["actions"] != ["no-op"]]
        policies = [c for c in changes if c["address"].endswith(POLICY)]
        assert policies
        account = workspaces[run.workspace_id].tag_value("account")
        for change in policies:
            assert change["address"].startswith('module.stack["') and change["module_address"] == (
                change["address"].removesuffix(f".{POLICY}"))
            assert change["change"]["actions"] == ["update"]
            before, after = change["change"]["before"], change["change"]["after"]
            assert before["policy"] != after["policy"] and f":{account}:" in after["policy"]
            assert json.loads(after["policy"])["Statement"]
            assert change["change"]["before_sensitive"] == change["change"]["after_sensitive"] == {
                "tags": {"deploy-key": True}}
        others = [c["address"] for c in changes if c not in policies]
        if others:
            assert len(others) == 1 and others[0].endswith(".aws_cloudwatch_log_group.legacy")
            kinds["delete"] += 1
        elif document["resource_drift"]:
            kinds["drift"] += 1
        else:
            kinds["update only"] += 1
        assert document["output_changes"] == {}
    assert kinds == {"update only": 257, "drift": 1, "delete": 1}  # the queued one has no plan yet
