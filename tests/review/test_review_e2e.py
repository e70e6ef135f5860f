"""`tfc review` end to end on the sandbox's demo scenario: selection, decisions, groups, safe applies, faults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfc.cli.app import main
from tfc.client import TfcClient
from tfc.review.assess import assess, group
from tfc.review.decision import Verdict
from tfc.review.execute import Outcome, apply_all
from tfc.review.selection import Filters, select_runs
from tfc.review.wildcard import parse_wildcard
from tfc.sandbox import FaultSpec, Sandbox
from tfc.sandbox.demo import DEMO_COMMIT

RULES = [parse_wildcard("update:module.stack.*.access_controls")]
DEPLOY = Filters(include_tags=("type:deploy",))


def review(client: TfcClient):  # type: ignore[no-untyped-def]
    selection = select_runs(client, "abcd1234", DEPLOY)
    return selection, assess(client, selection.candidates, RULES)


def test_the_demo_commit_is_selected_and_decided(sandbox_client: TfcClient) -> None:
    selection, assessed = review(sandbox_client)
    assert selection.commit == DEMO_COMMIT
    assert len(selection.candidates) == 259  # 261 deploy runs minus the errored and the superseded one
    reported = {r.decision.verdict: r for r in selection.reported}
    assert set(reported) == {Verdict.FAILED, Verdict.SKIP}
    assert reported[Verdict.SKIP].decision.reason.startswith("superseded: run run-")
    assert all("type:deploy" in a.workspace.tag_names for a in assessed)  # the 9 region runs are excluded
    verdicts = [a.decision.verdict for a in assessed]
    assert verdicts.count(Verdict.APPROVE) == 258
    (left,) = [a for a in assessed if a.decision.verdict is Verdict.REVIEW]
    assert "delete module.stack[" in left.decision.reason and "aws_cloudwatch_log_group.legacy" in left.decision.reason
    drifted = [a for a in assessed if a.changes and a.changes.drift]
    assert len(drifted) == 1 and drifted[0].decision.verdict is Verdict.APPROVE


def test_equal_plans_form_groups_by_region_set(sandbox_client: TfcClient) -> None:
    _, assessed = review(sandbox_client)
    groups = group(assessed)
    approved = [g for g in groups if g.decision.verdict is Verdict.APPROVE]
    assert sum(len(g.members) for g in approved) == 258
    assert len(approved) <= 7  # five region sets, plus the one with drift: not one group per workspace
    for grp in approved:
        assert len({tuple(c.address for c in m.changes.actionable) for m in grp.members if m.changes}) == 1


def test_approved_runs_are_applied_once_with_a_comment(sandbox_client: TfcClient) -> None:
    _, assessed = review(sandbox_client)
    approved = [a for a in assessed if a.decision.verdict is Verdict.APPROVE]
    before = sandbox_client.stats.requests
    results = apply_all(sandbox_client, approved, lambda a: f"commit {DEMO_COMMIT[:12]} approved by rule")
    assert {r.outcome for r in results} == {Outcome.APPLYING}
    assert sandbox_client.stats.requests - before == 2 * len(approved)  # re-read + apply (comment in the body)
    sample = approved[:5]
    for item in sample:
        assert sandbox_client.get_run(item.run.id).status == "applied"
        assert [c.body for c in sandbox_client.list_comments(item.run.id)] == [
            f"commit {DEMO_COMMIT[:12]} approved by rule"]


def test_a_run_replaced_between_review_and_apply_is_not_applied(sandbox_client: TfcClient) -> None:
    _, assessed = review(sandbox_client)
    target = next(a for a in assessed if a.decision.verdict is Verdict.APPROVE)
    sandbox_client.discard_run(target.run.id)
    newer = sandbox_client.create_run(target.workspace.id, message="a newer change")
    (result,) = apply_all(sandbox_client, [target], lambda _: "c")
    assert result.outcome is Outcome.SKIPPED
    assert "superseded since review" in result.detail
    assert sandbox_client.get_run(newer.id).status != "applied"


def test_faults_change_no_decision_and_cause_no_double_apply(sandbox: Sandbox, sandbox_client: TfcClient) -> None:
    _, clean = review(sandbox_client)
    faulty = Sandbox.from_scenario("demo", rate_limit=None,
                                   faults=FaultSpec(server_errors=0.04, rate_limits=0.04, drops=0.04, seed=5))
    from tfc.sandbox import _InProcessTransport

    client = TfcClient(faulty.settings(rate_limit_per_second=10_000), transport=_InProcessTransport(faulty.wsgi_app),
                       sleep=lambda _: None)
    _, noisy = review(client)
    decisions = lambda items: sorted((a.workspace.name, a.decision.verdict, a.decision.reason) for a in items)  # noqa: E731
    assert decisions(noisy) == decisions(clean)
    approved = [a for a in noisy if a.decision.verdict is Verdict.APPROVE]
    results = apply_all(client, approved, lambda _: "approved under faults")
    assert faulty.injector is not None and sum(faulty.injector.injected.values()) > 20
    by_outcome = {o: sum(1 for r in results if r.outcome is o) for o in Outcome}
    assert by_outcome[Outcome.APPLYING] + by_outcome[Outcome.FAILED] == len(approved)
    for item in approved:  # whatever happened on the wire, no run was confirmed twice
        comments = [c.body for c in client.list_comments(item.run.id)]
        assert comments.count("approved under faults") <= 1
    assert by_outcome[Outcome.APPLYING] >= len(approved) - 5


def run_cli(*args: str) -> int:
    return main(["--sandbox", "demo", "--rate-limit", "10000", *args])


def test_cli_review_yes_applies_what_the_rules_allow(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    code = run_cli("review", "--commit", "abcd1234", "--wildcard", "update:module.stack.*.access_controls",
                   "--include-tag", "type:deploy", "--yes", "--output", "json", "--audit-log", str(audit))
    out = json.loads(capsys.readouterr().out)
    assert code == 3  # the deleting run is left for a person and one run errored
    assert (out["schema_version"], out["command"]) == (1, "review")
    assert out["summary"] == {"applied": 258, "would_apply": 0, "failed": 1, "left_for_a_person": 1,
                              "changed_since_review": 0, "still_running": 0, "nothing_to_do": 1}
    assert sum(1 for d in out["decisions"] if d["verdict"] == "approve") == 258
    assert {r["outcome"] for r in out["results"]} == {"applying"} and len(out["results"]) == 258
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    applied = [entry for entry in lines if entry.get("event") == "apply"]
    assert len(applied) == 258
    assert {"time", "user", "tfc_user", "commit", "workspace", "run_id", "plan_hash", "decision", "rule",
            "outcome"} <= set(applied[0])
    assert {entry["tfc_user"] for entry in lines} == {"platform-bot"}  # GET /account/details, beside the OS user
    assert {entry["outcome"] for entry in lines if "event" not in entry} == {"not-applied"}


def test_cli_dry_run_applies_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli("review", "--commit", "abcd1234", "--wildcard", "update:module.stack.*.access_controls",
                   "--include-tag", "type:deploy", "--dry-run", "--output", "json")
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert code == 3 and out["dry_run"] is True and "results" not in out
    assert len(out["decisions"]) == 259 and len(out["reported"]) == 2
    assert out["summary"]["would_apply"] == 258 and out["summary"]["applied"] == 0
    assert "dry run: 0 applied, 258 would be applied, 1 failed, 1 left for a person, 1 nothing to do" in captured.err
    multi = [g for g in out["groups"] if g["runs"] > 1]
    assert multi and all(g["substitutions"] and g["runs"] == len(g["workspaces"]) for g in multi)
    labels = {s["identifier"] for g in multi for s in g["substitutions"]}
    assert "account id from `account:` tag" in labels
    assert all(label == "workspace name" or label.endswith(":` tag") for label in labels)


def test_cli_without_a_terminal_or_yes_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli("review", "--commit", "abcd1234", "--wildcard", "update:module.stack.*.access_controls")
    assert code == 2 and "pass --yes" in capsys.readouterr().err


def test_cli_interactive_review_approves_a_group(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["approve"])
    monkeypatch.setattr("rich.prompt.Prompt.ask", lambda *a, **k: next(answers))
    monkeypatch.setattr("typer.confirm", lambda *a, **k: True)
    code = run_cli("review", "--commit", "abcd1234", "--wildcard", "update:module.stack.*.access_controls",
                   "--include-tag", "type:deploy", "--output", "json", "--audit-log", str(tmp_path / "a.jsonl"))
    out = json.loads(capsys.readouterr().out)
    assert len(out["results"]) == 259  # the group that also deletes was approved by the person
    assert code == 3  # the errored run still needs attention
    audit = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert sum(1 for entry in audit if entry.get("rule") == "review by a person") == 1


@pytest.mark.parametrize(("rule", "position"), [("update:module..x", 14), ("upsert:x", 0)])
def test_cli_malformed_wildcard_is_exit_2_with_a_caret(capsys: pytest.CaptureFixture[str], rule: str,
                                                        position: int) -> None:
    assert run_cli("review", "--commit", "abcd1234", "--wildcard", rule, "--dry-run") == 2
    err = capsys.readouterr().err
    assert rule in err and err.rstrip().splitlines()[-1].index("^") == position + 2


def test_cli_status_counts_every_workspace_of_the_commit(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli("status", "--commit", "abcd1234", "--output", "json")
    out = json.loads(capsys.readouterr().out)
    assert out["counts"] == {"needs confirmation": 259 + 9, "errored": 1, "superseded": 1}
    assert code == 3  # an errored run


def test_cli_run_dry_run_and_queue(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("run", "--workspace", "network-prod-00*", "--dry-run", "--output", "json") == 0
    planned = json.loads(capsys.readouterr().out)["workspaces"]
    assert planned and all(name.startswith("network-prod-00") for name in planned)
    assert run_cli("run", "--workspace", "network-prod-00*", "--yes", "--output", "json") == 0
    queued = json.loads(capsys.readouterr().out)
    assert (queued["schema_version"], queued["command"]) == (1, "run")
    assert [q["workspace"] for q in queued["runs"]] == planned and all(q["run_id"] for q in queued["runs"])


def test_cli_run_affected_by_uses_the_dependency_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    triggers = tmp_path / "triggers.yaml"
    triggers.write_text('version: 1\nworkspaces:\n  "network-prod-001":\n    working_directory: "w/n1"\n'
                        '    trigger_patterns:\n      - "/modules/vpc/*.tf"\n  "network-dev-002":\n'
                        '    working_directory: "w/n2"\n    trigger_patterns:\n      - "/w/n2/*.tf"\n')
    code = run_cli("run", "--affected-by", "modules/vpc/main.tf", "--triggers", str(triggers), "--dry-run",
                   "--output", "json")
    assert code == 0
    assert json.loads(capsys.readouterr().out)["workspaces"] == ["network-prod-001"]


def test_cli_apply_wait_follows_to_the_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli("apply", "--commit", "abcd1234", "--wildcard", "update:module.stack.*.access_controls",
                   "--include-tag", "type:deploy", "--wait", "--poll-interval", "0", "--output", "json",
                   "--audit-log", str(tmp_path / "audit.jsonl"))
    out = json.loads(capsys.readouterr().out)
    assert code == 3 and {r["outcome"] for r in out["results"]} == {"applied"} and len(out["results"]) == 258
    completed = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()
                 if json.loads(line).get("event") == "completed"]
    assert len(completed) == 258


def test_cli_apply_needs_a_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("apply", "--commit", "abcd1234") == 2
    assert "needs at least one --wildcard" in capsys.readouterr().err


def test_cli_status_watch_stops_when_nothing_is_in_progress(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("status", "--commit", "abcd1234", "--watch", "--interval", "0") == 3
    assert "268 needs confirmation" in capsys.readouterr().out


def test_cli_a_commit_without_runs_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 18 §2: a mistyped SHA never looks like success."""
    assert run_cli("review", "--commit", "0badc0de", "--wildcard", "update:**", "--yes") == 1
    assert "no runs of commit 0badc0de in organization demo-org" in capsys.readouterr().err
    assert run_cli("status", "--commit", "0badc0de") == 1
    assert run_cli("run", "--workspace", "no-such-*", "--dry-run") == 1


