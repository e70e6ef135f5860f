"""Untrusted files fail fast with an error naming the file: YAML alias bombs, self-references, deep nesting, and
malformed terraform credentials files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dependency_map.roots import roots_from_file
from tfc.errors import ConfigError
from tfc.sandbox import Sandbox
from tfc.settings import SettingsFlags, resolve_settings
from tfc.yamllines import (
    LINE,
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    FastLineLoader,
    LineLoader,
    YamlLimitError,
    check_expansion,
    load_yaml,
)

LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{c}: &{c} [{','.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
)
MERGE_LAUGHS = "\n".join(
    ["a: &a {a0: 1, a1: 1, a2: 1, a3: 1, a4: 1, a5: 1, a6: 1, a7: 1}"]
    + [f"{c}: &{c} {{<<: [{', '.join([f'*{p}'] * 8)}]}}" for p, c in zip("abcdefg", "bcdefgh", strict=True)]
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_bomb_is_about_500_bytes() -> None:
    """The documents below are the small files of the issue, not large ones."""
    assert len(LAUGHS) < 500 and len(MERGE_LAUGHS) < 500


LOADERS = pytest.mark.parametrize("loader", [LineLoader, FastLineLoader], ids=["python", "libyaml"])


@LOADERS
@pytest.mark.parametrize("text", [LAUGHS, MERGE_LAUGHS], ids=["lists", "merge-keys"])
def test_an_alias_bomb_is_refused_with_file_and_line(tmp_path: Path, text: str, loader: type) -> None:
    """A billion-laughs document is refused while composing, naming file:line and the limit."""
    path = _write(tmp_path, "bomb.yaml", text)
    with pytest.raises(ConfigError, match=rf"^{path}:\d+: roots file refused: aliases expand to .* nodes"):
        load_yaml(path, "roots file", loader=loader)


# Six levels of nine: 531,441 leaves, refused; small enough that the loaders without the limit finish quickly.
SMALL_LAUGHS = "\n".join(LAUGHS.splitlines()[:6])


@pytest.mark.parametrize(
    "text",
    [
        f"{SMALL_LAUGHS}\nworkspaces: {{net: {{working_directory: net, tags: *f}}}}\n",
        "workspaces: &w {a: {working_directory: x, tags: [*w]}}\n",
    ],
    ids=["bomb", "cycle"],
)
def test_the_roots_file_loader_refuses_bombs_and_cycles(tmp_path: Path, text: str) -> None:
    """dependency_map's roots file goes through LineLoader, so it gets the limits (error names file:line)."""
    path = _write(tmp_path, "roots.yaml", text)
    with pytest.raises(ConfigError, match=rf"^{path}:\d+: (not valid YAML|aliases expand|an alias refers)"):
        roots_from_file(path)


def test_the_scenario_loader_refuses_a_bomb(tmp_path: Path) -> None:
    """The sandbox's scenario files go through LineLoader too."""
    path = _write(tmp_path, "scenario.yaml", f"organization: acme\n{SMALL_LAUGHS}\nworkspaces: []\n")
    with pytest.raises(ConfigError, match=rf"^{path}:\d+: not valid YAML: aliases expand to"):
        Sandbox.from_scenario(path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: &a [1, *a]\n", "refused: an alias refers to a node that contains it"),
        ("a: &a {b: *a}\n", "refused: an alias refers to a node that contains it"),
        ("x: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), f"refused: nested deeper than {MAX_DEPTH} levels"),
        # libyaml stops at its own limit (1,000) before composing; either way a clear error, never a crash
        (
            "x: " + "[" * 5000 + "]" * 5000,
            f"(refused: nested deeper than {MAX_DEPTH} levels|is not valid YAML: exceeded maximum nesting depth)",
        ),
    ],
)
@LOADERS
def test_cycles_and_deep_nesting_are_refused(tmp_path: Path, text: str, problem: str, loader: type) -> None:
    """A self-referencing alias or nesting past the limit is a clear error, never a RecursionError."""
    path = _write(tmp_path, "config.yaml", text)
    with pytest.raises(ConfigError, match=rf"^{path}:1: scenario {problem}"):
        load_yaml(path, "scenario", loader=loader)


@LOADERS
def test_nesting_at_the_limit_and_ordinary_anchors_load(tmp_path: Path, loader: type) -> None:
    """Anchors reused many times (shared tag lists) and nesting up to the limit are fine; lines are kept."""
    workspaces = "\n".join(f"  ws-{i}: {{working_directory: d{i}, tags: *tags}}" for i in range(1500))
    text = f"common: &tags [a, b, c]\nworkspaces:\n{workspaces}\n"
    document = load_yaml(_write(tmp_path, "roots.yaml", text), "roots file", loader=loader)
    assert document["workspaces"]["ws-1499"]["tags"] == ["a", "b", "c"]
    assert document["workspaces"]["ws-0"][LINE] == 3
    nested = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert load_yaml(_write(tmp_path, "deep.yaml", nested), "scenario", loader=loader) is not None


