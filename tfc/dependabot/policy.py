"""The dependabot policy file: what to upgrade, in which order, how often, for whom. Every error names file:line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

import yaml

from tfc.errors import ConfigError
from tfc.yamllines import LINE, LineLoader

INTERVALS = ("daily", "weekly", "monthly", "quarterly", "semiannually", "yearly")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9_-]*$")
COMMIT_PREFIX_MAX = 50  # Dependabot's limit


@dataclass(frozen=True)
class Schedule:
    interval: str = "monthly"
    day: str | None = None
    time: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class Tier:
    name: str
    cooldown_days: int = 0  # Dependabot's cooldown: a release is proposed this many days after it is published
    skip: bool = False
    schedule: Schedule | None = None


@dataclass(frozen=True)
class Ignore:
    dependency: str
    versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Owner:
    assignees: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Override:
    """Settings for one workspace or directory; ``line`` is where it was written, for `explain`."""

    line: int
    workspace: str | None = None
    directory: str | None = None
    skip: bool = False
    open_pull_requests_limit: int | None = None
    ignore: tuple[Ignore, ...] = ()
    schedule: Schedule | None = None

    @property
    def label(self) -> str:
        return f"workspace {self.workspace}" if self.workspace else f"directory {self.directory}"


@dataclass(frozen=True)
class Policy:
    path: str
    schedule: Schedule = Schedule()
    allow: tuple[str, ...] = ()  # empty: every provider
    deny: tuple[str, ...] = ()
    tiers: tuple[Tier, ...] = (Tier("dev"), Tier("staging", 7), Tier("prod", 7), Tier("gxp", skip=True))
    default_tier: str = "prod"
    group_by_provider: bool = True
    open_pull_requests_limit: int = 5
    commit_message_prefix: str | None = None
    labels: tuple[str, ...] = ("dependencies", "terraform")
    owners: dict[str, Owner] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    target_branch: str | None = None

    def tier(self, name: str) -> Tier:
        return next(t for t in self.tiers if t.name == name)

    def tier_rank(self, name: str) -> int:
        return [t.name for t in self.tiers].index(name)


class _Reader:
    """Typed access to one YAML mapping with file:line errors."""

    def __init__(self, path: str, raw: object, where: int, what: str) -> None:
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}:{where}: {what} must be a mapping")
        self.path, self.raw, self.what = path, raw, what
        self.line = int(raw.get(LINE, where))

    def fail(self, message: str) -> ConfigError:
        return ConfigError(f"{self.path}:{self.line}: {self.what}: {message}")

    def only(self, *keys: str) -> None:
        unknown = sorted(str(k) for k in self.raw if k != LINE and k not in keys)
        if unknown:
            raise self.fail(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(keys)}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        value = self.raw.get(key, default)
        if value is default:
            return default
        if (isinstance(value, bool) and kind is int) or not isinstance(value, kind):
            name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(f"{key} must be a {name}, not {value!r}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        values = self.get(key, list, [])
        if not all(isinstance(v, str) and v for v in values):
            raise self.fail(f"{key} must be a list of non-empty strings")
        if len(set(values)) != len(values):
            raise self.fail(f"{key} lists a value twice")
        return tuple(values)

    def count(self, key: str, default: int | None) -> int | None:
        value = self.get(key, int, default)
        if value is not None and value < 0:
            raise self.fail(f"{key} must be 0 or more")
        return value  # type: ignore[no-any-return]


def _schedule(reader: _Reader, key: str) -> Schedule | None:
    if key not in reader.raw:
        return None
    sub = _Reader(reader.path, reader.raw[key], reader.line, key if reader.what == "policy" else f"{reader.what}.{key}")
    sub.only("interval", "day", "time", "timezone")
    interval = sub.get("interval", str, "monthly")
    if interval not in INTERVALS:
        raise sub.fail(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
    day = sub.get("day", str)
    if day is not None and (interval != "weekly" or day not in DAYS):
        raise sub.fail(f"day applies to weekly schedules and is one of {', '.join(DAYS)}")
    time = sub.get("time", str)
    if time is not None and not _TIME.match(time):
        raise sub.fail(f"time must be hh:mm (24-hour), not {time!r}")
    timezone = sub.get("timezone", str)
    if timezone is not None and timezone not in available_timezones():
        raise sub.fail(f"timezone {timezone!r} is not an IANA time zone")
    return Schedule(interval, day, time, timezone)


def _sources(reader: _Reader, key: str) -> tuple[str, ...]:
    values = reader.strings(key)
    bad = [v for v in values if not _SOURCE.match(v)]
    if bad:
        raise reader.fail(f"{key}: {', '.join(bad)} is not a provider source like hashicorp/aws (lowercase)")
    return values


def load_policy(path: Path) -> Policy:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)  # noqa: S506 - a SafeLoader
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the policy: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    top = _Reader(str(path), document if document is not None else {LINE: 1}, 1, "policy")
    top.only("version", "schedule", "providers", "tiers", "default_tier", "group_by_provider",
             "open_pull_requests_limit", "commit_message_prefix", "labels", "owners", "overrides", "target_branch")
    if top.get("version", int) != 1:
        raise top.fail("version: 1 is required")
    fields: dict[str, Any] = {"path": str(path)}
    if (schedule := _schedule(top, "schedule")) is not None:
        fields["schedule"] = schedule
    if "providers" in top.raw:
        providers = _Reader(str(path), top.raw["providers"], top.line, "providers")
        providers.only("allow", "deny")
        fields["allow"], fields["deny"] = _sources(providers, "allow"), _sources(providers, "deny")
        both = set(fields["allow"]) & set(fields["deny"])
        if both:
            raise providers.fail(f"{', '.join(sorted(both))} is both allowed and denied")
    if "tiers" in top.raw:
        raw_tiers = top.get("tiers", list)
        if not raw_tiers:
            raise top.fail("tiers must list at least one tier")
        tiers = []
        for raw in raw_tiers:
            tier = _Reader(str(path), raw, top.line, "tier")
            tier.only("name", "cooldown_days", "skip", "schedule")
            name = tier.get("name", str)
            if not name:
                raise tier.fail("name is required")
            tiers.append(Tier(name, tier.count("cooldown_days", 0) or 0, tier.get("skip", bool, False),
                              _schedule(tier, "schedule")))
        names = [t.name for t in tiers]
        if len(set(names)) != len(names):
            raise top.fail("tiers: a tier is listed twice")
        fields["tiers"] = tuple(tiers)
    tier_names = [t.name for t in fields.get("tiers", Policy.tiers)]
    default_tier = top.get("default_tier", str, "prod" if "prod" in tier_names else tier_names[-1])
    if default_tier not in tier_names:
        raise top.fail(f"default_tier {default_tier!r} is not one of the tiers ({', '.join(tier_names)})")
    fields["default_tier"] = default_tier
    fields["group_by_provider"] = top.get("group_by_provider", bool, True)
    fields["open_pull_requests_limit"] = top.count("open_pull_requests_limit", 5)
    prefix = top.get("commit_message_prefix", str)
    if prefix is not None and not 0 < len(prefix) <= COMMIT_PREFIX_MAX:
        raise top.fail(f"commit_message_prefix must be 1-{COMMIT_PREFIX_MAX} characters (Dependabot's limit)")
    fields["commit_message_prefix"] = prefix
    if "labels" in top.raw:
        fields["labels"] = top.strings("labels")
    fields["target_branch"] = top.get("target_branch", str)
    owners = {}
    for name, raw in top.get("owners", dict, {}).items():
        if name == LINE:
            continue
        owner = _Reader(str(path), raw, top.line, f"owners.{name}")
        owner.only("assignees", "labels")
        owners[str(name)] = Owner(owner.strings("assignees"), owner.strings("labels"))
    fields["owners"] = owners
    overrides = []
    for raw in top.get("overrides", list, []):
        override = _Reader(str(path), raw, top.line, "override")
        override.only("workspace", "directory", "skip", "open_pull_requests_limit", "ignore", "schedule")
        workspace, directory = override.get("workspace", str), override.get("directory", str)
        if (workspace is None) == (directory is None):
            raise override.fail("give exactly one of workspace or directory")
        ignores = []
        for raw_ignore in override.get("ignore", list, []):
            ignore = _Reader(str(path), raw_ignore, override.line, "ignore")
            ignore.only("dependency", "versions")
            dependency = ignore.get("dependency", str)
            if dependency is None or not _SOURCE.match(dependency):
                raise ignore.fail("dependency must be a provider source like hashicorp/aws")
            ignores.append(Ignore(dependency, ignore.strings("versions")))
        overrides.append(Override(override.line, workspace, directory.strip("/") if directory else None,
                                  override.get("skip", bool, False), override.count("open_pull_requests_limit", None),
                                  tuple(ignores), _schedule(override, "schedule")))
    fields["overrides"] = tuple(overrides)
    return Policy(**fields)
