from __future__ import annotations

import pytest

from tfc.review.changes import action_name, plan_changes
from tfc.review.decision import Decision, Verdict, decide_plan, decide_unconfirmable, superseded
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
         "outputs only: 1 output change(s), never approved by a rule"),
        (plan_document(resource_change(STACK, ["update"]),
                       outputs={"endpoint": {"actions": ["update"], "before": "a", "after": "b"}}),
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
    assert decide(plan_document(resource_change(STACK, ["update"])), rules=[]) == Decision(
        Verdict.REVIEW, "no --wildcard rule given")


def test_drift_alongside_matching_changes_is_shown_not_blocking() -> None:
    document = plan_document(resource_change(STACK, ["update"]), drift=[resource_change("aws_sg.web", ["update"])])
    assert decide(document).verdict is Verdict.APPROVE


def test_many_unmatched_changes_are_summarised() -> None:
    document = plan_document(*(resource_change(f"aws_s3_bucket.b{i}", ["create"]) for i in range(5)))
    assert decide(document).reason.endswith("and 2 more")


OUTPUT = {"endpoint": {"actions": ["update"], "before": "a", "after": "b"}}


@pytest.mark.parametrize("rule", ["*:**", "update:**", "update:output.endpoint", "*:output.*"])
def test_outputs_only_plans_are_never_approved_by_any_rule(rule: str) -> None:
    decision = decide(plan_document(outputs=OUTPUT), rules=[parse_wildcard(rule)])
    assert (decision.verdict, decision.rule) == (Verdict.REVIEW, None)
    assert decision.reason == "outputs only: 1 output change(s), never approved by a rule"


def test_outputs_beside_resources_are_approved_only_when_covered() -> None:
    document = plan_document(resource_change(STACK, ["update"]), outputs=OUTPUT)
    assert decide(document).verdict is Verdict.REVIEW
    both = [*RULES, parse_wildcard("update:output.endpoint")]
    decision = decide(document, rules=both)
    assert (decision.verdict, decision.rule) == (Verdict.APPROVE, "update:module.stack.*.access_controls, "
                                                 "update:output.endpoint")
    assert decision.reason == "all 2 change(s) match"


def with_keys(**extra: object) -> dict:  # type: ignore[type-arg]
    return plan_document(resource_change(STACK, ["update"])) | extra


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (with_keys(action_invocations=[{"address": "action.aws_lambda_invoke.x"}]), "1 Terraform action invocation(s)"),
        (with_keys(deferred_changes=[{}, {}]), "2 deferred change(s)"),
        (with_keys(deferred_action_invocations=[{}]), "1 deferred Terraform action invocation(s)"),
        (with_keys(format_version="2.0"), "plan format_version 2.0 (this tool reads 1.x)"),
        (with_keys(format_version=None), "plan format_version (missing) (this tool reads 1.x)"),
        (plan_document(resource_change(STACK, ["update"]), resource_change(STACK, ["delete"]) | {"deposed": "0a1b2c3d"}),
         f"delete of deposed object 0a1b2c3d of {STACK}"),
    ],
)
def test_content_the_rules_do_not_model_is_left_for_a_person(document: dict, reason: str) -> None:  # type: ignore[type-arg]
    decision = decide(document, rules=[parse_wildcard("*:**")])
    assert (decision.verdict, decision.rule) == (Verdict.REVIEW, None)
    assert decision.reason == f"the plan holds what no rule can judge: {reason}"


@pytest.mark.parametrize("document", [with_keys(action_invocations=[]), with_keys(deferred_changes=None),
                                      with_keys(format_version="1.0"), with_keys(format_version="1.99")])
def test_empty_extras_and_format_1_are_modelled(document: dict) -> None:  # type: ignore[type-arg]
    assert decide(document).verdict is Verdict.APPROVE


