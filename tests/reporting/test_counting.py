"""The counting rule, case by case: what is managed, how instances add up, where the API's billable count wins,
and how a state file is read (and refused when it is not one)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.counting import NOT_BILLED, from_state_file, from_summary, is_managed, provider_name, rum, version_rum
from reporting.records import ResourceCount, VersionSummary

AWS = 'provider["registry.terraform.io/hashicorp/aws"]'


@pytest.mark.parametrize(
    ("resource_type", "managed"),
    [
        ("aws_instance", True),
        ("data.aws_ami", False),
        ("terraform_data", False),
        ("null_resource", False),
        ("data", True),  # a resource type named like the prefix is still a resource
        ("database_instance", True),  # "data" without the dot is not a data source
        ("aws_data_source", True),
        ("null_resource_v2", True),  # only the exact excluded types
        ("xterraform_data", True),
    ],
)
def test_what_is_managed(resource_type: str, managed: bool) -> None:
    assert is_managed(resource_type) is managed


def test_the_excluded_types_are_exactly_hashicorps() -> None:
    assert frozenset({"terraform_data", "null_resource"}) == NOT_BILLED


@pytest.mark.parametrize(
    ("raw", "short"),
    [
        (AWS, "hashicorp/aws"),
        ('provider["terraform.io/builtin/terraform"]', "builtin/terraform"),
        ('provider["hashicorp/google"]', "hashicorp/google"),  # no registry host
        ('module.net.provider["registry.terraform.io/hashicorp/aws"].west', "hashicorp/aws"),
        ("aws", "aws"),  # not in provider["..."] form: kept as given
        ("", ""),
    ],
)
def test_provider_names(raw: str, short: str) -> None:
    assert provider_name(raw) == short


def test_summary_entries_merge_per_type_and_provider_sorted() -> None:
    entries = [
        {"type": "aws_instance", "provider": AWS, "count": 3},
        {"type": "aws_instance", "provider": 'provider["registry.terraform.io/acme/aws"]', "count": 1},
        {"type": "aws_instance", "provider": AWS, "count": 2},
        {"type": "aws_vpc", "count": 1},  # no provider
        {"type": "aws_iam_role", "provider": AWS},  # no count
        {"type": "data.aws_ami", "provider": AWS, "count": "4"},
    ]
    assert from_summary(entries) == (
        ResourceCount("aws_iam_role", "hashicorp/aws", 0),
        ResourceCount("aws_instance", "acme/aws", 1),
        ResourceCount("aws_instance", "hashicorp/aws", 5),
        ResourceCount("aws_vpc", "", 1),
        ResourceCount("data.aws_ami", "hashicorp/aws", 4),
    )


def test_rum_counts_every_managed_instance() -> None:
    resources = (ResourceCount("aws_instance", "p", 3), ResourceCount("aws_instance", "q", 2),
                 ResourceCount("data.aws_ami", "p", 4), ResourceCount("terraform_data", "t", 1),
                 ResourceCount("null_resource", "n", 6), ResourceCount("aws_vpc", "p", 1))
    assert rum(resources) == 6
    assert rum(()) == 0


@pytest.mark.parametrize(
    ("billable", "expected"),
    [(None, 5), (0, 0), (7, 7), (5, 5)],  # 0 from the API is a count, not an absent one
)
def test_the_apis_billable_count_wins_where_given(billable: int | None, expected: int) -> None:
    version = VersionSummary("sv-1", 1, datetime(2026, 1, 1, tzinfo=UTC),
                             (ResourceCount("aws_instance", "p", 5), ResourceCount("data.x", "p", 2)), billable)
    assert version_rum(version) == expected


def test_a_state_file_counts_instances_per_mode() -> None:
    state = {"version": 4, "resources": [
        {"mode": "managed", "type": "aws_instance", "provider": AWS, "instances": [{}, {}]},
        {"mode": "data", "type": "aws_ami", "provider": AWS, "instances": [{}]},
        {"mode": "managed", "type": "aws_instance", "provider": AWS, "instances": [{}]},
        {"mode": "managed", "type": "aws_vpc", "provider": AWS},  # no instances key: none
        {"mode": "managed", "type": "aws_subnet", "instances": None},
    ]}
    assert from_state_file(state) == (ResourceCount("aws_instance", "hashicorp/aws", 3),
                                      ResourceCount("aws_subnet", "", 0),
                                      ResourceCount("aws_vpc", "hashicorp/aws", 0),
                                      ResourceCount("data.aws_ami", "hashicorp/aws", 1))
    assert from_state_file({"version": 4}) == () == from_state_file({"resources": None})


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ([], "not a state file (not a JSON object)"),
        ("text", "not a state file (not a JSON object)"),
        ({"resources": "all"}, "'resources' is not a list"),
        ({"resources": {"a": 1}}, "'resources' is not a list"),
        ({"resources": [{"type": "a", "instances": [{}]}, 3]}, "resources[1] is not a resource"),
        ({"resources": [{"type": "a", "instances": {"0": {}}}]}, "resources[0] is not a resource with a list"),
        ({"resources": [{"type": "a"}, {"mode": "managed", "instances": []}]}, "resources[1] has no type"),
        ({"resources": [{"type": "", "instances": []}]}, "resources[0] has no type"),
        ({"resources": [{"type": 7, "instances": []}]}, "resources[0] has no type"),
    ],
)
def test_what_is_not_a_state_file_is_refused_with_the_reason(state: Any, message: str) -> None:
    with pytest.raises(ValueError, match=r"^" + message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")
                       .replace(")", r"\)")):
        from_state_file(state)


ENTRY = st.fixed_dictionaries({
    "type": st.sampled_from(["aws_instance", "aws_vpc", "data.aws_ami", "terraform_data", "null_resource"]),
    "provider": st.sampled_from([AWS, 'provider["registry.terraform.io/acme/aws"]']),
    "count": st.integers(0, 50),
})


@given(st.lists(ENTRY, max_size=30))
def test_merging_keeps_every_instance(entries: list[dict[str, Any]]) -> None:
    merged = from_summary(entries)
    assert rum(merged) == sum(e["count"] for e in entries if e["type"] in ("aws_instance", "aws_vpc"))
    assert sum(r.count for r in merged) == sum(e["count"] for e in entries)
    assert len({(r.type, r.provider) for r in merged}) == len(merged)


@given(st.lists(ENTRY, max_size=30))
def test_a_state_file_and_its_summary_agree(entries: list[dict[str, Any]]) -> None:
    state = {"resources": [{"mode": "data" if e["type"].startswith("data.") else "managed",
                            "type": e["type"].removeprefix("data."), "provider": e["provider"],
                            "instances": [{}] * e["count"]} for e in entries]}
    assert from_state_file(state) == from_summary(entries)
