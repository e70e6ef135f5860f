"""Sensitive values never reach a person or a file: masked when either side, or any ancestor, marks them."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from tfc.cli.review_render import group_record, render_group
from tfc.models import Run, Workspace
from tfc.review.assess import Assessed, Group
from tfc.review.audit import AuditLog
from tfc.review.changes import plan_changes
from tfc.review.decision import decide_plan
from tfc.review.diff import SENSITIVE, UNKNOWN, attribute_diff, union_marker
from tfc.review.grouping import plan_signature
from tfc.review.wildcard import parse_wildcard

from .plans import plan_document, resource_change

ADDRESS = "aws_ecs_task_definition.app"


def diff_of(**change: Any) -> list[tuple[str, str, str]]:
    document = plan_document(resource_change(ADDRESS, ["update"], **change))
    return [(d.path, d.before, d.after) for d in attribute_diff(plan_changes(document, plan_id="p").resources[0])]


def test_one_side_marking_the_whole_object_masks_the_other_side_too() -> None:
    """Issue 21 item 2, as reported: before marks one key, after marks the whole object."""
    diff = diff_of(
        before={"environment": [{"variables": {"DB_PASSWORD": "hunter2", "MODE": "a"}}]},
        after={"environment": [{"variables": {"DB_PASSWORD": "hunter3", "MODE": "b"}}]},
        before_sensitive={"environment": [{"variables": {"DB_PASSWORD": True}}]},
        after_sensitive={"environment": [{"variables": True}]},
    )
    assert diff == [("environment[0].variables", SENSITIVE, SENSITIVE)]


@pytest.mark.parametrize(
    ("before_sensitive", "after_sensitive"),
    [({"k": True}, {}), ({}, {"k": True}), (True, {}), ({}, True), ({"k": {"deep": True}}, {"k": True})],
)
def test_either_side_or_an_ancestor_masks(before_sensitive: Any, after_sensitive: Any) -> None:
    diff = diff_of(before={"k": {"deep": "old-secret"}, "n": 1}, after={"k": {"deep": "new-secret"}, "n": 1},
                   before_sensitive=before_sensitive, after_sensitive=after_sensitive)
    assert "secret" not in json.dumps(diff)
    assert diff and all(before == SENSITIVE and after == SENSITIVE for _, before, after in diff)


def test_a_block_becoming_unknown_masks_its_sensitive_parts() -> None:
    diff = diff_of(before={"block": {"password": "hunter2", "user": "app"}}, after={},
                   after_unknown={"block": True}, before_sensitive={"block": {"password": True}})
    assert diff == [("block", json.dumps({"password": SENSITIVE, "user": "app"}, sort_keys=True), UNKNOWN)]


def test_sensitive_and_unknown_is_shown_as_unknown() -> None:
    assert diff_of(before={"token": "t0"}, after={}, after_unknown={"token": True},
                   after_sensitive={"token": True}) == [("token", SENSITIVE, UNKNOWN)]


def test_a_sensitive_value_that_appears_or_disappears_shows_none_on_the_absent_side() -> None:
    assert diff_of(before={}, after={"token": "t1"}, after_sensitive={"token": True}) == [
        ("token", "(none)", SENSITIVE)]
    assert diff_of(before={"token": "t1"}, after={}, before_sensitive={"token": True}) == [
        ("token", SENSITIVE, "(none)")]


def test_an_unchanged_sensitive_value_is_not_listed() -> None:
    assert diff_of(before={"token": "same"}, after={"token": "same"}, before_sensitive={"token": True},
                   after_sensitive={"token": True}) == []


def test_a_removed_list_item_is_listed() -> None:
    assert diff_of(before={"l": ["a", "b"]}, after={"l": ["a"]}) == [("l[1]", '"b"', "(none)")]


def test_keys_known_only_from_after_unknown_are_listed() -> None:
    assert diff_of(before={}, after={}, after_unknown={"id": True, "n": False}) == [("id", "(none)", UNKNOWN)]


def test_a_json_string_holding_a_sensitive_part_is_not_expanded() -> None:
    old, new = json.dumps({"a": "x1"}), json.dumps({"a": "x2"})
    assert diff_of(before={"p": old}, after={"p": new}, before_sensitive={"p": True}) == [("p", SENSITIVE, SENSITIVE)]


@pytest.mark.parametrize(
    ("first", "second", "union"),
    [(True, None, True), (None, True, True), ({"a": True}, {"b": True}, {"a": True, "b": True}),
     ([True], [None, True], [True, True]), ({"a": True}, None, {"a": True}), (None, [True], [True]),
     ({"a": True}, [True], True), ({"a": False}, [None], None), (None, False, False), (False, None, None)],
)
def test_union_marker(first: Any, second: Any, union: Any) -> None:
    assert union_marker(first, second) == union


# -- property: over random values and random markers, no sensitive leaf is ever shown or written -------------

KEYS = st.sampled_from(["a", "b", "c", "env", "vars"])
SHAPES = st.recursive(st.just("leaf"), lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                  st.dictionaries(KEYS, inner, max_size=3)),
                      max_leaves=10)


def fill(shape: Any, counter: itertools.count[int]) -> Any:
    """A value of the shape whose every leaf is a distinct, recognisable string."""
    if shape == "leaf":
        return f"LEAF{next(counter):04d}Z"
    if isinstance(shape, list):
        return [fill(s, counter) for s in shape]
    return {k: fill(v, counter) for k, v in shape.items()}


def markers(value: Any, data: st.DataObject) -> Any:
    """A random sensitivity marker over (part of) the value's shape."""
    if data.draw(st.integers(0, 5)) == 0:
        return True
    if isinstance(value, dict):
        return {k: markers(v, data) for k, v in value.items() if data.draw(st.booleans())}
    if isinstance(value, list):
        return [markers(v, data) for v in value]
    return data.draw(st.sampled_from([False, None, True]))


