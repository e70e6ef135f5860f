"""The policy file, case by case: every rule refuses its bad input at file:line, and every setting reaches the policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfc.dependabot.policy import Ignore, Owner, Policy, Schedule, Tier, load_policy
from tfc.errors import ConfigError


def load(tmp_path: Path, text: str) -> Policy:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    return load_policy(path)


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, text)
    return str(raised.value).replace(str(tmp_path) + "/", "")


@pytest.mark.parametrize(("text", "error"), [
    ("", "p.yaml:1: policy: version: 1 is required"),
    ("- version: 1\n", "p.yaml:1: policy must be a mapping"),
    ("version: 1\nschedule: [monthly]\n", "p.yaml:1: schedule must be a mapping"),
    ("version: 1\n\nschedule: {interval: daily, days: monday}\n", "p.yaml:3: schedule: unknown key(s) days"),
    ("version: 1\nproviders: {allow: [hashicorp/aws], block: []}\n", "providers: unknown key(s) block"),
    ("version: 1\nproviders: {allow: [1]}\n", "allow must be a list of non-empty strings"),
    ("version: 1\nproviders: {deny: ['']}\n", "deny must be a list of non-empty strings"),
    ("version: 1\nlabels: [deps, '']\n", "labels must be a list of non-empty strings"),
    ("version: 1\nlabels: [deps, 7]\n", "labels must be a list of non-empty strings"),
    ("version: 1\ntiers: []\n", "p.yaml:1: policy: tiers must list at least one tier"),
    ("version: 1\ntiers:\n  - {name: dev, cooldown: 3}\n", "p.yaml:3: tier: unknown key(s) cooldown"),
    ("version: 1\ntiers:\n  - {skip: true}\n", "p.yaml:3: tier: name is required"),
    ("version: 1\ntiers:\n  - {name: ''}\n", "p.yaml:3: tier: name is required"),
    ("version: 1\ntiers: [dev]\n", "p.yaml:1: tier must be a mapping"),
    ("version: 1\ncommit_message_prefix: ''\n", "commit_message_prefix must be 1-50 characters"),
    ("version: 1\ncommit_message_prefix: " + "x" * 51 + "\n", "commit_message_prefix must be 1-50 characters"),
    ("version: 1\noverrides:\n  - {workspace: a, skips: true}\n", "p.yaml:3: override: unknown key(s) skips"),
    ("version: 1\noverrides:\n  - workspace: a\n    ignore:\n      - {dependency: hashicorp/aws, version: '6'}\n",
     "p.yaml:5: ignore: unknown key(s) version"),
    ("version: 1\ngroup_by_provider: 'no'\n", "group_by_provider must be a bool, not 'no'"),
    ("version: 1\nopen_pull_requests_limit: -1\n", "open_pull_requests_limit must be 0 or more"),
])
def test_each_rule_refuses_its_bad_input_at_file_and_line(tmp_path: Path, text: str, error: str) -> None:
    assert error in error_of(tmp_path, text)


def test_an_unreadable_policy_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"version: 1\nlabels: [\xff]\n")
    with pytest.raises(ConfigError, match=r"p\.yaml: cannot read the policy"):
        load_policy(path)
    with pytest.raises(ConfigError, match=r"missing\.yaml: cannot read the policy"):
        load_policy(tmp_path / "missing.yaml")


def test_the_defaults_of_a_minimal_policy(tmp_path: Path) -> None:
    policy = load(tmp_path, "version: 1\n")
    assert policy.tiers == (Tier("dev", 0), Tier("staging", 7), Tier("prod", 7), Tier("gxp", 0, skip=True))
    assert policy.default_tier == "prod" and policy.group_by_provider is True and policy.open_pull_requests_limit == 5
    assert policy.schedule == Schedule("monthly") and policy.target_branch is None
    assert policy.commit_message_prefix is None and policy.labels == ("dependencies", "terraform")
    assert policy.allow == policy.deny == () and policy.owners == {} and policy.overrides == ()


def test_every_setting_reaches_the_policy(tmp_path: Path) -> None:
    policy = load(tmp_path, """\
version: 1
schedule: {interval: weekly, day: tuesday, time: "06:30", timezone: Europe/Berlin}
providers: {allow: [hashicorp/aws, hashicorp/google], deny: [hashicorp/null]}
tiers:
  - {name: dev}
  - {name: prod, cooldown_days: 14, schedule: {interval: daily}}
  - {name: gxp, skip: true}
default_tier: dev
group_by_provider: false
open_pull_requests_limit: 9
commit_message_prefix: x
labels: [deps]
target_branch: main
owners: {team-a: {assignees: [alice], labels: [team-a]}}
overrides:
  - workspace: a
    skip: true
    open_pull_requests_limit: 0
    ignore: [{dependency: hashicorp/aws, versions: [">= 6.0"]}]
  - {directory: /modules/vpc/, schedule: {interval: yearly}}
""")
    assert policy.schedule == Schedule("weekly", "tuesday", "06:30", "Europe/Berlin")
    assert policy.allow == ("hashicorp/aws", "hashicorp/google") and policy.deny == ("hashicorp/null",)
    assert policy.tiers == (Tier("dev"), Tier("prod", 14, schedule=Schedule("daily")), Tier("gxp", skip=True))
    assert (policy.default_tier, policy.group_by_provider, policy.open_pull_requests_limit) == ("dev", False, 9)
    assert (policy.commit_message_prefix, policy.labels, policy.target_branch) == ("x", ("deps",), "main")
    assert policy.owners == {"team-a": Owner(("alice",), ("team-a",))}
    first, second = policy.overrides
    assert (first.line, first.workspace, first.skip, first.open_pull_requests_limit) == (16, "a", True, 0)
    assert first.ignore == (Ignore("hashicorp/aws", (">= 6.0",)),)
    assert (second.line, second.directory, second.schedule) == (20, "modules/vpc", Schedule("yearly"))
    assert second.label == "directory modules/vpc" and first.label == "workspace a"


@pytest.mark.parametrize(("prefix", "ok"), [("", False), ("x", True), ("x" * 50, True), ("x" * 51, False)])
def test_commit_message_prefix_length_bounds(tmp_path: Path, prefix: str, ok: bool) -> None:
    text = f"version: 1\ncommit_message_prefix: '{prefix}'\n"
    if ok:
        assert load(tmp_path, text).commit_message_prefix == prefix
    else:
        assert "1-50 characters" in error_of(tmp_path, text)


@pytest.mark.parametrize(("tiers", "default"), [
    ("[{name: a}, {name: prod}, {name: c}]", "prod"),  # prod when there is one
    ("[{name: a}, {name: b}, {name: c}]", "c"),  # else the last tier
    ("[{name: only}]", "only"),
])
def test_the_default_tier_without_one_given(tmp_path: Path, tiers: str, default: str) -> None:
    assert load(tmp_path, f"version: 1\ntiers: {tiers}\n").default_tier == default


@pytest.mark.parametrize("day", ["monday", "sunday"])
def test_a_weekly_schedule_takes_a_day(tmp_path: Path, day: str) -> None:
    assert load(tmp_path, f"version: 1\nschedule: {{interval: weekly, day: {day}}}\n").schedule.day == day
