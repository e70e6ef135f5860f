"""Group safety: plans share a group only when equal after substituting each workspace's own identifiers."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tfc.models import Workspace
from tfc.review.changes import plan_changes
from tfc.review.diff import attribute_diff
from tfc.review.grouping import (
    MIN_TAG_VALUE,
    Identifier,
    Normaliser,
    Signature,
    Substitution,
    plan_hash,
    plan_signature,
    workspace_identifiers,
)

from .plans import plan_document, resource_change

ROLE = "aws_iam_role.deployer"


def ws(name: str, *tags: str) -> Workspace:
    return Workspace(id=f"ws-{name}", name=name, tag_names=tags)


def trust_plan(*principals: str, address: str = ROLE) -> dict[str, Any]:
    def policy(accounts: tuple[str, ...]) -> str:
        return json.dumps({"Statement": [{"Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in accounts]}}]})

    return plan_document(resource_change(address, ["update"], before={"assume_role_policy": policy(principals[:1])},
                                         after={"assume_role_policy": policy(principals)}))


def signature(document: dict[str, Any], workspace: Workspace) -> Signature:
    return plan_signature(plan_changes(document, plan_id="p"), workspace)


def test_untagged_workspaces_with_a_foreign_account_split() -> None:
    """Issue 18 §1: one plan trusts its own account, the other adds a foreign one: never one group."""
    a = signature(trust_plan("111111111111", "111111111111"), ws("app-a"))
    b = signature(trust_plan("222222222222", "999999999999"), ws("app-b"))
    assert a.digest != b.digest


def test_untagged_account_ids_are_not_normalised() -> None:
    a = signature(trust_plan("111111111111", "111111111111"), ws("app-a"))
    b = signature(trust_plan("222222222222", "222222222222"), ws("app-b"))
    assert a.digest != b.digest
    assert a.substitutions == ()


def test_tagged_workspaces_adding_different_foreign_accounts_split() -> None:
    a = signature(trust_plan("111111111111", "888888888888"), ws("app-a", "account:111111111111"))
    b = signature(trust_plan("222222222222", "999999999999"), ws("app-b", "account:222222222222"))
    assert a.digest != b.digest


def test_tagged_workspaces_trusting_their_own_accounts_group_and_say_so() -> None:
    a = signature(trust_plan("111111111111", "111111111111"), ws("app-a", "account:111111111111"))
    b = signature(trust_plan("222222222222", "222222222222"), ws("app-b", "account:222222222222"))
    assert a == b
    assert a.substitutions == (Substitution("account id from `account:` tag", 1),)


def test_a_plan_naming_another_workspaces_account_splits() -> None:
    a = signature(trust_plan("111111111111", "111111111111"), ws("app-a", "account:111111111111"))
    b = signature(trust_plan("222222222222", "111111111111"), ws("app-b", "account:222222222222"))
    assert a.digest != b.digest


def test_workspace_name_and_tag_values_are_substituted_as_whole_tokens_only() -> None:
    def named(value: str, workspace: Workspace) -> Signature:
        doc = plan_document(resource_change("aws_s3_bucket.b", ["update"], before={"n": "x"}, after={"n": value}))
        return signature(doc, workspace)

    a, b = ws("payments", "owner:team-red"), ws("billing", "owner:team-blue")
    assert named("payments-logs/team-red", a) == named("billing-logs/team-blue", b)
    assert named("payments-logs", a).substitutions == (Substitution("workspace name", 1),)
    assert named("paymentsx", a).digest != named("billingx", b).digest  # not a whole token
    assert named("xpayments", a).digest != named("xbilling", b).digest
    assert named("payments2", a).digest != named("billing2", b).digest
    assert named("team-red", a).substitutions == (Substitution("owner from `owner:` tag", 1),)


def test_only_key_value_tags_of_at_least_min_length_are_identifiers() -> None:
    short = "x" * (MIN_TAG_VALUE - 1)
    exact = "y" * MIN_TAG_VALUE
    workspace = ws("w1", f"env:{short}", f"region:{exact}", "standalone", ":novalue", "account:123456789012")
    assert workspace_identifiers(workspace) == (
        Identifier("123456789012", "tag:account"),
        Identifier(exact, "tag:region"),
        Identifier("w1", "workspace"),
    )


def test_a_tag_value_equal_to_the_name_stays_the_workspace_name() -> None:
    assert workspace_identifiers(ws("prod-east", "stack:prod-east", "alias:prod-east")) == (
        Identifier("prod-east", "workspace"),)


def test_the_longest_identifier_wins_where_two_overlap() -> None:
    normalise = Normaliser(workspace_identifiers(ws("prod", "stack:prod-east")))
    assert normalise("prod-east/prod") == [["p", "tag:stack"], ["t", "/"], ["p", "workspace"]]
    assert normalise("") == [["t", ""]]
    assert normalise("none here") == [["t", "none here"]]


def test_text_that_looks_like_a_placeholder_is_not_one() -> None:
    doc_a = plan_document(resource_change("aws_s3_bucket.b", ["update"], before={"n": "x"}, after={"n": "app-a"}))
    doc_b = plan_document(resource_change("aws_s3_bucket.b", ["update"], before={"n": "x"}, after={"n": "<workspace>"}))
    assert signature(doc_a, ws("app-a")).digest != signature(doc_b, ws("app-b")).digest


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (plan_document(resource_change(ROLE, ["update"], before={"n": "x"}, after={"n": "y"})), True),
        (plan_document(resource_change(ROLE, ["delete"], before={"n": "x"}, after=None)), False),
        (plan_document(resource_change("aws_iam_role.other", ["update"], before={"n": "x"}, after={"n": "y"})), False),
        (plan_document(resource_change(ROLE, ["update"], before={"n": "x"}, after={"n": "z"})), False),
        (plan_document(resource_change(ROLE, ["update"], before={"n": "x"}, after={"n": "y"}),
                       drift=[resource_change("aws_sg.a", ["update"], before={"a": 1}, after={"a": 2})]), False),
        (plan_document(resource_change(ROLE, ["update"], before={"n": "x"}, after={"n": "y"}),
                       outputs={"o": {"actions": ["create"], "before": None, "after": "v"}}), False),
        (plan_document(resource_change(ROLE, ["update"], before={"n": "x"}, after={"n": "y"}), errored=True), False),
    ],
)
def test_any_other_difference_splits(other: dict[str, Any], same: bool) -> None:
    base = plan_document(resource_change(ROLE, ["update"], before={"n": "x"}, after={"n": "y"}))
    assert (signature(base, ws("a1")).digest == signature(other, ws("b1")).digest) is same


def test_extra_content_is_compared() -> None:
    changes = plan_changes(trust_plan("1"), plan_id="p")
    assert plan_signature(changes, ws("a"), extra="approve") == plan_signature(changes, ws("b"), extra="approve")
    assert plan_signature(changes, ws("a"), extra="approve") != plan_signature(changes, ws("b"), extra="review")


# -- properties --------------------------------------------------------------------------------------------

NAMES = st.text("ABCDEFGH", min_size=4, max_size=8).map(lambda s: f"WS{s}")
ACCOUNTS = st.integers(10**11, 10**12 - 1).map(str)
OWNERS = st.text("QRSTUVXYZ", min_size=4, max_size=6).map(lambda s: f"team{s}")
WORDS = st.sampled_from(["arn", "aws", "iam", "role", "root", "s3", "logs", "*"])
SLOTS = ("{name}", "{account}", "{owner}")
TEMPLATE = st.lists(st.one_of(WORDS, st.sampled_from(SLOTS)), min_size=1, max_size=6).map(":".join)
ATTRIBUTES = st.dictionaries(st.sampled_from(["policy", "name", "trust", "path"]), TEMPLATE, min_size=1, max_size=3)


@st.composite
def tagged_workspace(draw: st.DrawFn) -> Workspace:
    return ws(draw(NAMES), f"account:{draw(ACCOUNTS)}", f"owner:{draw(OWNERS)}", "type:deploy")


def instantiate(template: dict[str, str], workspace: Workspace) -> dict[str, Any]:
    tags = dict(tag.split(":", 1) for tag in workspace.tag_names)
    after = {k: v.format(name=workspace.name, account=tags["account"], owner=tags["owner"]) for k, v in template.items()}
    return plan_document(resource_change(ROLE, ["update"], before={"old": "value"}, after=after))


@settings(max_examples=150, deadline=None)
@given(ATTRIBUTES, tagged_workspace(), tagged_workspace())
def test_the_same_change_in_two_workspaces_groups_naming_each_substitution(
    template: dict[str, str], a: Workspace, b: Workspace
) -> None:
    sig_a, sig_b = signature(instantiate(template, a), a), signature(instantiate(template, b), b)
    assert sig_a == sig_b
    text = "".join(template.values())
    expected = {"workspace name": text.count("{name}"), "account id from `account:` tag": text.count("{account}"),
                "owner from `owner:` tag": text.count("{owner}")}
    assert sig_a.substitutions == tuple(Substitution(k, n) for k, n in sorted(expected.items()) if n)


@settings(max_examples=150, deadline=None)
@given(ATTRIBUTES, tagged_workspace(), tagged_workspace(), st.data())
def test_a_plan_that_adds_any_value_never_joins_the_group(
    template: dict[str, str], a: Workspace, b: Workspace, data: st.DataObject
) -> None:
    a_tags = dict(tag.split(":", 1) for tag in a.tag_names)
    b_tags = dict(tag.split(":", 1) for tag in b.tag_names)
    added = data.draw(st.one_of(WORDS, ACCOUNTS, st.sampled_from([a.name, b.name, *a_tags.values(), *b_tags.values()])))
    key = data.draw(st.sampled_from(sorted(template)))
    document = instantiate(template, b)
    after = document["resource_changes"][0]["change"]["after"]
    after[key] = f"{after[key]}:{added}"
    assert signature(instantiate(template, a), a).digest != signature(document, b).digest


def _identifier_values(workspace: Workspace) -> dict[str, str]:
    return {ident.placeholder: ident.value for ident in workspace_identifiers(workspace)}


def _translate(text: str, source: dict[str, str], target: dict[str, str]) -> str | None:
    """``text`` of workspace A with each of A's identifiers replaced by B's for the same placeholder."""
    by_value = {value: placeholder for placeholder, value in source.items()}
    pattern = "|".join(re.escape(v) for v in sorted(by_value, key=len, reverse=True))
    missing = False

    def swap(match: re.Match[str]) -> str:
        nonlocal missing
        placeholder = by_value[match.group()]
        if placeholder not in target:
            missing = True
            return match.group()
        return target[placeholder]

    out = re.sub(rf"(?<![A-Za-z0-9])(?:{pattern})(?![A-Za-z0-9])", swap, text)
    return None if missing else out


POOL = ["arn", "root", "111111111111", "222222222222", "999999999999", "app-a", "app-b", "team-x", "team-y"]
MAYBE_TAGS = st.lists(st.sampled_from(["account:111111111111", "account:222222222222", "owner:team-x",
                                       "owner:team-y"]), max_size=2, unique_by=lambda t: t.split(":")[0])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(POOL), min_size=1, max_size=3).map(":".join), min_size=1, max_size=3),
       st.lists(st.lists(st.sampled_from(POOL), min_size=1, max_size=3).map(":".join), min_size=1, max_size=3),
       MAYBE_TAGS, MAYBE_TAGS)
def test_members_of_a_group_differ_only_by_the_declared_identifiers(
    values_a: list[str], values_b: list[str], tags_a: list[str], tags_b: list[str]
) -> None:
    """Safety: whatever the plans, if they group then A's diff with A's identifiers swapped for B's is B's diff."""
    a, b = ws("app-a", *tags_a), ws("app-b", *tags_b)

    def doc(values: list[str]) -> dict[str, Any]:
        return plan_document(resource_change(ROLE, ["update"], before={"k": "old"},
                                             after={f"k{i}": v for i, v in enumerate(values)}))

    sig_a, sig_b = signature(doc(values_a), a), signature(doc(values_b), b)
    event("grouped" if sig_a.digest == sig_b.digest else "split")
    if sig_a.digest != sig_b.digest:
        return
    ids_a, ids_b = _identifier_values(a), _identifier_values(b)
    diff_a = attribute_diff(plan_changes(doc(values_a), plan_id="a").resources[0])
    diff_b = attribute_diff(plan_changes(doc(values_b), plan_id="b").resources[0])
    translated = [tuple(_translate(text, ids_a, ids_b) for text in (d.path, d.before, d.after)) for d in diff_a]
    assert translated == [(d.path, d.before, d.after) for d in diff_b]
    assert sig_a.substitutions == sig_b.substitutions


# -- issue 23: pinned with literal values, so a changed constant or comparison fails ---------------------------


@pytest.mark.parametrize(
    ("tag", "substituted"),
    [("env:dev", False), ("region:eu", False), ("env:prod", True), ("region:eu-west-1", True), ("stage:qa-1", True)],
)
def test_tag_values_of_four_characters_or_more_are_substituted(tag: str, substituted: bool) -> None:
    """The documented floor: "dev" and "eu" are too common to stand for one workspace; "prod" is not."""
    value = tag.partition(":")[2]
    assert (Identifier(value, f"tag:{tag.partition(':')[0]}") in workspace_identifiers(ws("w1", tag))) is substituted
    doc = plan_document(resource_change("aws_s3_bucket.b", ["update"], before={"n": "x"}, after={"n": f"logs-{value}"}))
    assert bool(signature(doc, ws("w1", tag)).substitutions) is substituted


def test_the_signature_is_sixteen_hex_digits() -> None:
    """64 bits: short enough for the JSON and the terminal, long enough that distinct plans never meet by chance."""
    digest = signature(trust_plan("1"), ws("a")).digest
    assert re.fullmatch("[0-9a-f]{16}", digest)


def test_extra_content_is_compared_as_content_not_by_key_order() -> None:
    changes = plan_changes(trust_plan("1"), plan_id="p")
    first = plan_signature(changes, ws("a"), extra={"verdict": "approve", "rule": "update:**"})
    assert first == plan_signature(changes, ws("a"), extra={"rule": "update:**", "verdict": "approve"})
    assert first != plan_signature(changes, ws("a"), extra={"rule": "update:**", "verdict": "needs-review"})


def test_the_plan_hash_names_the_content_whatever_the_key_order() -> None:
    """The audit log's ``plan_hash``: the SHA-256 of the plan JSON, so the same plan always logs the same hash."""
    document = trust_plan("1")
    reordered = json.loads(json.dumps(document, sort_keys=True))
    reordered = dict(reversed(list(reordered.items())))
    assert list(reordered) != list(document)
    assert plan_hash(reordered) == plan_hash(document)
    assert re.fullmatch("[0-9a-f]{64}", plan_hash(document))
    assert plan_hash(document) != plan_hash(trust_plan("2"))
