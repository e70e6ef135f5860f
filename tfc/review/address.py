"""Terraform resource addresses split into dot-separated parts, with instance keys parsed properly.

``module.stack["us-east-1"].aws_iam_policy.access_controls`` has four parts; the second is named ``stack`` and
carries the instance key ``"us-east-1"``. Keys may contain dots, brackets and escaped quotes
(``module.x["a.b"]``), so the address is scanned character by character rather than split on dots.
"""

from __future__ import annotations

from dataclasses import dataclass

NO_KEY = None


@dataclass(frozen=True, slots=True)
class Part:
    """One dot-separated step of an address: a name and, for ``count``/``for_each`` instances, a key."""

    name: str
    key: str | int | None = NO_KEY  # a for_each key is a str, a count index an int

    def __str__(self) -> str:
        if self.key is None:
            return self.name
        if isinstance(self.key, int):
            return f"{self.name}[{self.key}]"
        return f"{self.name}[{_quote(self.key)}]"


class AddressSyntaxError(ValueError):
    def __init__(self, text: str, position: int, problem: str) -> None:
        super().__init__(f"{problem} at character {position + 1}")
        self.text = text
        self.position = position
        self.problem = problem


def _quote(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_address(text: str, *, allow_star_key: bool = False) -> tuple[Part, ...]:
    """Split ``text`` into parts; raise AddressSyntaxError naming the offending position.

    With ``allow_star_key`` (patterns) an instance key may be ``[*]``, kept as the string key ``"*"``
    in an unquoted form that :func:`is_star_key` recognises.
    """
    parts: list[Part] = []
    i, n = 0, len(text)
    if n == 0:
        raise AddressSyntaxError(text, 0, "empty address")
    while True:
        start = i
        while i < n and text[i] not in ".[]\"":
            i += 1
        name = text[start:i]
        if not name:
            raise AddressSyntaxError(text, i, "empty part")
        space = next((start + k for k, char in enumerate(name) if char.isspace()), None)
        if space is not None:
            raise AddressSyntaxError(text, space, "whitespace outside a quoted key")
        key: str | int | None = None
        if i < n and text[i] == "[":
            key, i = _parse_key(text, i, allow_star_key=allow_star_key)
        parts.append(Part(name, key))
        if i == n:
            return tuple(parts)
        if text[i] != ".":
            raise AddressSyntaxError(text, i, f"unexpected {text[i]!r}")
        i += 1
        if i == n:
            raise AddressSyntaxError(text, i - 1, "trailing '.'")


STAR_KEY = "\x00*"  # a sentinel no real for_each key can be (keys come from JSON strings we parse)


def is_star_key(key: str | int | None) -> bool:
    return key == STAR_KEY


def _parse_key(text: str, i: int, *, allow_star_key: bool) -> tuple[str | int, int]:
    """Parse ``[...]`` starting at ``text[i] == '['``; return the key and the index after ``]``."""
    n = len(text)
    open_at = i
    i += 1
    if i < n and text[i] == '"':
        i += 1
        chars: list[str] = []
        while i < n and text[i] != '"':
            if text[i] == "\\":
                i += 1
                if i == n:
                    break
            chars.append(text[i])
            i += 1
        if i >= n:
            raise AddressSyntaxError(text, open_at, "unterminated string key")
        i += 1  # closing quote
        key: str | int = "".join(chars)
    else:
        start = i
        while i < n and text[i] != "]":
            i += 1
        if i >= n:
            raise AddressSyntaxError(text, open_at, "missing ']'")
        raw = text[start:i]
        if allow_star_key and raw == "*":
            key = STAR_KEY
        elif raw.isdigit():
            key = int(raw)
        else:
            raise AddressSyntaxError(text, start, "instance key must be a number or a quoted string")
    if i >= n or text[i] != "]":
        raise AddressSyntaxError(text, min(i, n - 1) if n else 0, "missing ']'")
    return key, i + 1


def format_address(parts: tuple[Part, ...]) -> str:
    return ".".join(str(part) for part in parts)