def test_paged_revalidation_applies_with_about_one_request_per_run(sandbox_client: TfcClient) -> None:
    """Issue 18 §4: ≤ 1.1 API requests per applied run, every run validated within the window before its apply."""
    from tfc.review.execute import REVALIDATION_WINDOW, apply_paged

    _, assessed = review(sandbox_client)
    approved = [a for a in assessed if a.decision.verdict is Verdict.APPROVE]
    stale = approved[0]
    sandbox_client.discard_run(stale.run.id)  # changed since review: no page shows it, its re-read says why
    before = sandbox_client.stats.requests
    results, report = apply_paged(sandbox_client, approved, lambda _: "paged", commit=DEMO_COMMIT)
    requests = sandbox_client.stats.requests - before
    by_run = {r.item.run.id: r for r in results}
    assert by_run[stale.run.id].outcome is Outcome.SKIPPED
    assert "no longer waiting for confirmation" in by_run[stale.run.id].detail
    assert sum(1 for r in results if r.outcome is Outcome.APPLYING) == len(approved) - 1
    assert requests <= 1.1 * (len(approved) - 1)
    assert report.windows == len(approved) - 1 and report.reread == 1
    assert 0 <= report.max_window <= REVALIDATION_WINDOW
    assert [r.item.run.id for r in results] == [a.run.id for a in approved]


