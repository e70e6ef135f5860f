from __future__ import annotations

import pytest

from tfc.errors import ExitCode, UsageError
from tfc.models import ConfigurationVersion, IngressAttributes, Run, Workspace
from tfc.review.decision import Verdict
from tfc.review.selection import Filters, commit_prefix, partition

SHA = "abcd1234" + "0" * 32
OTHER = "abcd1299" + "f" * 32


def run(run_id: str, ws_name: str, *, sha: str = SHA, status: str = "planned", current: str | None = None,
        tags: tuple[str, ...] = ("type:deploy",)) -> Run:
    workspace = Workspace(id=f"ws-{ws_name}", name=ws_name, tag_names=tags, current_run_id=current or run_id)
    cv = ConfigurationVersion(id=f"cv-{run_id}", source="github", status="uploaded",
                              ingress=IngressAttributes(id=f"ia-{run_id}", commit_sha=sha))
    return Run(id=run_id, status=status, is_confirmable=status == "planned", workspace=workspace,
               configuration_version=cv, plan_id=f"plan-{run_id}")


@pytest.mark.parametrize("text", ["abcd12", "xyz12345", "abcd1234" + "0" * 33, ""])
def test_commit_must_be_7_to_40_hex(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        commit_prefix(text)
    assert caught.value.exit_code is ExitCode.USAGE


def test_commit_prefix_is_lowercased() -> None:
    assert commit_prefix(" ABCD1234 ") == "abcd1234"


def test_candidates_are_current_confirmable_runs_of_the_commit_in_admitted_workspaces() -> None:
    confirmable = [
        run("run-a", "deploy-a"),
        run("run-b", "deploy-b", current="run-newer"),  # superseded
        run("run-c", "region-c", tags=("type:region",)),  # filtered out by tag
        run("run-d", "deploy-d", sha="1234567" + "0" * 33),  # another commit
    ]
    others = [run("run-a", "deploy-a"), run("run-e", "deploy-e", status="errored"),
              run("run-f", "deploy-f", status="applied"), run("run-g", "deploy-g", status="policy_override")]
    selection = partition(confirmable, others, "abcd1234", Filters(include_tags=("type:deploy",)))
    assert selection.commit == SHA
    assert [c.run.id for c in selection.candidates] == ["run-a"]
    verdicts = {r.run.id: (r.decision.verdict, r.decision.reason) for r in selection.reported}
    assert verdicts["run-b"] == (Verdict.SKIP, "superseded: run run-newer is the workspace's current run")
    assert verdicts["run-e"][0] is Verdict.FAILED
    assert verdicts["run-f"][0] is Verdict.SKIP
    assert verdicts["run-g"][0] is Verdict.REVIEW
    assert "run-c" not in verdicts and "run-d" not in verdicts


def test_exclude_tags_and_globs() -> None:
    confirmable = [run("run-1", "deploy-prod-1", tags=("type:deploy", "tier:prod")),
                   run("run-2", "deploy-dev-1", tags=("type:deploy", "tier:dev")),
                   run("run-3", "other-dev-1", tags=("type:deploy", "tier:dev"))]
    chosen = partition(confirmable, [], "abcd1234", Filters(exclude_tags=("tier:prod",), workspace_globs=("deploy-*",)))
    assert [c.run.id for c in chosen.candidates] == ["run-2"]


def test_an_ambiguous_prefix_is_a_usage_error_naming_both_commits() -> None:
    with pytest.raises(UsageError, match="ambiguous") as caught:
        partition([run("run-1", "a"), run("run-2", "b", sha=OTHER)], [], "abcd12", Filters())
    assert SHA in str(caught.value) and OTHER in str(caught.value)


def test_nothing_waiting_still_reports_the_commits_other_runs() -> None:
    selection = partition([], [run("run-1", "a", status="applied")], "abcd1234", Filters())
    assert selection.candidates == ()
    assert selection.commit == SHA
    assert [r.run.id for r in selection.reported] == ["run-1"]
