"""The account map: which cloud account a workspace's resources live in, and what each account is called.

A UTF-8 CSV file (a byte-order mark, as Excel writes, is allowed). The header row names the columns:

    workspace,account            one row per workspace: its account (the header may be left out)
    workspace,account,name       the same, and the account's display name
    account,name                 display names for accounts, e.g. the ids in workspaces' ``account:`` tags

Lines starting with ``#`` and blank lines are ignored. Every error names the file and line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tfc.errors import ConfigError

MAX_BYTES = 5 * 1024 * 1024
MAX_FIELD = 200
HEADERS = (("workspace", "account"), ("workspace", "account", "name"), ("account", "name"))
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class AccountMap:
    workspaces: dict[str, str] = field(default_factory=dict)  # workspace name -> account
    names: dict[str, str] = field(default_factory=dict)  # account -> display name
    source: str = ""

    def unknown_workspaces(self, known: Iterable[str]) -> list[str]:
        """The workspaces the map names that are not among ``known``, sorted."""
        return sorted(set(self.workspaces) - set(known))


def _text(data: bytes, source: str) -> str:
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{source}: the account map is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(f"{source}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x} at column {column}); "
                          "save the account map as UTF-8 CSV") from None


def _cell(value: str, what: str, where: str) -> str:
    value = value.strip()
    if not value:
        raise ConfigError(f"{where}: empty {what}")
    if _CONTROL.search(value):
        raise ConfigError(f"{where}: the {what} contains a control character")
    if len(value) > MAX_FIELD:
        raise ConfigError(f"{where}: the {what} is longer than {MAX_FIELD} characters")
    return value


def _rows(text: str, source: str) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#"):
                yield reader.line_num, row
    except csv.Error as exc:
        raise ConfigError(f"{source}:{reader.line_num}: not valid CSV ({exc})") from None


def parse_account_map(data: bytes, source: str) -> AccountMap:
    """The map in ``data`` (the bytes of the file or object named ``source``); ConfigError names file:line."""
    workspaces: dict[str, tuple[str, int]] = {}
    names: dict[str, tuple[str, int]] = {}
    columns: tuple[str, ...] | None = None
    for line, row in _rows(_text(data, source), source):
        where = f"{source}:{line}"
        cells = tuple(c.strip().lower() for c in row)
        if columns is None and cells in HEADERS:
            columns = cells
            continue
        if columns is None:
            columns = HEADERS[0] if len(row) == 2 else HEADERS[1] if len(row) == 3 else ()
        if len(row) != len(columns):
            expected = ",".join(columns) if columns else "workspace,account"
            raise ConfigError(f"{where}: expected {len(columns) or 2} fields ({expected}), found {len(row)}")
        record = {column: _cell(value, column, where) for column, value in zip(columns, row, strict=True)}
        if "workspace" in record:
            _once(workspaces, record["workspace"], record["account"], line, f"{where}: workspace")
        if "name" in record:
            _once(names, record["account"], record["name"], line, f"{where}: account")
    return AccountMap({k: v for k, (v, _) in workspaces.items()}, {k: v for k, (v, _) in names.items()}, source)


def _once(into: dict[str, tuple[str, int]], key: str, value: str, line: int, what: str) -> None:
    """Record key -> value; the same key with another value on another line is an error naming both lines."""
    seen = into.get(key)
    if seen is not None and seen[0] != value:
        raise ConfigError(f"{what} {key!r} is mapped to {value!r} here and to {seen[0]!r} on line {seen[1]}")
    into.setdefault(key, (value, line))
