from __future__ import annotations

import pytest

from tfc.review.changes import action_name, plan_changes
from tfc.review.decision import Verdict, decide_plan, decide_unconfirmable
from tfc.review.wildcard import parse_wildcard

from .plans import plan_document, resource_change

STACK = 'module.stack["us-east-1"].aws_iam_policy.access_controls'
RULES = [parse_wildcard("update:module.stack.*.access_controls")]


@pytest.mark.parametrize(
    ("actions", "name"),
    [(["delete", "create"], "replace"), (["create", "delete"], "replace"), (["update"], "update"),
     (["no-op"], "no-op"), (["create", "forget"], "create+forget")],
)
def test_action_names(actions: list[str], name: str) -> None:
    assert action_name(actions) == name


def decide(document: dict, rules=RULES):  # type: ignore[no-untyped-def]
    return decide_plan(plan_changes(document, plan_id="plan-1"), rules)


def test_every_change_matching_is_approved_with_the_rule() -> None:
    decision = decide(plan_document(resource_change(STACK, ["update"]), resource_change("aws_s3_bucket.x", ["no-op"])))
    assert decision.verdict is Verdict.APPROVE
    assert decision.rule == "update:module.stack.*.access_controls"


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (plan_document(resource_change(STACK, ["update"]), resource_change('module.stack["a"].aws_kms_key.k', ["delete"])),
         "not covered by any --wildcard: delete module.stack"),
        (plan_document(resource_change(STACK, ["delete", "create"])), "not covered by any --wildcard: replace"),
        (plan_document(resource_change("aws_s3_bucket.x", ["no-op"])), "empty plan"),
        (plan_document(), "empty plan"),
        (plan_document(drift=[resource_change("aws_sg.web", ["update"])]), "drift only: 1 resource"),
        (plan_document(outputs={"endpoint": {"actions": ["update"], "before": "a", "after": "b"}}),
         "not covered by any --wildcard: update output.endpoint"),
        (plan_document(resource_change(STACK, ["update"]), errored=True), "the plan reports errors"),
    ],
)
def test_anything_else_is_left_for_a_person_with_the_reason(document: dict, reason: str) -> None:  # type: ignore[type-arg]
    decision = decide(document)
    assert decision.verdict is Verdict.REVIEW
    assert reason in decision.reason


def test_unreadable_plan_and_no_rules() -> None:
    assert decide_plan(None, RULES, unreadable="boom").reason == "plan could not be read: boom"
    assert decide(plan_document(resource_change(STACK, ["update"])), rules=[]).verdict is Verdict.REVIEW


def test_drift_alongside_matching_changes_is_shown_not_blocking() -> None:
    document = plan_document(resource_change(STACK, ["update"]), drift=[resource_change("aws_sg.web", ["update"])])
    assert decide(document).verdict is Verdict.APPROVE


def test_many_unmatched_changes_are_summarised() -> None:
    document = plan_document(*(resource_change(f"aws_s3_bucket.b{i}", ["create"]) for i in range(5)))
    assert decide(document).reason.endswith("and 2 more")


@pytest.mark.parametrize(
    ("status", "verdict"),
    [("errored", Verdict.FAILED), ("policy_override", Verdict.REVIEW), ("applied", Verdict.SKIP),
     ("planning", Verdict.SKIP)],
)
def test_unconfirmable_runs(status: str, verdict: Verdict) -> None:
    assert decide_unconfirmable(status).verdict is verdict
