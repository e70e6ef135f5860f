"""The shared output helpers: data printed as text, no wrapping for scripts, one JSON object per command."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tfc.cli.output import JSON_SCHEMA_VERSION, json_document, make_console, plain


@pytest.mark.parametrize(
    ("raw", "printed"),
    [
        ("module.a[/]", "module.a[/]"),
        ("[bold red]hi[/]", "[bold red]hi[/]"),
        ("\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ end", "\\x1b]8;;http://evil.example\\x1b\\click\\x1b]8;;\\x1b\\ end"),
        ("bell\x07 csi\x9b", "bell\\x07 csi\\x9b"),
        ("two\nlines", "two\nlines"),
    ],
)
def test_plain_prints_data_as_text(raw: str, printed: str) -> None:
    out = io.StringIO()
    make_console(file=out).print(plain(raw), end="")
    assert out.getvalue() == printed


@given(st.text())
def test_plain_never_lets_markup_or_escapes_through(raw: str) -> None:
    out = io.StringIO()
    make_console(file=out).print(plain(raw), end="")
    text = out.getvalue()
    assert "\x1b" not in text
    assert not any(0x80 <= ord(c) <= 0x9F or (ord(c) < 0x20 and c not in "\t\n") for c in text)


def test_console_does_not_wrap_when_not_a_terminal() -> None:
    out = io.StringIO()
    line = "/very/long/path/" * 40
    make_console(file=out).print(line)
    assert out.getvalue() == line + "\n"


def test_json_document_carries_schema_version_and_command() -> None:
    assert json_document("review", {"runs": []}) == {
        "schema_version": JSON_SCHEMA_VERSION,
        "command": "review",
        "runs": [],
    }
    with pytest.raises(ValueError, match="schema_version"):
        json_document("review", {"schema_version": 2})
