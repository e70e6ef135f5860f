"""The rollout's pure decisions as case tables: readiness, tier verdicts, the next step, the continue command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tfc.review.status import Stage, StatusLine
from tfc.rollout.decide import Phase, Step, continue_command, next_step, readiness, tier_verdict, untouched

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def line(workspace: str, stage: Stage) -> StatusLine:
    return StatusLine(workspace, f"run-{workspace}", str(stage), stage)


@pytest.mark.parametrize(("lines", "names", "deadline", "ready", "planning", "missing", "waiting"), [
    ([line("a", Stage.NEEDS_CONFIRMATION)], ["a"], NOW, True, (), (), False),
    ([line("a", Stage.PLANNING)], ["a"], NOW, False, ("a",), (), False),
    ([line("a", Stage.NEEDS_CONFIRMATION)], ["a", "b"], NOW + timedelta(seconds=1), False, (), ("b",), True),
    ([line("a", Stage.NEEDS_CONFIRMATION)], ["a", "b"], NOW, True, (), ("b",), False),
    ([line("a", Stage.NEEDS_CONFIRMATION)], ["a", "b"], NOW - timedelta(seconds=1), True, (), ("b",), False),
    ([line("a", Stage.NEEDS_CONFIRMATION)], ["a", "b"], None, False, (), ("b",), True),
    ([line("a", Stage.ERRORED), line("b", Stage.SUPERSEDED)], ["a", "b"], NOW, True, (), (), False),
    ([line("x", Stage.PLANNING)], ["a"], NOW, True, (), ("a",), False),  # other tiers' runs do not count
    ([], [], None, True, (), (), False),
])
def test_readiness(lines: list[StatusLine], names: list[str], deadline: datetime | None, ready: bool,
                   planning: tuple[str, ...], missing: tuple[str, ...], waiting: bool) -> None:
    state = readiness(lines, names, NOW, deadline)
    assert (state.ready, state.planning, state.missing, state.waiting_for_missing) == (ready, planning, missing,
                                                                                        waiting)


@pytest.mark.parametrize(("stages", "ok", "reasons"), [
    ({Stage.APPLIED: 3}, True, ()),
    ({Stage.APPLIED: 1, Stage.NO_CHANGES: 1, Stage.SUPERSEDED: 1}, True, ()),
    ({}, True, ()),
    ({Stage.APPLIED: 2, Stage.ERRORED: 1}, False, ("1 run errored",)),
    ({Stage.ERRORED: 2}, False, ("2 runs errored",)),
    ({Stage.NEEDS_CONFIRMATION: 1}, False, ("1 run left for a person (still waiting for confirmation)",)),
    ({Stage.NEEDS_ATTENTION: 1}, False, ("1 run waiting on a policy decision",)),
    ({Stage.APPLYING: 1}, False, ("1 run still applying",)),
    ({Stage.PLANNING: 1}, False, ("1 run still planning",)),
    ({Stage.DISCARDED: 1, Stage.ERRORED: 1}, False, ("1 run errored", "1 run discarded or canceled")),
])
def test_tier_verdict(stages: dict[Stage, int], ok: bool, reasons: tuple[str, ...]) -> None:
    assert tier_verdict(stages) == (ok, reasons)


TIERS = ("dev", "staging", "prod", "gxp")


@pytest.mark.parametrize(("phases", "manual", "opened", "step"), [
    ({}, (), (), Step("tier", "dev")),
    ({"dev": Phase.SUCCEEDED}, (), (), Step("tier", "staging")),
    ({"dev": Phase.APPLYING}, (), (), Step("tier", "dev")),
    ({"dev": Phase.SUCCEEDED, "staging": Phase.FAILED}, (), (), Step("halted", "staging")),
    ({"dev": Phase.FAILED, "staging": Phase.SUCCEEDED}, (), (), Step("halted", "dev")),
    (dict.fromkeys(TIERS[:3], Phase.SUCCEEDED), ("gxp",), (), Step("gate", "gxp")),
    (dict.fromkeys(TIERS[:3], Phase.SUCCEEDED), ("gxp",), ("gxp",), Step("tier", "gxp")),
    (dict.fromkeys(TIERS[:3], Phase.SUCCEEDED) | {"gxp": Phase.GATED}, ("gxp",), (), Step("gate", "gxp")),
    ({}, ("dev",), (), Step("gate", "dev")),
    (dict.fromkeys(TIERS, Phase.SUCCEEDED), ("gxp",), (), Step("done")),
    ({"dev": Phase.SOAKING}, ("dev",), ("dev",), Step("tier", "dev")),
])
def test_next_step(phases: dict[str, Phase], manual: tuple[str, ...], opened: tuple[str, ...], step: Step) -> None:
    assert next_step(TIERS, phases, manual, opened) == step


def test_untouched_tiers_are_those_not_started() -> None:
    phases = {"dev": Phase.SUCCEEDED, "staging": Phase.FAILED, "gxp": Phase.GATED}
    assert untouched(TIERS, phases) == ("prod", "gxp")


def test_phase_finished() -> None:
    assert {p for p in Phase if p.finished} == {Phase.SUCCEEDED, Phase.FAILED}


def test_continue_command_repeats_the_users_flags_and_quotes_what_the_shell_would_split() -> None:
    command = continue_command("abcd1234", TIERS, ["--wildcard", "update:module.a[\"x y\"].b", "--yes"], "gxp")
    assert command == ("tfc rollout --commit abcd1234 --tiers dev,staging,prod,gxp --wildcard "
                       "'update:module.a[\"x y\"].b' --yes --resume --approve-gate gxp")
    assert continue_command("abcd1234", ("dev",), [], None) == "tfc rollout --commit abcd1234 --tiers dev --resume"
    assert continue_command("abcd1234", ("dev",), ["it's"], None).endswith("'it'\"'\"'s' --resume")
