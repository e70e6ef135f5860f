"""Approvals: rules approve without asking; a person answers per reviewable group; quit stops the asking."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
import respx

from tfc.errors import ExitCode
from tfc.models import Run, Workspace
from tfc.review.assess import Assessed, Group
from tfc.review.audit import AuditLog
from tfc.review.changes import plan_changes
from tfc.review.decision import Decision, Verdict
from tfc.review.execute import Outcome, Result
from tfc.review.selection import Reported, Selection
from tfc.review.session import BY_A_PERSON, Approval, Tally, apply_comment, approve, tally, tfc_identity

from ..tfc.helpers import API, make_client
from .plans import plan_document, resource_change


def group(name: str, verdict: Verdict, *, reviewable: bool = True) -> Group:
    document = plan_document(resource_change("aws_s3_bucket.x", ["update"], before={}, after={"a": 1}))
    changes = plan_changes(document, plan_id=f"plan-{name}") if reviewable else None
    item = Assessed(Run(id=f"run-{name}", status="planned"), Workspace(id=f"ws-{name}", name=name),
                    Decision(verdict, "why", "update:**" if verdict is Verdict.APPROVE else None), changes, None,
                    f"sig-{name}")
    return Group(f"sig-{name}", (item,))


def test_rules_approve_without_asking_and_people_answer_the_rest() -> None:
    groups = [group("a", Verdict.APPROVE), group("b", Verdict.REVIEW), group("c", Verdict.REVIEW),
              group("d", Verdict.REVIEW, reviewable=False)]
    asked: list[int] = []
    answers = {2: "approve", 3: "skip"}

    def ask(number: int, grp: Group) -> str:
        asked.append(number)
        return answers[number]

    approved = approve(groups, ask)
    assert asked == [2, 3]  # group d's plan could not be read: nobody is asked to approve it blind
    assert {k: v.by for k, v in approved.items()} == {"run-a": "rule update:**", "run-b": BY_A_PERSON}


def test_quit_stops_asking_but_keeps_rule_approvals() -> None:
    groups = [group("a", Verdict.REVIEW), group("b", Verdict.REVIEW), group("c", Verdict.APPROVE)]
    approved = approve(groups, lambda number, grp: "quit")
    assert set(approved) == {"run-c"}
    assert set(approve(groups, None)) == {"run-c"}  # --yes: never a group that needs a person


def test_apply_comment_names_commit_approver_and_user() -> None:
    assert apply_comment("abcd1234" * 5, "rule update:**", "jdoe") == (
        "Applied by tfc review for commit abcd1234abcd: approved by rule update:** (run by jdoe).")


# -- outcomes: every run counted once, exit codes that cannot lie ------------------------------------------



def reported(name: str, verdict: Verdict) -> Reported:
    return Reported(Run(id=f"run-{name}", status="x"), Workspace(id=f"ws-{name}", name=name), Decision(verdict, "why"))


def item(name: str) -> Assessed:
    return group(name, Verdict.APPROVE).example


def test_tally_counts_every_run_once() -> None:
    a, b, c, d, e, f, g = (item(n) for n in "abcdefg")
    selection = Selection("sha", (), (reported("x", Verdict.FAILED), reported("y", Verdict.REVIEW),
                                      reported("z", Verdict.SKIP)))
    approved = {i.run.id: Approval(i, "rule") for i in (a, b, c, d, e, f)}
    results = [Result(a, Outcome.APPLYING, ""), Result(b, Outcome.APPLIED, ""), Result(c, Outcome.APPLY_FAILED, ""),
               Result(d, Outcome.SKIPPED, ""), Result(e, Outcome.RUNNING, ""), Result(f, Outcome.ELSEWHERE, "")]
    counted = tally(selection, [a, b, c, d, e, f, g], approved, results, dry_run=False)
    assert counted == Tally(applied=2, failed=2, left_for_a_person=2, changed_since_review=1, still_running=1,
                            nothing_to_do=2)
    assert counted.text() == ("2 applied, 2 failed, 2 left for a person, 1 changed since review, 1 still running, "
                              "2 nothing to do")
    assert tally(selection, [a, g], {a.run.id: approved[a.run.id]}, None, dry_run=True) == Tally(
        would_apply=1, failed=1, left_for_a_person=2, nothing_to_do=1)
    assert tally(selection, [a], {a.run.id: approved[a.run.id]}, None, dry_run=False).left_for_a_person == 2


@pytest.mark.parametrize(
    ("counts", "code"),
    [({}, ExitCode.OK), ({"applied": 5, "nothing_to_do": 3, "would_apply": 2}, ExitCode.OK),
     ({"failed": 1}, ExitCode.ATTENTION), ({"left_for_a_person": 1}, ExitCode.ATTENTION),
     ({"changed_since_review": 1}, ExitCode.ATTENTION), ({"still_running": 1}, ExitCode.ATTENTION)],
)
def test_exit_code_follows_from_the_outcomes(counts: dict[str, int], code: ExitCode) -> None:
    assert Tally(**counts).exit_code is code


def test_audit_records_both_identities_in_a_file_only_its_owner_reads(tmp_path: Path) -> None:
    path = tmp_path / "state" / "tfc" / "audit.jsonl"
    log = AuditLog(path, user="jdoe", tfc_user="api-team_platform")
    log.record(run_id="run-1")
    log.record(run_id="run-2")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and '"tfc_user": "api-team_platform"' in lines[0]
    assert '"user": "jdoe"' in lines[1] and '"run_id": "run-2"' in lines[1]


def test_tfc_identity_is_the_account_details_username_or_says_why_not() -> None:
    with respx.mock(assert_all_mocked=True) as router, make_client() as client:
        route = router.get(f"{API}/account/details").mock(side_effect=[
            httpx.Response(200, json={"data": {"id": "user-1", "type": "users", "attributes": {"username": "jdoe"}}}),
            httpx.Response(200, json={"data": {"id": "user-1", "type": "users", "attributes": {}}}),
            httpx.Response(404, json={"errors": [{"status": "404"}]})])
        assert tfc_identity(client) == "jdoe"
        assert tfc_identity(client) == "unknown (account details: no username in the response)"
        assert tfc_identity(client).startswith("unknown (account details: 404")
        assert route.call_count == 3
