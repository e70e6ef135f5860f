"""``--wildcard ACTION:ADDRESS`` rules.

ACTION is one of create, update, delete, replace, read or ``*``. ADDRESS is a resource-address pattern:

- ``*`` inside a part matches any characters within that part and never crosses a dot
  (``aws_*`` matches ``aws_iam_policy``; ``*`` alone matches one whole part);
- ``**`` as a whole part spans any number of parts, including none;
- a part written without an instance key matches every instance (``module.stack`` matches
  ``module.stack["us-east-1"]`` and ``module.stack[0]``); ``[*]`` matches any key but requires one;
  a written key (``["us-east-1"]``, ``[0]``) matches exactly that key, with ``*`` allowed inside a quoted key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tfc.errors import UsageError
from tfc.review.address import AddressSyntaxError, Part, is_star_key, parse_address

ACTIONS = ("create", "update", "delete", "replace", "read", "*")


class WildcardError(UsageError):
    """A malformed ``--wildcard``; the message shows the rule with a caret under the bad character."""

    def __init__(self, rule: str, position: int, problem: str) -> None:
        caret = " " * position + "^"
        super().__init__(f"invalid --wildcard {rule!r}: {problem} (character {position + 1})\n  {rule}\n  {caret}")
        self.rule = rule
        self.position = position


@dataclass(frozen=True, slots=True)
class Wildcard:
    text: str
    action: str
    parts: tuple[Part, ...]

    def __str__(self) -> str:
        return self.text

    def matches(self, action: str, address: tuple[Part, ...]) -> bool:
        return (self.action == "*" or self.action == action) and _match_parts(self.parts, address)


def parse_wildcard(rule: str) -> Wildcard:
    if rule != rule.strip():
        position = 0 if rule[:1].isspace() else len(rule.rstrip())
        raise WildcardError(rule, position, "remove the whitespace around the rule")
    action, colon, pattern = rule.partition(":")
    if not colon:
        raise WildcardError(rule, len(rule), "expected ACTION:ADDRESS, e.g. update:module.stack.*.access_controls")
    if action not in ACTIONS:
        raise WildcardError(rule, 0, f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    offset = len(action) + 1
    try:
        parts = parse_address(pattern, allow_star_key=True)
    except AddressSyntaxError as exc:
        raise WildcardError(rule, offset + exc.position, exc.problem) from None
    position = offset
    for part in parts:
        if "**" in part.name and (part.name != "**" or part.key is not None):
            raise WildcardError(rule, position + part.name.find("**"), "'**' must be a whole part on its own")
        position += len(str(part)) + 1
    return Wildcard(rule, action, parts)


def _match_parts(pattern: tuple[Part, ...], address: tuple[Part, ...]) -> bool:
    """Glob-match part sequences, where a ``**`` part consumes zero or more address parts."""
    # reachable[j]: the first i pattern parts can match the first j address parts
    reachable = [True] + [False] * len(address)
    for part in pattern:
        if part.name == "**":
            seen = False
            for j in range(len(reachable)):
                seen = seen or reachable[j]
                reachable[j] = seen
        else:
            reachable = [False] + [reachable[j] and _match_part(part, address[j]) for j in range(len(address))]
    return reachable[-1]


def _match_part(pattern: Part, part: Part) -> bool:
    if not _name_regex(pattern.name).fullmatch(part.name):
        return False
    if pattern.key is None:
        return True
    if is_star_key(pattern.key):
        return part.key is not None
    if isinstance(pattern.key, int) or isinstance(part.key, int) or part.key is None:
        return pattern.key == part.key
    return _name_regex(pattern.key).fullmatch(part.key) is not None


@lru_cache(maxsize=1024)
def _name_regex(glob: str) -> re.Pattern[str]:
    """``*`` matches anything within the part; no other glob characters are special."""
    return re.compile(".*".join(re.escape(piece) for piece in glob.split("*")), re.DOTALL)
