"""What a reviewer is shown for one change: a table of plan fragments and the exact diff lines they give.

Each row pins one behaviour of ``tfc.review.diff`` that a wrong comparison or a dropped branch would change
(issue 23): masking where the two sides' markers have different shapes, list items beyond a short marker,
values of other types than dicts and strings, text that only looks like JSON, sensitive values that are
unknown on a create, and the rendering itself (sorted keys, non-ASCII text as written).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tfc.review.changes import plan_changes
from tfc.review.diff import ABSENT, SENSITIVE, UNKNOWN, attribute_diff, union_marker

from .plans import plan_document, resource_change

ADDRESS = "aws_db_instance.main"


def shown(actions: list[str], **change: Any) -> list[tuple[str, str, str]]:
    document = plan_document(resource_change(ADDRESS, actions, **change))
    return [(d.path, d.before, d.after) for d in attribute_diff(plan_changes(document, plan_id="p").resources[0])]


def masked(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


UPDATE_CASES: list[tuple[str, dict[str, Any], list[tuple[str, str, str]]]] = [
    # -- scalars of other types than strings --------------------------------------------------------------------
    ("a changed number", {"before": {"port": 5432, "n": 1}, "after": {"port": 5433, "n": 1}}, [("port", "5432", "5433")]),
    ("a null becoming a string", {"before": {"az": None}, "after": {"az": "eu-west-1a"}}, [("az", "null", '"eu-west-1a"')]),
    ("a flag turned off", {"before": {"multi_az": True}, "after": {"multi_az": False}}, [("multi_az", "true", "false")]),
    # -- text that only looks like JSON is shown as text ------------------------------------------------------
    ("a brace that is not JSON", {"before": {"note": "{not json"}, "after": {"note": "{still not"}},
     [("note", '"{not json"', '"{still not"')]),
    ("a JSON scalar in a string", {"before": {"v": "[1"}, "after": {"v": "2"}}, [("v", '"[1"', '"2"')]),
    ("plain text becoming a JSON document", {"before": {"p": "none"}, "after": {"p": '{"a": 1}'}},
     [("p", '"none"', '"{\\"a\\": 1}"')]),
    ("a JSON document in leading spaces", {"before": {"p": ' {"a": 1}'}, "after": {"p": ' {"a": 2}'}},
     [("p (json) a", "1", "2")]),
    # -- lists ----------------------------------------------------------------------------------------------
    ("a list attribute removed", {"before": {"l": ["a"], "k": 1}, "after": {"k": 1}}, [("l", '["a"]', ABSENT)]),
    ("a list attribute added", {"before": {}, "after": {"l": ["a"]}}, [("l", ABSENT, '["a"]')]),
    ("a list becoming a string", {"before": {"l": ["a"]}, "after": {"l": "a"}}, [("l", '["a"]', '"a"')]),
    ("an item added to a list", {"before": {"l": ["a"]}, "after": {"l": ["a", "b"]}}, [("l[1]", ABSENT, '"b"')]),
    ("a list marker shorter than the list",
     {"before": {"l": ["a", "b"]}, "after": {"l": ["a", "c"]}, "before_sensitive": {"l": [False]}},
     [("l[1]", '"b"', '"c"')]),
    # -- rendering -------------------------------------------------------------------------------------------
    ("non-ASCII text as written", {"before": {"name": "café"}, "after": {"name": "naïve"}},
     [("name", '"café"', '"naïve"')]),
    ("an object becoming a string, keys sorted",
     {"before": {"o": {"zone": "b", "arn": "x"}}, "after": {"o": "gone"}},
     [("o", '{"arn": "x", "zone": "b"}', '"gone"')]),
    ("a block becoming unknown, keys sorted",
     {"before": {"block": {"user": "app", "password": "hunter2"}}, "after": {}, "after_unknown": {"block": True},
      "before_sensitive": {"block": {"password": True}}},
     [("block", masked({"password": SENSITIVE, "user": "app"}), UNKNOWN)]),
    # -- masking inside a whole value that is shown at once --------------------------------------------------
    ("a list block becoming unknown masks its sensitive item",
     {"before": {"l": ["public", "hunter2"]}, "after": {}, "after_unknown": {"l": True},
      "before_sensitive": {"l": [False, True]}},
     [("l", masked(["public", SENSITIVE]), UNKNOWN)]),
    ("a list of blocks becoming a string masks inside the blocks",
     {"before": {"l": [{"token": "hunter2", "id": 1}]}, "after": {"l": "none"},
      "before_sensitive": {"l": [{"token": True}]}},
     [("l", masked([{"id": 1, "token": SENSITIVE}]), '"none"')]),
    # -- markers of different shapes on the two sides: the whole attribute is masked when either flags any part
    ("an object with a secret becoming a list",
     {"before": {"k": {"p": "hunter2"}}, "after": {"k": ["plain"]},
      "before_sensitive": {"k": {"p": True}}, "after_sensitive": {"k": [False]}},
     [("k", SENSITIVE, SENSITIVE)]),
    ("a list with a secret becoming an object",
     {"before": {"k": ["hunter2"]}, "after": {"k": {"p": "plain"}},
      "before_sensitive": {"k": [True]}, "after_sensitive": {"k": {"p": False}}},
     [("k", SENSITIVE, SENSITIVE)]),
    ("a secret deep in the after side's object",
     {"before": {"k": ["plain"]}, "after": {"k": {"p": {"q": "hunter2"}}},
      "before_sensitive": {"k": [False]}, "after_sensitive": {"k": {"p": {"q": True}}}},
     [("k", SENSITIVE, SENSITIVE)]),
    ("a secret deep in the after side's list",
     {"before": {"k": {"p": "plain"}}, "after": {"k": [["hunter2"]]},
      "before_sensitive": {"k": {"p": False}}, "after_sensitive": {"k": [[True]]}},
     [("k", SENSITIVE, SENSITIVE)]),
    ("markers of different shapes flagging nothing mask nothing",
     {"before": {"k": {"p": "old"}}, "after": {"k": ["new"]},
      "before_sensitive": {"k": {"p": False}}, "after_sensitive": {"k": [False]}},
     [("k", '{"p": "old"}', '["new"]')]),
    # -- unknown values ----------------------------------------------------------------------------------------
    ("a nested key known only from after_unknown",
     {"before": {"b": {}}, "after": {"b": {}}, "after_unknown": {"b": {"id": True, "n": False}}},
     [("b.id", ABSENT, UNKNOWN)]),
    ("an unknown item of a list", {"before": {"l": ["a"]}, "after": {"l": ["a", None]}, "after_unknown": {"l": [False, True]}},
     [("l[1]", ABSENT, UNKNOWN)]),
]


@pytest.mark.parametrize(("change", "expected"), [case[1:] for case in UPDATE_CASES], ids=[c[0] for c in UPDATE_CASES])
def test_update_shows(change: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    diff = shown(["update"], **change)
    assert diff == expected
    assert "hunter2" not in json.dumps(diff)


def test_a_sensitive_attribute_unknown_on_a_create_is_listed_as_unknown() -> None:
    """A generated password: absent before, absent (unknown) after, sensitive: the reviewer still sees it coming."""
    assert shown(["create"], before=None, after={"engine": "postgres"}, after_unknown={"password": True},
                 after_sensitive={"password": True}) == [
        ("engine", ABSENT, '"postgres"'), ("password", ABSENT, UNKNOWN)]


def test_a_deleted_resource_lists_each_attribute_with_nothing_after() -> None:
    assert shown(["delete"], before={"engine": "postgres", "password": "hunter2"}, after=None,
                 before_sensitive={"password": True}) == [
        ("engine", '"postgres"', ABSENT), ("password", SENSITIVE, ABSENT)]


@pytest.mark.parametrize(
    ("first", "second", "union"),
    [({"a": True}, [None], True), ([None], {"a": {"b": True}}, True), ([[True]], {"a": None}, True),
     ({"a": [None]}, [{"b": False}], None), ([None], [None, None], [None, None])],
)
def test_union_of_markers_of_different_shapes(first: Any, second: Any, union: Any) -> None:
    assert union_marker(first, second) == union
