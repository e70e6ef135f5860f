from __future__ import annotations

import json

from tfc.models import Workspace
from tfc.review.changes import plan_changes
from tfc.review.diff import SENSITIVE, UNKNOWN, attribute_diff
from tfc.review.grouping import plan_signature

from .plans import plan_document, resource_change


def one_change(**kwargs):  # type: ignore[no-untyped-def]
    document = plan_document(resource_change("aws_db_instance.main", ["update"], **kwargs))
    return plan_changes(document, plan_id="plan-1").resources[0]


def test_diff_shows_changed_leaves_only() -> None:
    change = one_change(before={"a": 1, "tags": {"x": "1", "y": "2"}}, after={"a": 1, "tags": {"x": "1", "y": "3"}})
    assert [(d.path, d.before, d.after) for d in attribute_diff(change)] == [("tags.y", '"2"', '"3"')]


def test_sensitive_values_are_masked_on_both_sides() -> None:
    change = one_change(
        before={"password": "hunter2", "nested": {"key": "old-secret"}},
        after={"password": "correct-horse", "nested": {"key": "new-secret"}},
        before_sensitive={"password": True, "nested": {"key": True}},
        after_sensitive={"password": True, "nested": {"key": True}},
    )
    shown = json.dumps([(d.path, d.before, d.after) for d in attribute_diff(change)])
    assert "hunter2" not in shown and "correct-horse" not in shown and "secret" not in shown
    assert [d.path for d in attribute_diff(change)] == ["nested.key", "password"]
    assert all(d.before == SENSITIVE and d.after == SENSITIVE for d in attribute_diff(change))


def test_sensitive_inside_a_grown_list_is_masked() -> None:
    change = one_change(before={"rules": [{"token": "aaa"}]}, after={"rules": [{"token": "bbb"}, {"token": "ccc"}]},
                        before_sensitive={"rules": [{"token": True}]},
                        after_sensitive={"rules": [{"token": True}, {"token": True}]})
    diff = attribute_diff(change)
    assert [(d.path, d.before, d.after) for d in diff] == [
        ("rules[0].token", SENSITIVE, SENSITIVE),
        ("rules[1].token", "(none)", SENSITIVE),
    ]
    assert not any(secret in repr(diff) for secret in ("aaa", "bbb", "ccc"))


def test_unknown_after_apply_is_named() -> None:
    change = one_change(before={"arn": "arn:1"}, after={}, after_unknown={"arn": True})
    assert [(d.path, d.before, d.after) for d in attribute_diff(change)] == [("arn", '"arn:1"', UNKNOWN)]


def test_json_documents_in_strings_are_diffed_inside() -> None:
    old = json.dumps({"Statement": [{"Action": "s3:Get*", "Resource": "arn:aws:s3:::a"}]})
    new = json.dumps({"Statement": [{"Action": "s3:*", "Resource": "arn:aws:s3:::a"}]})
    (entry,) = attribute_diff(one_change(before={"policy": old}, after={"policy": new}))
    assert entry.path == "policy (json) Statement[0].Action"
    assert (entry.before, entry.after) == ('"s3:Get*"', '"s3:*"')


def test_create_lists_each_attribute() -> None:
    document = plan_document(resource_change("aws_s3_bucket.b", ["create"], after={"bucket": "b", "acl": "private"}))
    diff = attribute_diff(plan_changes(document, plan_id="p").resources[0])
    assert [(d.path, d.before) for d in diff] == [("acl", "(none)"), ("bucket", "(none)")]


def ws(name: str, account: str) -> Workspace:
    return Workspace(id=f"ws-{name}", name=name, tag_names=("type:deploy", f"account:{account}", "tier:prod"))


def policy_plan(account: str, action: str = "s3:*") -> dict:  # type: ignore[type-arg]
    def doc(act: str) -> str:
        return json.dumps({"Statement": [{"Action": act, "Resource": f"arn:aws:iam::{account}:role/deploy"}]})

    return plan_document(resource_change('module.stack["us-east-1"].aws_iam_policy.access_controls', ["update"],
                                         before={"policy": doc("s3:Get*")}, after={"policy": doc(action)}))


def test_plans_equal_up_to_workspace_specific_values_share_a_signature() -> None:
    a = plan_signature(plan_changes(policy_plan("111111111111"), plan_id="a"), ws("deploy-a", "111111111111"))
    b = plan_signature(plan_changes(policy_plan("222222222222"), plan_id="b"), ws("deploy-b", "222222222222"))
    c = plan_signature(plan_changes(policy_plan("222222222222", "iam:*"), plan_id="c"), ws("deploy-b", "222222222222"))
    assert a == b
    assert a != c


def test_different_addresses_or_actions_are_different_groups() -> None:
    base = plan_changes(plan_document(resource_change("aws_s3_bucket.a", ["update"], before={}, after={})), plan_id="a")
    other = plan_changes(plan_document(resource_change("aws_s3_bucket.a", ["delete"], before={}, after=None)), plan_id="b")
    assert plan_signature(base, ws("x", "1")) != plan_signature(other, ws("x", "1"))
