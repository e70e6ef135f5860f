from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tfc.errors import ExitCode
from tfc.review.address import Part, format_address, parse_address
from tfc.review.wildcard import WildcardError, parse_wildcard

STACK = 'module.stack["us-east-1"].aws_iam_policy.access_controls'


@pytest.mark.parametrize(
    ("rule", "action", "address", "expected"),
    [
        ("update:module.stack.*.access_controls", "update", STACK, True),
        ("update:module.stack.*.access_controls", "create", STACK, False),
        ("*:module.stack.*.access_controls", "delete", STACK, True),
        ("update:module.stack.*", "update", STACK, False),  # * never crosses a dot
        ("update:module.stack.**", "update", STACK, True),
        ("update:**.access_controls", "update", STACK, True),
        ("update:**", "update", "aws_s3_bucket.logs", True),
        ("update:module.**.aws_iam_policy.access_controls", "update", STACK, True),  # ** spans zero parts too
        ('update:module.stack["us-east-1"].*.*', "update", STACK, True),
        ('update:module.stack["eu-west-1"].*.*', "update", STACK, False),
        ('update:module.stack["us-*"].*.*', "update", STACK, True),
        ("update:module.stack[*].*.*", "update", STACK, True),
        ("update:module.stack[*].*.*", "update", "module.stack.aws_iam_policy.access_controls", False),
        ("update:module.stack.*.access_controls", "update", "module.stack[0].aws_iam_policy.access_controls", True),
        ("update:module.stack[0].*.*", "update", "module.stack[1].aws_iam_policy.access_controls", False),
        ("update:module.stack.aws_*.access_*", "update", STACK, True),
        ("update:module.stack.aws_*.access_*", "update", 'module.stack["a"].aws_iam_role.access_controls', True),
        ("update:module.stack.gcp_*.*", "update", STACK, False),
        ('update:module.x["a.b"].*.y', "update", 'module.x["a.b"].aws_thing.y', True),
        ('update:module.x.*.y', "update", 'module.x["a.b[0]\\"q"].aws_thing.y', True),
        ("replace:aws_instance.web", "replace", "aws_instance.web[3]", True),
        ("read:data.aws_iam_policy_document.*", "read", "data.aws_iam_policy_document.access", True),
        ("update:output.*", "update", "output.endpoint", True),
        ("update:aws_instance.web", "update", "module.a.aws_instance.web", False),  # anchored at both ends
        ("update:module.a.aws_instance.web", "update", "aws_instance.web", False),  # anchored at the start
        ("update:module.a.aws_instance.web", "update", "module.b.aws_instance.web", False),
        ("delete:module.prod.**", "delete", "aws_s3_bucket.logs", False),  # ** only after what precedes it matched
        ("delete:module.prod.**", "delete", "module.prod", True),
        ("delete:module.prod.**", "delete", "module.prod.aws_s3_bucket.logs", True),
        ("delete:module.prod.**", "delete", "module.staging.aws_s3_bucket.logs", False),
        ("delete:**.logs", "delete", "aws_s3_bucket.logs", True),
        ("delete:**.logs", "delete", "aws_s3_bucket.logs2", False),
        ("delete:aws_*", "delete", "aws_s3_bucket.logs", False),
        ("*:aws_s3_bucket.*", "forget", "aws_s3_bucket.logs", True),
        ("create:aws_s3_bucket.*", "create+forget", "aws_s3_bucket.logs", False),
        ("update:a.b.c", "update", "a.b", False),
        ("update:a.b", "update", "a.b.c", False),
    ],
)
def test_wildcard_matching(rule: str, action: str, address: str, expected: bool) -> None:
    assert parse_wildcard(rule).matches(action, parse_address(address)) is expected


def test_instance_keys_with_dots_brackets_and_quotes_parse_as_one_part() -> None:
    parts = parse_address('module.x["a.b[0]\\"q"].aws_thing.y')
    assert parts[1] == Part("x", 'a.b[0]"q')
    assert len(parts) == 4
    assert parse_address("aws_instance.web[12]")[1] == Part("web", 12)


@pytest.mark.parametrize(
    ("rule", "position", "problem"),
    [
        ("module.stack.*", 14, "expected ACTION:ADDRESS"),
        ("upgrade:module.stack", 0, "unknown action"),
        ("update:module..stack", 14, "empty part"),
        ("update:module.stack.", 19, "trailing '.'"),
        ('update:module.stack["us-east-1.x', 19, "unterminated string key"),
        ("update:module.stack[abc].x", 20, "instance key must be"),
        ("update:module.st**ack", 16, "'**' must be a whole part"),
        ("update:", 7, "empty address"),
        ("update:module.stack[0]x", 22, "unexpected 'x'"),
        ("update:a[", 8, "missing ']'"),
        ("update:a[0", 8, "missing ']'"),
        (" update:a", 0, "remove the whitespace around the rule"),
        ("update:a ", 8, "remove the whitespace around the rule"),
        ("update: a", 7, "whitespace outside a quoted key"),
        ("update:module. x", 14, "whitespace outside a quoted key"),
    ],
)
def test_malformed_wildcard_is_a_usage_error_pointing_at_the_character(rule: str, position: int, problem: str) -> None:
    with pytest.raises(WildcardError) as caught:
        parse_wildcard(rule)
    assert caught.value.position == position
    assert problem in str(caught.value)
    assert f"(character {position + 1})" in str(caught.value)
    assert caught.value.exit_code is ExitCode.USAGE
    caret_line = str(caught.value).splitlines()[-1]
    assert caret_line.index("^") - 2 == position  # the caret sits under the bad character


