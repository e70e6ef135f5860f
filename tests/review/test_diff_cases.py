"""What a reviewer is shown for one change: a table of plan fragments and the exact diff lines they give.

Each row pins one behaviour of ``tfc.review.diff`` that a wrong comparison or a dropped branch would change
(issue 23): masking where the two sides' markers have different shapes, list items beyond a short marker,
values of other types than dicts and strings (``1`` becoming ``true`` was hidden: Python calls them equal), text
that only looks like JSON, sensitive values that are unknown on a create, and the rendering itself (sorted keys,
non-ASCII text as written). A property then checks every line against the two values it came from.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    # Python has 1 == True and 0 == False: a change of JSON type must still be shown (a bug found for issue 23)
    ("a number becoming a flag", {"before": {"n": 1, "z": 0, "e": ""}, "after": {"n": True, "z": False, "e": ""}},
     [("n", "1", "true"), ("z", "0", "false")]),
    ("a sensitive number becoming a flag",
     {"before": {"p": {"a": 1}}, "after": {"p": {"a": True}}, "before_sensitive": {"p": True}, "after_sensitive": {"p": True}},
     [("p", SENSITIVE, SENSITIVE)]),
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


# -- property: without markers, every line shows what the two values hold at its path, and only changes ----------

LEAVES = st.sampled_from([None, True, False, 0, 1, 2, 1.5, "", "x", "é"])  # 0/False, 1/True: equal in Python
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(st.sampled_from("abc"), inner, max_size=3)),
                      max_leaves=8)
MISSING = object()


def at(value: Any, path: str) -> Any:
    """The part of ``value`` a diff path names (keys are single letters here), or MISSING."""
    for key, index in re.findall(r"([a-c])|\[(\d+)\]", path):
        if key and isinstance(value, dict) and key in value:
            value = value[key]
        elif index and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            return MISSING
    return value


def rendered(value: Any) -> str:
    return ABSENT if value is MISSING else json.dumps(value, sort_keys=True, ensure_ascii=False)


@st.composite
def edited(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with some leaves, items and keys replaced, dropped or added: mostly the same shape."""
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(VALUES)
    if isinstance(value, dict):
        kept = {k: draw(edited(v)) for k, v in value.items() if choice != 1 or draw(st.booleans())}
        return kept | (draw(st.dictionaries(st.sampled_from("abc"), VALUES, max_size=1)) if choice == 2 else {})
    if isinstance(value, list):
        items = [draw(edited(v)) for v in value]
        return items[:-1] if choice == 1 else [*items, draw(VALUES)] if choice == 2 else items
    if choice == 3:  # the value Python calls equal but JSON does not: 1 and true, 0 and false
        return int(value) if isinstance(value, bool) else bool(value) if value in (0, 1) else value
    return draw(LEAVES) if choice < 3 else value


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abc"), VALUES, max_size=3).flatmap(lambda v: st.tuples(st.just(v), edited(v))))
def test_each_line_shows_both_sides_at_its_path_and_a_change_is_never_hidden(
    values: tuple[dict[str, Any], Any]
) -> None:
    before, after = values
    if not isinstance(after, dict):
        after = {"a": after}
    lines = shown(["update"], before=before, after=after)
    for path, old, new in lines:
        assert (old, new) == (rendered(at(before, path)), rendered(at(after, path)))
        assert old != new
    assert len({path for path, _, _ in lines}) == len(lines)
    for path in leaf_paths(before, "") | leaf_paths(after, ""):
        if rendered(visible(at(before, path))) != rendered(visible(at(after, path))):
            assert any(path == p or _under(path, p) or _under(p, path) for p, _, _ in lines), path


def leaf_paths(value: Any, path: str) -> set[str]:
    """The diff path of every scalar and empty container in ``value``."""
    if isinstance(value, dict) and value:
        return set().union(*(leaf_paths(v, f"{path}.{k}" if path else k) for k, v in value.items()))
    if isinstance(value, list) and value:
        return set().union(*(leaf_paths(v, f"{path}[{i}]") for i, v in enumerate(value)))
    return {path} if path else set()


def _under(path: str, parent: str) -> bool:
    return path.startswith((f"{parent}.", f"{parent}["))


def visible(value: Any) -> Any:
    """What the diff can show of a value: an object is shown by its keys, so an empty one is as good as absent
    (a known gap: ``{}`` appearing or disappearing gives no line)."""
    if isinstance(value, dict):
        inner = {k: visible(v) for k, v in value.items()}
        return {k: v for k, v in inner.items() if v is not MISSING} or MISSING
    if isinstance(value, list):
        return [v for v in map(visible, value) if v is not MISSING]
    return value
