"""Terminal and JSON output every command shares: consoles that never wrap for scripts, data printed as text.

Rich interprets ``[...]`` as markup and a terminal interprets escape sequences; TFC data (workspace names, run
messages, resource addresses, commit messages) may contain either. Everything that did not come from this program's
own string literals goes through :func:`plain` before it reaches a console.
"""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape

JSON_SCHEMA_VERSION = 1

# C0 controls except tab and newline, DEL, and the C1 block (0x80-0x9f: CSI, OSC, ST in their 8-bit forms).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: object) -> str:
    """``text`` made safe to print: control characters shown as escapes (``\\x1b``), Rich markup escaped."""
    value = str(text)
    value = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", value)
    return escape(value)


def make_console(stderr: bool = False, *, file: TextIO | None = None) -> Console:
    """A console for people that never wraps or truncates lines when its stream is not a terminal.

    On a terminal, Rich wraps at the terminal's width; in a pipe, a CI log or a file every line is written whole, so
    grep, CI annotations and copy-paste see exactly what was meant.
    """
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    is_terminal = stream.isatty()
    return Console(
        file=file,  # None: Rich resolves sys.stdout/sys.stderr at each write (test runners swap them)
        stderr=stderr,
        highlight=False,
        soft_wrap=not is_terminal,
        width=None if is_terminal else 100_000,
        emoji=False,
    )


def json_document(command: str, data: dict[str, Any]) -> dict[str, Any]:
    """The one object a command prints for ``--output json``: ``schema_version`` and ``command`` first, then data."""
    reserved = {"schema_version", "command"} & data.keys()
    if reserved:
        raise ValueError(f"json_document data must not set {sorted(reserved)}")
    return {"schema_version": JSON_SCHEMA_VERSION, "command": command, **data}
