"""Dependabot's rules for dependabot.yml version 2, checked before anything is written.

From GitHub's "Dependabot options reference" and SchemaStore's dependabot-2.0.json (the schema editors validate
against): allowed keys and enums, required keys, `directory` xor `directories`, commit-message prefixes of at most
50 characters, unique non-empty labels/assignees/patterns, group identifiers that start and end with a letter and
hold only letters, `-`, `_` or `|`, and each directory at most once per (package-ecosystem, target-branch).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from tfc.dependabot.policy import COMMIT_PREFIX_MAX, DAYS

ENTRY_KEYS = frozenset({
    "allow", "assignees", "commit-message", "cooldown", "directories", "directory", "groups", "ignore",
    "insecure-external-code-execution", "labels", "milestone", "open-pull-requests-limit", "package-ecosystem",
    "pull-request-branch-name", "rebase-strategy", "registries", "schedule", "target-branch", "vendor",
    "versioning-strategy",
})
ECOSYSTEMS = frozenset({
    "bun", "bundler", "cargo", "composer", "devcontainers", "docker", "docker-compose", "dotnet-sdk", "elm",
    "gitsubmodule", "github-actions", "gomod", "gradle", "helm", "maven", "mix", "npm", "nuget", "pip", "pub", "swift",
    "terraform", "uv",
})
INTERVALS = frozenset({"daily", "weekly", "monthly", "quarterly", "semiannually", "yearly", "cron"})
GROUP_KEYS = frozenset({"applies-to", "dependency-type", "patterns", "exclude-patterns", "update-types"})
GROUP_NAME = re.compile(r"^[A-Za-z]([A-Za-z_|-]*[A-Za-z])?$")
TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())  # scans the time-zone database: once per process


def _unique_strings(value: object) -> bool:
    return (isinstance(value, list) and len(value) > 0 and all(isinstance(v, str) and v for v in value)
            and len(set(value)) == len(value))


def _check_entry(entry: dict[str, Any], where: str) -> list[str]:
    errors = [f"{where}: unknown key {key!r}" for key in sorted(set(entry) - ENTRY_KEYS)]
    if entry.get("package-ecosystem") not in ECOSYSTEMS:
        errors.append(f"{where}: package-ecosystem {entry.get('package-ecosystem')!r} is not one Dependabot knows")
    if ("directory" in entry) == ("directories" in entry):
        errors.append(f"{where}: exactly one of directory or directories")
    if "directories" in entry and not _unique_strings(entry["directories"]):
        errors.append(f"{where}: directories must be a non-empty list of unique paths")
    schedule = entry.get("schedule")
    if not isinstance(schedule, dict) or schedule.get("interval") not in INTERVALS:
        errors.append(f"{where}: schedule.interval must be one of {', '.join(sorted(INTERVALS))}")
    else:
        errors += [f"{where}: schedule: unknown key {k!r}" for k in sorted(set(schedule) - {"interval", "day", "time",
                                                                                             "timezone", "cronjob"})]
        if "day" in schedule and schedule["day"] not in DAYS:
            errors.append(f"{where}: schedule.day {schedule['day']!r} is not a weekday name")
        if "time" in schedule and not TIME.match(str(schedule["time"])):
            errors.append(f"{where}: schedule.time must be hh:mm")
        if "timezone" in schedule and schedule["timezone"] not in _timezones():
            errors.append(f"{where}: schedule.timezone {schedule['timezone']!r} is not an IANA time zone")
        if (schedule["interval"] == "cron") != ("cronjob" in schedule):
            errors.append(f"{where}: schedule.cronjob goes with interval cron, and only with it")
    limit = entry.get("open-pull-requests-limit", 0)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        errors.append(f"{where}: open-pull-requests-limit must be an integer >= 0")
    for key in ("labels", "assignees"):
        if key in entry and not _unique_strings(entry[key]):
            errors.append(f"{where}: {key} must be a non-empty list of unique, non-empty strings")
    message = entry.get("commit-message")
    if message is not None:
        if not isinstance(message, dict) or set(message) - {"prefix", "prefix-development", "include"} or not message:
            errors.append(f"{where}: commit-message takes prefix, prefix-development and include")
        elif len(str(message.get("prefix", ""))) > COMMIT_PREFIX_MAX:
            errors.append(f"{where}: commit-message.prefix is longer than {COMMIT_PREFIX_MAX} characters")
        elif message.get("include", "scope") != "scope":
            errors.append(f"{where}: commit-message.include can only be 'scope'")
    for key, allowed in (("allow", {"dependency-name", "dependency-type"}),
                         ("ignore", {"dependency-name", "versions", "update-types"})):
        for index, item in enumerate(entry.get(key, [])):
            if not isinstance(item, dict) or not item or set(item) - allowed:
                errors.append(f"{where}: {key}[{index}] takes only {', '.join(sorted(allowed))}")
            elif "versions" in item and not _unique_strings(item["versions"]):
                errors.append(f"{where}: {key}[{index}].versions must be a non-empty list of unique strings")
    cooldown = entry.get("cooldown")
    if cooldown is not None and (not isinstance(cooldown, dict) or any(
            not isinstance(v, int) or v < 0 for k, v in cooldown.items() if k.endswith("-days"))):
        errors.append(f"{where}: cooldown days must be integers >= 0")
    groups = entry.get("groups")
    if groups is not None:
        if not isinstance(groups, dict) or not groups:
            errors.append(f"{where}: groups must name at least one group")
        else:
            for name, group in groups.items():
                if not GROUP_NAME.match(str(name)):
                    errors.append(f"{where}: group {name!r}: identifiers start and end with a letter and hold only "
                                  "letters, '-', '_' or '|'")
                if not isinstance(group, dict) or not set(group) & {"dependency-type", "patterns", "exclude-patterns",
                                                                    "update-types"} or set(group) - GROUP_KEYS:
                    errors.append(f"{where}: group {name!r} needs patterns (or a dependency-type / update-types)")
                elif "patterns" in group and not _unique_strings(group["patterns"]):
                    errors.append(f"{where}: group {name!r}: patterns must be unique and non-empty")
    return errors


def validate(document: dict[str, Any]) -> list[str]:
    """Every rule the document breaks, as readable lines (empty: valid)."""
    errors = [f"top level: unknown key {key!r}" for key in sorted(set(document) - {"version", "updates",
                                                                                   "registries",
                                                                                   "enable-beta-ecosystems"})]
    if document.get("version") != 2:
        errors.append("top level: version must be 2")
    updates = document.get("updates")
    if not isinstance(updates, list):
        return [*errors, "top level: updates must be a list"]
    seen: dict[tuple[str, str, str], int] = {}
    for index, entry in enumerate(updates):
        where = f"updates[{index}]"
        if not isinstance(entry, dict):
            errors.append(f"{where}: must be a mapping")
            continue
        errors += _check_entry(entry, where)
        directories = entry.get("directories") or [entry.get("directory", "/")]
        for directory in directories if isinstance(directories, list) else []:
            key = (str(entry.get("package-ecosystem")), str(directory), str(entry.get("target-branch", "")))
            if key in seen:
                errors.append(f"{where}: directory {directory} is already in updates[{seen[key]}] for the same "
                              "package-ecosystem and target-branch")
            else:
                seen[key] = index
    return errors
