"""From directories (their tier, owner and providers) and a policy to Dependabot update entries. Pure: no I/O.

Each directory that requires or locks a provider the policy lets through gets exactly one entry. Directories share
an entry when everything the entry says about them is the same (tier, owner, schedule, limits, ignores), listed
under ``directories``; with ``group_by_provider``, each provider's upgrades across the entry's directories come as one
pull request. Tiers are isolated: each tier has its own entries, later tiers wait ``cooldown_days`` after a release.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tfc.dependabot.policy import Ignore, Override, Policy, Schedule
from tfc.dependabot.providers import ProviderUse

ECOSYSTEM = "terraform"


@dataclass(frozen=True)
class Directory:
    path: str  # repository-relative; "" is the repository root
    workspaces: tuple[str, ...]  # the workspace rooted here, or the workspaces that use this module
    is_module: bool
    tier_tags: tuple[str, ...]  # the tier: values of those workspaces ("" when one has none)
    owners: tuple[str, ...]  # their owner: values
    providers: tuple[ProviderUse, ...]  # what this directory's own files require or lock
    via_modules: tuple[ProviderUse, ...] = ()  # what the local modules it uses require (workspaces only)


@dataclass(frozen=True)
class Decision:
    directory: Directory
    tier: str
    tier_reason: str
    owner: str | None
    providers: tuple[str, ...]  # in scope, sorted
    filtered: tuple[str, ...]  # required but left out by the allow/deny lists
    overrides: tuple[Override, ...]
    skipped: str | None  # why no entry, if none

    @property
    def dependabot_directory(self) -> str:
        return "/" + self.directory.path if self.directory.path else "/"


@dataclass
class Plan:
    entries: list[dict[str, Any]] = field(default_factory=list)
    decisions: dict[str, Decision] = field(default_factory=dict)  # by repository-relative path
    entry_of: dict[str, int] = field(default_factory=dict)  # path -> index in entries


def _tier(directory: Directory, policy: Policy) -> tuple[str, str]:
    """The latest tier among the directory's workspaces (a directory two workspaces share, or a module, is upgraded
    with the last of them); a workspace without a known tier: tag counts as ``default_tier``."""
    known = [t.name for t in policy.tiers]
    unknown = sorted({t for t in directory.tier_tags if t and t not in known})
    ranks = {policy.tier_rank(t) for t in directory.tier_tags if t in known}
    if unknown or "" in directory.tier_tags or not ranks:
        ranks.add(policy.tier_rank(policy.default_tier))
    latest = policy.tiers[max(ranks)].name
    if directory.is_module:
        return latest, (f"module used by {len(directory.workspaces)} workspace(s); upgraded with the latest tier "
                        f"among them ({latest}) so no tier gets a provider before its turn")
    if set(directory.tier_tags) == {latest}:
        return latest, f"tag tier:{latest}"
    if len(directory.workspaces) > 1:
        return latest, f"{len(directory.workspaces)} workspaces share the directory; the latest tier among them"
    reason = f"tag tier:{unknown[0]} is not a policy tier" if unknown else "no tier: tag"
    return latest, f"{reason}; default_tier {policy.default_tier}"


def decide(directory: Directory, policy: Policy) -> Decision:
    tier, tier_reason = _tier(directory, policy)
    owners = sorted(set(directory.owners) - {""})
    owner = owners[0] if len(owners) == 1 else None
    required = sorted({use.source for use in directory.providers})
    in_scope = [s for s in required if (not policy.allow or s in policy.allow) and s not in policy.deny]
    filtered = [s for s in required if s not in in_scope]
    overrides = tuple(o for o in policy.overrides
                      if (o.directory is not None and o.directory == directory.path)
                      or (o.workspace is not None and not directory.is_module and o.workspace in directory.workspaces))
    skipped = None
    if policy.tier(tier).skip:
        skipped = f"tier {tier} is skipped by the policy"
    elif skip := next((o for o in overrides if o.skip), None):
        skipped = f"override for {skip.label} (policy line {skip.line}) skips it"
    elif not required:
        skipped = "its files require and lock no provider"
    elif not in_scope:
        skipped = f"every provider it requires is left out by the allow/deny lists ({', '.join(filtered)})"
    return Decision(directory, tier, tier_reason, owner, tuple(in_scope), tuple(filtered), overrides, skipped)


def _schedule(schedule: Schedule) -> dict[str, str]:
    out = {"interval": schedule.interval}
    for key in ("day", "time", "timezone"):
        value = getattr(schedule, key)
        if value is not None:
            out[key] = value
    return out


def group_name(tier: str, source: str, taken: set[str]) -> str:
    """A Dependabot group identifier: starts and ends with a letter; letters, '-', '_', '|' only."""
    namespace, _, name = source.partition("/")

    def clean(text: str) -> str:
        return re.sub(r"-+", "-", re.sub(r"[^A-Za-z]+", "-", text)).strip("-") or "x"

    for candidate in (f"{clean(tier)}-{clean(name)}", f"{clean(tier)}-{clean(namespace)}-{clean(name)}"):
        if candidate not in taken:
            return candidate
    suffix = 1
    while f"{clean(tier)}-{clean(namespace)}-{clean(name)}-{'x' * suffix}" in taken:
        suffix += 1
    return f"{clean(tier)}-{clean(namespace)}-{clean(name)}-{'x' * suffix}"


def _settings(decision: Decision, policy: Policy) -> tuple[Any, ...]:
    """What an entry says beyond its directories: directories with equal settings share an entry."""
    schedule = next((o.schedule for o in reversed(decision.overrides) if o.schedule), None) \
        or policy.tier(decision.tier).schedule or policy.schedule
    limit = next((o.open_pull_requests_limit for o in reversed(decision.overrides)
                  if o.open_pull_requests_limit is not None), policy.open_pull_requests_limit)
    ignores = tuple(sorted({i for o in decision.overrides for i in o.ignore}, key=lambda i: (i.dependency, i.versions)))
    return (policy.tier_rank(decision.tier), decision.tier, decision.owner or "", schedule, limit, ignores)


def build_plan(directories: list[Directory], policy: Policy) -> Plan:
    plan = Plan()
    buckets: dict[tuple[Any, ...], list[Decision]] = defaultdict(list)
    for directory in sorted(directories, key=lambda d: d.path):
        decision = decide(directory, policy)
        plan.decisions[directory.path] = decision
        if decision.skipped is None:
            buckets[_settings(decision, policy)].append(decision)
    for key in sorted(buckets, key=lambda k: (k[0], k[2], buckets[k][0].directory.path)):
        _, tier, owner, schedule, limit, ignores = key
        members = buckets[key]
        plan.entries.append(_entry(tier, owner, schedule, limit, ignores, members, policy))
        for decision in members:
            plan.entry_of[decision.directory.path] = len(plan.entries) - 1
    return plan


def _entry(tier: str, owner: str, schedule: Schedule, limit: int, ignores: tuple[Ignore, ...],
           members: list[Decision], policy: Policy) -> dict[str, Any]:
    entry: dict[str, Any] = {"package-ecosystem": ECOSYSTEM}
    paths = sorted(d.dependabot_directory for d in members)
    if len(paths) == 1:
        entry["directory"] = paths[0]
    else:
        entry["directories"] = paths
    entry["schedule"] = _schedule(schedule)
    if policy.target_branch:
        entry["target-branch"] = policy.target_branch
    entry["open-pull-requests-limit"] = limit
    cooldown = policy.tier(tier).cooldown_days
    if cooldown:
        entry["cooldown"] = {"default-days": cooldown}
    if policy.allow:
        entry["allow"] = [{"dependency-name": source} for source in policy.allow]
    ignore: list[dict[str, Any]] = [{"dependency-name": source} for source in policy.deny]
    ignore += [{"dependency-name": i.dependency, **({"versions": list(i.versions)} if i.versions else {})}
               for i in ignores]
    if ignore:
        entry["ignore"] = ignore
    if policy.group_by_provider:
        taken: set[str] = set()
        groups: dict[str, dict[str, list[str]]] = {}
        for source in sorted({s for d in members for s in d.providers}):
            name = group_name(tier, source, taken)
            taken.add(name)
            groups[name] = {"patterns": [source]}
        entry["groups"] = groups
    team = policy.owners.get(owner) if owner else None
    labels = list(dict.fromkeys([*policy.labels, *(team.labels if team else ())]))
    if labels:
        entry["labels"] = labels
    if team and team.assignees:
        entry["assignees"] = list(team.assignees)
    if policy.commit_message_prefix:
        entry["commit-message"] = {"prefix": policy.commit_message_prefix, "include": "scope"}
    return entry
