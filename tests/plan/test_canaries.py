"""Canary choice: one per shape (module directories + type:/tier: tags), up to a cap, or every workspace."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tfc.plan.canaries import AUTO_CAP, Affected, choose, parse_canaries, shape_of


def ws(name: str, directory: str, modules: tuple[str, ...], *tags: str) -> Affected:
    patterns = (f"/{directory}/*.tf", *(f"/{m}/*.tf" for m in modules))
    return Affected(name, directory, patterns, tags)


@pytest.mark.parametrize(("a", "b", "same"), [
    (ws("a", "envs/a", ("modules/vpc",), "type:app", "tier:dev"),
     ws("b", "envs/b", ("modules/vpc",), "type:app", "tier:dev", "owner:x"), True),  # other tags do not count
    (ws("a", "envs/a", ("modules/vpc",), "type:app", "tier:dev"),
     ws("b", "envs/b", ("modules/vpc",), "type:app", "tier:prod"), False),  # tier splits
    (ws("a", "envs/a", ("modules/vpc",), "type:app"), ws("b", "envs/b", ("modules/vpc",), "type:data"), False),
    (ws("a", "envs/a", ("modules/vpc",)), ws("b", "envs/b", ("modules/vpc", "modules/dns")), False),  # modules
    (ws("a", "envs/a", ("modules/vpc", "modules/dns")), ws("b", "envs/b", ("modules/dns", "modules/vpc")), True),
])
def test_shape_cases(a: Affected, b: Affected, same: bool) -> None:
    assert (shape_of(a) == shape_of(b)) is same


def test_shape_leaves_out_the_workspace_own_directory_and_reads_recursive_globs() -> None:
    a = Affected("a", "envs/a", ("/envs/a/*.tf", "/envs/a/files/x.json", "/modules/vpc/**/*"), ())
    assert shape_of(a).modules == ("modules/vpc",)


def test_choose_one_canary_per_shape_biggest_first_and_the_cap() -> None:
    members = [ws(f"app-{i}", f"envs/app-{i}", ("modules/vpc",), "tier:dev") for i in range(5)]
    members += [ws(f"db-{i}", f"envs/db-{i}", ("modules/vpc",), "tier:prod") for i in range(2)]
    members += [ws("lone", "envs/lone", ("modules/dns",))]
    choice = choose(members, 10)
    assert [(c.name, len(c.stands_for)) for c in choice.canaries] == [("app-0", 4), ("db-0", 1), ("lone", 0)]
    assert choice.unplanned == ()
    capped = choose(members, 2)
    assert [c.name for c in capped.canaries] == ["app-0", "db-0"] and capped.unplanned == ("lone",)
    every = choose(members, None)
    assert len(every.canaries) == 8 and all(c.stands_for == () for c in every.canaries)


@pytest.mark.parametrize(("text", "expected"), [("auto", AUTO_CAP), ("all", None), ("1", 1), ("12", 12)])
def test_parse_canaries(text: str, expected: int | None) -> None:
    assert parse_canaries(text) == expected


@pytest.mark.parametrize("text", ["0", "-1", "many", "", "1.5"])
def test_parse_canaries_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="--canaries"):
        parse_canaries(text)


@given(st.lists(st.tuples(st.sampled_from(["modules/a", "modules/b", "modules/c"]),
                          st.sampled_from(["tier:dev", "tier:prod"])), min_size=1, max_size=30),
       st.integers(min_value=1, max_value=8))
def test_every_affected_workspace_is_planned_stood_for_or_unplanned_exactly_once(
        specs: list[tuple[str, str]], limit: int) -> None:
    members = [ws(f"w{i}", f"envs/w{i}", (m,), t) for i, (m, t) in enumerate(specs)]
    choice = choose(members, limit)
    covered = [c.name for c in choice.canaries] + [n for c in choice.canaries for n in c.stands_for]
    assert sorted(covered + list(choice.unplanned)) == sorted(m.name for m in members)
    shapes = {shape_of(m) for m in members}
    assert len(choice.canaries) == min(limit, len(shapes))
    assert len({c.shape for c in choice.canaries}) == len(choice.canaries)
    by_name = {m.name: m for m in members}
    assert all(shape_of(by_name[n]) == c.shape for c in choice.canaries for n in c.stands_for)


@pytest.mark.parametrize(("sizes", "expected"), [
    ([], 4), ([0], 4), ([1], 1), ([3], 1), ([4], 1), ([8], 2), ([40, 80], 30), ([7, 1], 2)])
def test_default_concurrency_is_a_quarter_of_the_pools_agents(sizes: list[int], expected: int) -> None:
    from tfc.plan.runner import default_concurrency

    assert default_concurrency(sizes) == expected
