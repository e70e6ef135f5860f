"""The CLI end to end over respx: commands, exit codes, and a canary that the token never leaks."""

from __future__ import annotations

import inspect
import json
import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import respx

from tfc import __version__
from tfc.cli import main
from tfc.cli.lazy import COMMANDS, SUMMARIES, load

from .helpers import API, TOKEN, page, workspace

ARCHIVIST = "https://archivist.example.net/v1/object/SIGNED-SECRET-zzz"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFE_TOKEN", TOKEN)
    monkeypatch.setenv("TFE_HOSTNAME", "tfc.example.com")
    monkeypatch.setenv("TFE_ORGANIZATION", "acme")


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retry waits are recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


@pytest.fixture
def router() -> respx.MockRouter:
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as mock:
        yield mock


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version and exits 0."""
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """--help lists the exit codes."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "Exit codes" in out and "130" in out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A typo exits 2 with a hint."""
    assert main(["workspaces", "lst"]) == 2
    assert "No such command" in capsys.readouterr().err


def test_workspaces_list_json(env: None, router: respx.MockRouter, capsys: pytest.CaptureFixture[str]) -> None:
    """`tfc workspaces list --output json` returns records filtered by tags and name globs."""
    route = router.get(f"{API}/organizations/acme/workspaces").mock(
        return_value=httpx.Response(
            200,
            json=page(
                [
                    workspace("ws-1", "payments-prod", **{"tag-names": ["type:deploy"]}),
                    workspace("ws-2", "search-prod", **{"tag-names": ["type:deploy"]}),
                ],
                1,
                1,
            ),
        )
    )
    code = main(["workspaces", "list", "--tag", "type:deploy", "--name", "pay*", "--output", "json"])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["schema_version"], document["command"]) == (1, "workspaces list")
    records = document["workspaces"]
    assert [r["name"] for r in records] == ["payments-prod"]
    assert records[0]["tag_names"] == ["type:deploy"]
    assert route.calls[0].request.url.params["search[tags]"] == "type:deploy"


def test_runs_list_rejects_short_commit(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    """A commit prefix under 7 hex characters is a usage error."""
    assert main(["runs", "list", "--commit", "abc"]) == 2
    assert "at least 7 hexadecimal" in capsys.readouterr().err


def test_missing_token_exits_1_with_advice(capsys: pytest.CaptureFixture[str]) -> None:
    """Without any token the CLI says how to set one and exits 1."""
    assert main(["-o", "acme", "workspaces", "list"]) == 1
    assert "TFE_TOKEN" in capsys.readouterr().err


@pytest.mark.parametrize("debug", [False, True])
def test_canary_token_and_signed_urls_never_leak(
    env: None,
    router: respx.MockRouter,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    debug: bool,
) -> None:
    """Through errors, --debug tracebacks and logging, neither the token nor an archivist URL shows up."""
    caplog.set_level(logging.DEBUG)
    router.get(f"{API}/organizations/acme/workspaces").mock(
        return_value=httpx.Response(401, json={"errors": [{"status": "401", "title": "unauthorized"}]})
    )
    router.get(f"{API}/organizations/acme/runs").mock(side_effect=[httpx.ConnectError(f"failed for {ARCHIVIST}")] * 5)
    args = ["--debug"] if debug else []
    assert main([*args, "workspaces", "list"]) == 1
    assert main([*args, "--token", TOKEN, "runs", "list"]) == 1
    captured = capsys.readouterr()
    texts = [captured.out, captured.err, caplog.text, *(r.getMessage() for r in caplog.records)]
    for text in texts:
        assert TOKEN not in text
        assert "SIGNED-SECRET" not in text
    assert "401" in captured.err and "connection to tfc.example.com failed" in captured.err


def test_stats_prints_request_counts(env: None, router: respx.MockRouter, capsys: pytest.CaptureFixture[str]) -> None:
    """--stats reports the requests the command made on stderr."""
    router.get(f"{API}/organizations/acme/workspaces").mock(return_value=httpx.Response(200, json=page([], 1, 1)))
    assert main(["--stats", "workspaces", "list", "--output", "json"]) == 0
    err = capsys.readouterr().err
    assert '"requests": 1' in err


def test_workspaces_list_against_the_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    from tfc.cli.app import main

    assert main(["--sandbox", "demo", "--rate-limit", "10000", "workspaces", "list", "--tag", "type:account",
                 "--output", "json"]) == 0
    records = json.loads(capsys.readouterr().out)["workspaces"]
    assert len(records) == 38 and all("type:account" in r["tag_names"] for r in records)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_lazy_summary_is_the_commands_own_help(name: str) -> None:
    """`tfc --help` lists registered summaries without importing commands: each must say what the command says."""
    command = load(name)
    first_paragraph = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0].strip()
    assert SUMMARIES[name] == first_paragraph


def test_root_help_lists_every_command_without_importing_it() -> None:
    code = ("import sys; from tfc.cli.app import main; main(['--help']); "
            "print(sorted(m for m in sys.modules if m.startswith('tfc.cli.') and m not in "
            "('tfc.cli.app', 'tfc.cli.context', 'tfc.cli.lazy', 'tfc.cli.output')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parents[2])
    *page, imported = done.stdout.strip().splitlines()
    assert imported == "[]"
    listed = "\n".join(page)
    assert all(f"│ {name} " in listed for name in COMMANDS)