def test_paged_revalidation_rereads_a_run_whose_window_passed(sandbox_client: TfcClient) -> None:
    from tfc.review.execute import apply_paged

    _, assessed = review(sandbox_client)
    approved = [a for a in assessed if a.decision.verdict is Verdict.APPROVE][:3]
    ticks = iter(range(0, 1000, 5))  # every reading of the clock is 5 s later: every window has passed
    results, report = apply_paged(sandbox_client, approved, lambda _: "late", commit=DEMO_COMMIT,
                                  clock=lambda: float(next(ticks)))
    assert {r.outcome for r in results} == {Outcome.APPLYING}
    assert (report.windows, report.reread) == (0, 3)


def test_paged_revalidation_under_lost_responses_never_double_applies(sandbox: Sandbox) -> None:
    from tfc.review.execute import apply_paged
    from tfc.sandbox import _InProcessTransport

    faulty = Sandbox.from_scenario("demo", rate_limit=None,
                                   faults=FaultSpec(lost_responses=0.3, lost_5xx=0.3, only="/actions/apply", seed=3))
    client = TfcClient(faulty.settings(rate_limit_per_second=10_000), transport=_InProcessTransport(faulty.wsgi_app),
                       sleep=lambda _: None)
    _, assessed = review(client)
    approved = [a for a in assessed if a.decision.verdict is Verdict.APPROVE][:40]
    results, _ = apply_paged(client, approved, lambda _: "lossy", commit=DEMO_COMMIT)
    assert {r.outcome for r in results} == {Outcome.APPLYING}  # every lost response resolved by reading
    for item in approved:
        assert [c.body for c in client.list_comments(item.run.id)].count("lossy") == 1


def test_a_full_sha_is_selected_with_one_server_filtered_list(sandbox_client: TfcClient) -> None:
    by_prefix = select_runs(sandbox_client, "abcd1234", DEPLOY)
    before = sandbox_client.stats.requests
    by_sha = select_runs(sandbox_client, DEMO_COMMIT, DEPLOY)
    assert sandbox_client.stats.requests - before == 3  # 270 runs of the commit: three pages of 100
    assert by_sha == by_prefix


def test_streamed_selection_equals_the_two_list_selection(sandbox_client: TfcClient) -> None:
    from tfc.review.assess import select_and_assess

    by_prefix, assessed_prefix = select_and_assess(sandbox_client, "abcd1234", DEPLOY, RULES)
    by_sha, assessed_sha = select_and_assess(sandbox_client, DEMO_COMMIT, DEPLOY, RULES)
    assert by_sha == by_prefix
    assert [(a.run.id, a.decision, a.signature) for a in assessed_sha] == [
        (a.run.id, a.decision, a.signature) for a in assessed_prefix]