@pytest.mark.parametrize(
    ("status", "verdict", "reason"),
    [
        ("errored", Verdict.FAILED, "the run errored"),
        ("policy_override", Verdict.REVIEW, "policy check needs a person (policy_override)"),
        ("policy_soft_failed", Verdict.REVIEW, "policy check needs a person (policy_soft_failed)"),
        ("post_plan_awaiting_decision", Verdict.REVIEW, "policy check needs a person (post_plan_awaiting_decision)"),
        ("planned", Verdict.REVIEW, "TFC does not let this token confirm it (status planned, "
                                    "actions.is-confirmable false)"),
        ("cost_estimated", Verdict.REVIEW, "TFC does not let this token confirm it (status cost_estimated, "
                                           "actions.is-confirmable false)"),
        ("planned_and_finished", Verdict.REVIEW, "planned and finished: nothing TFC would apply (no changes, "
                                                 "drift only or outputs only); look at the plan"),
        ("applied", Verdict.SKIP, "already applied"),
        ("applying", Verdict.SKIP, "already confirmed (status applying)"),
        ("confirmed", Verdict.SKIP, "already confirmed (status confirmed)"),
        ("discarded", Verdict.SKIP, "ended without an apply (status discarded)"),
        ("force_canceled", Verdict.SKIP, "ended without an apply (status force_canceled)"),
        ("planning", Verdict.REVIEW, "not planned yet (status planning): review it once it has planned"),
        ("pending", Verdict.REVIEW, "not planned yet (status pending): review it once it has planned"),
    ],
)
def test_unconfirmable_runs(status: str, verdict: Verdict, reason: str) -> None:
    assert decide_unconfirmable(status) == Decision(verdict, reason)
    assert decide_unconfirmable(status, has_changes=True) == Decision(verdict, reason)


def test_a_confirmable_status_without_changes_says_there_is_nothing_to_apply() -> None:
    assert decide_unconfirmable("planned", has_changes=False) == Decision(
        Verdict.REVIEW, "planned with nothing TFC would apply (no changes, drift only or outputs only); look at the plan")


def test_superseded_names_the_current_run() -> None:
    assert superseded("run-new") == Decision(Verdict.SKIP, "superseded: run run-new is the workspace's current run")
    assert superseded(None) == Decision(Verdict.SKIP, "superseded: another run is the workspace's current run")


@pytest.mark.parametrize(
    ("unmatched", "reason"),
    [
        (1, "not covered by any --wildcard: create aws_s3_bucket.b0"),
        (3, "not covered by any --wildcard: create aws_s3_bucket.b0, create aws_s3_bucket.b1, "
            "create aws_s3_bucket.b2"),
        (4, "not covered by any --wildcard: create aws_s3_bucket.b0, create aws_s3_bucket.b1, "
            "create aws_s3_bucket.b2 and 1 more"),
        (6, "not covered by any --wildcard: create aws_s3_bucket.b0, create aws_s3_bucket.b1, "
            "create aws_s3_bucket.b2 and 3 more"),
    ],
)
def test_the_reason_names_the_first_three_unmatched_changes_and_counts_the_rest(unmatched: int, reason: str) -> None:
    document = plan_document(resource_change(STACK, ["update"]),
                             *(resource_change(f"aws_s3_bucket.b{i}", ["create"]) for i in range(unmatched)))
    assert decide(document) == Decision(Verdict.REVIEW, reason)


def test_each_rule_that_approved_is_named_once_in_the_order_first_used() -> None:
    rules = [parse_wildcard("create:aws_s3_bucket.*"), parse_wildcard("update:**"), parse_wildcard("delete:**")]
    document = plan_document(resource_change("aws_s3_bucket.a", ["create"]), resource_change(STACK, ["update"]),
                             resource_change("aws_s3_bucket.b", ["create"]), resource_change("aws_sqs_queue.q", ["update"]))
    assert decide(document, rules=rules) == Decision(Verdict.APPROVE, "all 4 change(s) match",
                                                     rule="create:aws_s3_bucket.*, update:**")


def test_the_first_matching_rule_is_the_one_named() -> None:
    rules = [parse_wildcard("update:module.stack.**"), parse_wildcard("update:**")]
    assert decide(plan_document(resource_change(STACK, ["update"])), rules=rules).rule == "update:module.stack.**"