@settings(max_examples=60, deadline=None)
@given(width=st.integers(1, 12), levels=st.integers(1, 7))
def test_expansion_is_counted_exactly(width: int, levels: int) -> None:
    """The expanded size is 1 + the sum over children, aliases counted each time: width**levels leaves."""
    lines = [f"l0: &l0 [{', '.join(['x'] * width)}]"]
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * width)}]" for n in range(1, levels)]
    node = yaml.compose("\n".join(lines), Loader=yaml.SafeLoader)
    per_level = [1 + width]  # l0: a list of `width` scalars
    for _ in range(1, levels):
        per_level.append(1 + width * per_level[-1])  # each level: a list of `width` aliases to the one below
    expected = 1 + levels + sum(per_level)  # the mapping, its keys, its values expanded
    distinct = 1 + levels + (1 + width) + (levels - 1)
    assert check_expansion(node, limit=10**12) == expected
    if expected - distinct > MAX_ALIAS_NODES:
        with pytest.raises(YamlLimitError):
            check_expansion(node)
    else:
        assert check_expansion(node) == expected


def test_syntax_errors_still_name_the_line(tmp_path: Path) -> None:
    """A plain syntax error keeps its file:line and problem."""
    path = _write(tmp_path, "bad.yaml", "a: 1\nb: [\n")
    with pytest.raises(ConfigError, match=rf"^{path}:3: roots file is not valid YAML"):
        load_yaml(path, "roots file")
    assert yaml.load("a: 1", Loader=LineLoader) == {"a": 1, LINE: 1}  # noqa: S506


# -- credentials.tfrc.json ------------------------------------------------------------------------------------


def _credentials(home: Path, content: bytes) -> Path:
    path = home / ".terraform.d" / "credentials.tfrc.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{}", r"credentials file is not UTF-8 text"),
        (b"[]", r'expected a JSON object with "credentials", found list'),
        (b'{"credentials": ["app.terraform.io"]}', r'"credentials" must be an object of hostname'),
        (b'{"credentials": {"tfc.example.com": "tok"}}', r'credentials\["tfc.example.com"\] must be an object'),
        (b'{"credentials": {"tfc.example.com": {"token": 12345}}}', r'credentials\["tfc.example.com"\].token must'),
        (b'{"credentials": {"TFC.example.com": {"token": "  "}}}', r'credentials\["TFC.example.com"\].token must'),
        (b'{"credentials": {"tfc.example.com": {}}}', r'credentials\["tfc.example.com"\].token must be'),
    ],
)
def test_a_malformed_credentials_file_is_a_clear_error(fake_home: Path, content: bytes, message: str) -> None:
    """Each malformed shape names the file and the field, not 'no API token'."""
    path = _credentials(fake_home, content)
    with pytest.raises(ConfigError, match=rf"^{path}: .*{message}") as caught:
        resolve_settings(SettingsFlags(hostname="tfc.example.com"), {"HOME": str(fake_home)})
    assert "12345" not in str(caught.value)


def test_an_unreadable_credentials_file_is_a_clear_error(fake_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file we may not read is a ConfigError with its path, not an internal error (the suite may run as root,
    which reads any file, so the refusal is simulated)."""
    path = _credentials(fake_home, json.dumps({"credentials": {}}).encode())

    def refuse(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", refuse)
    with pytest.raises(ConfigError, match=rf"^{path}: cannot read the credentials file: Permission denied"):
        resolve_settings(SettingsFlags(hostname="tfc.example.com"), {"HOME": str(fake_home)})


def test_other_hosts_entries_are_not_judged(fake_home: Path) -> None:
    """A malformed entry for another host does not stop ours; whitespace around our token is dropped."""
    _credentials(
        fake_home,
        json.dumps({"credentials": {"other.example": 5, "tfc.example.com": {"token": " tok-123\n"}}}).encode(),
    )
    settings_ = resolve_settings(SettingsFlags(hostname="tfc.example.com"), {"HOME": str(fake_home)})
    assert settings_.token.reveal() == "tok-123"


def test_a_file_without_credentials_falls_through_to_the_missing_token_error(fake_home: Path) -> None:
    """A credentials file with no entries at all is not malformed: the usual 'how to set a token' error follows."""
    _credentials(fake_home, b'{"credentials_helper": {}}')
    with pytest.raises(ConfigError, match=r"no API token for tfc\.example\.com"):
        resolve_settings(SettingsFlags(hostname="tfc.example.com"), {"HOME": str(fake_home)})

