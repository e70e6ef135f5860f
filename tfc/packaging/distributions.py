"""From imported top-level names to the distributions a package must ship, with their requirements' closure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata

from packaging.markers import default_environment
from packaging.requirements import Requirement

# Lambda's Python runtimes ship boto3 and what it needs; a package carrying its own copy only grows (and can go stale
# against the runtime's patched one). A job that must pin boto3 would list it in ``pinned``.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath"})


@dataclass(frozen=True)
class Target:
    """The Lambda runtime a package is built for."""

    python: str = "3.12"
    machine: str = "aarch64"  # Lambda's arm64

    def marker_environment(self) -> dict[str, str]:
        env: dict[str, str] = {key: str(value) for key, value in default_environment().items()}
        env.update(python_version=self.python, python_full_version=f"{self.python}.0", platform_machine=self.machine,
                   sys_platform="linux", platform_system="Linux", os_name="posix",
                   implementation_name="cpython", platform_python_implementation="CPython")
        return env


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def distributions_for(top_level: Iterable[str], provided: Mapping[str, list[str]] | None = None) -> set[str]:
    """The installed distributions that provide these top-level modules (an unknown name is an error)."""
    owners = provided if provided is not None else metadata.packages_distributions()
    found: set[str] = set()
    for name in sorted(top_level):
        dists = owners.get(name)
        if not dists:
            raise LookupError(f"no installed distribution provides the module {name!r}")
        found.update(canonical(dist) for dist in dists)
    return found


def requirement_closure(roots: Iterable[str], target: Target, excluded: frozenset[str] = RUNTIME_PROVIDED) -> set[str]:
    """``roots`` and everything they require on ``target``, minus ``excluded`` (and what only they require)."""
    env = target.marker_environment()
    closure: set[str] = set()
    todo = [canonical(name) for name in roots]
    while todo:
        name = todo.pop()
        if name in closure or name in excluded:
            continue
        closure.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate({**env, "extra": ""}):
                continue
            todo.append(canonical(requirement.name))
    return closure


def pinned(names: Iterable[str]) -> list[str]:
    """``name==version`` for each distribution as installed here, so a build is reproducible from this environment."""
    return sorted(f"{name}=={metadata.version(name)}" for name in names)