names = st.text(alphabet="abcdefghij_-", min_size=1, max_size=6)
keys = st.one_of(st.none(), st.integers(0, 99), st.text(alphabet='ab.[]"\\ -1', min_size=0, max_size=6))
addresses = st.lists(st.builds(Part, names, keys), min_size=1, max_size=6).map(tuple)


@given(addresses)
def test_formatting_then_parsing_an_address_round_trips(parts: tuple[Part, ...]) -> None:
    assert parse_address(format_address(parts)) == parts


@given(addresses)
def test_an_address_matches_itself_written_as_a_rule_and_double_star(parts: tuple[Part, ...]) -> None:
    text = format_address(parts)
    assert parse_wildcard(f"update:{text}").matches("update", parts)
    assert parse_wildcard("*:**").matches("delete", parts)
    unkeyed = ".".join(p.name for p in parts)
    assert parse_wildcard(f"update:{unkeyed}").matches("update", parts)  # no key matches every instance
    assert not parse_wildcard(f"update:{text}.extra").matches("update", parts)


def test_spaces_inside_a_quoted_key_are_part_of_the_key() -> None:
    assert parse_wildcard('update:module.x["a b"].y').matches("update", parse_address('module.x["a b"].y'))


@given(addresses, addresses)
def test_a_rule_is_anchored_at_the_start_of_the_address(prefix: tuple[Part, ...], parts: tuple[Part, ...]) -> None:
    """Extra leading parts in the rule never match an address that lacks them (issue 23)."""
    rule = parse_wildcard(f"update:{format_address(prefix)}.{format_address(parts)}")
    assert not rule.matches("update", parts)


@given(names, addresses)
def test_double_star_follows_only_what_matched_before_it(name: str, parts: tuple[Part, ...]) -> None:
    rule = parse_wildcard(f"delete:module.{name}.**")
    expected = len(parts) >= 2 and parts[0].name == "module" and parts[1].name == name
    assert rule.matches("delete", parts) is expected
    assert rule.matches("delete", (Part("module"), Part(name), *parts))


@pytest.mark.parametrize(
    ("rule", "position"),
    [("update:**[0]", 7), ("update:module.**[*]", 14), ('update:module.**["a"].x', 14), ("update:a.x**", 10)],
)
def test_double_star_with_an_instance_key_or_inside_a_name_is_refused(rule: str, position: int) -> None:
    with pytest.raises(WildcardError) as caught:
        parse_wildcard(rule)
    assert (caught.value.rule, caught.value.position) == (rule, position)
    assert "'**' must be a whole part on its own" in str(caught.value)


@pytest.mark.parametrize("rule", ["update:**", "*:module.stack[*].aws_*.x", 'delete:module.x["us-*"].**'])
def test_a_rule_is_shown_as_the_user_wrote_it(rule: str) -> None:
    assert str(parse_wildcard(rule)) == rule


@pytest.mark.parametrize(
    ("rule", "address", "expected"),
    [
        ("update:aws_instance.web[*]", "aws_instance.web[0]", True),
        ("update:aws_instance.web[*]", 'aws_instance.web["a"]', True),
        ("update:aws_instance.web[*]", "aws_instance.web", False),
        ("update:aws_instance.web[0]", 'aws_instance.web["0"]', False),
        ('update:aws_instance.web["0"]', "aws_instance.web[0]", False),
        ('update:aws_instance.web["*"]', 'aws_instance.web["anything"]', True),
        ('update:aws_instance.web["a*"]', "aws_instance.web", False),
        ("update:aws_instance.web[0]", "aws_instance.web", False),
        ("update:**.web", "web", True),
        ("update:**.**", "aws_instance.web", True),
        ("update:aws_instance.**.web", "aws_instance.web", True),
        ("update:aws_instance.**.web", "aws_instance.x.y.web", True),
        ("update:aws_instance.**.web", "aws_instance.x.y.web.z", False),
    ],
)
def test_instance_keys_and_double_stars(rule: str, address: str, expected: bool) -> None:
    assert parse_wildcard(rule).matches("update", parse_address(address)) is expected
