"""Approvals: rules approve without asking; a person answers per reviewable group; quit stops the asking."""

from __future__ import annotations

from tfc.models import Run, Workspace
from tfc.review.assess import Assessed, Group
from tfc.review.changes import plan_changes
from tfc.review.decision import Decision, Verdict
from tfc.review.session import BY_A_PERSON, apply_comment, approve

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