def sensitive_leaves(value: Any, marker: Any) -> set[str]:
    if marker is True:
        return set(_leaves(value))
    if isinstance(value, dict):
        sub = marker if isinstance(marker, dict) else {}
        return set().union(*(sensitive_leaves(v, sub.get(k)) for k, v in value.items()))
    if isinstance(value, list):
        sub_list = marker if isinstance(marker, list) else []
        return set().union(*(sensitive_leaves(v, sub_list[i] if i < len(sub_list) else None)
                             for i, v in enumerate(value)))
    return set()


def _leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(before_shape=st.dictionaries(KEYS, SHAPES, max_size=4), after_shape=st.dictionaries(KEYS, SHAPES, max_size=4),
       data=st.data())
def test_no_sensitive_leaf_reaches_the_diff_the_json_or_the_audit_log(
    before_shape: dict[str, Any], after_shape: dict[str, Any], data: st.DataObject, tmp_path: Path
) -> None:
    counter = itertools.count()
    before, after = fill(before_shape, counter), fill(after_shape, counter)
    b_sens, a_sens = markers(before, data), markers(after, data)
    unknown = data.draw(st.sampled_from([{}, {"a": True}, {"env": True}]))
    # Sensitive when either side marks it: each marker applies to both values.
    secret = (sensitive_leaves(before, b_sens) | sensitive_leaves(after, b_sens)
              | sensitive_leaves(before, a_sens) | sensitive_leaves(after, a_sens))
    document = plan_document(resource_change(ADDRESS, ["update"], before=before, after=after, after_unknown=unknown,
                                             before_sensitive=b_sens, after_sensitive=a_sens))
    changes = plan_changes(document, plan_id="plan-1")
    workspace = Workspace(id="ws-1", name="app-1", tag_names=("account:123456789012",))
    decision = decide_plan(changes, [parse_wildcard("update:**")])
    item = Assessed(Run(id="run-1", status="planned"), workspace, decision, changes, "hash",
                    plan_signature(changes, workspace).digest)
    grp = Group(item.signature, (item, item))
    stream = io.StringIO()
    render_group(Console(file=stream, width=10_000), 1, grp, details=True, max_workspaces=8)
    json_text = json.dumps(group_record(grp, 1))
    audit_path = tmp_path / f"audit-{next(counter)}.jsonl"
    AuditLog(audit_path, user="u", tfc_user="t").record(run_id="run-1", decision=str(decision.verdict),
                                                        reason=decision.reason, rule=decision.rule)
    shown = stream.getvalue() + json_text + audit_path.read_text()
    assert not {leaf for leaf in secret if leaf in shown}
    non_secret_changed = [leaf for leaf in _leaves(after) if leaf not in secret and leaf not in _leaves(before)]
    if not secret and non_secret_changed and not unknown:
        assert any(leaf in shown for leaf in non_secret_changed)  # masking did not simply hide everything


def test_an_object_that_becomes_a_string_is_shown() -> None:
    """Found by the property above: a dict → string change was silently dropped from the diff."""
    assert diff_of(before={"a": {}}, after={"a": "text"}) == [("a", "{}", '"text"')]
