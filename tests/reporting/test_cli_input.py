"""`tfc usage report` on bad input: clear errors with file:line, exit 1 or 2 (never 70), and an unusable --out
found before anything is fetched."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.reporting.test_usage_e2e import SCENARIO
from tfc.cli.app import main


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO)
    return path


def report(scenario: Path, *args: str) -> int:
    return main(["--sandbox", str(scenario), "--rate-limit", "10000", "usage", "report", "--days", "7", *args])


def test_a_non_utf8_account_map_is_an_error_naming_the_line(scenario: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes(b"workspace,account\nnet-prod,Z\xfcrich\n")
    assert report(scenario, "--out", str(tmp_path / "out"), "--account-map", str(accounts)) == 1
    assert f"{accounts}:2: not UTF-8 (byte 0xfc at column 11)" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # refused before anything was written or fetched


def test_a_bom_prefixed_map_with_names_labels_accounts(scenario: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("\ufeffworkspace,account,name\r\nnet-prod,111111111111,Network prod\r\n"
                        "old-ws,999,Gone\r\nretired,999,Gone\r\n", encoding="utf-8")
    out = tmp_path / "out"
    assert report(scenario, "--out", str(out), "--account-map", str(accounts), "--no-charts", "--output", "json") == 0
    captured = capsys.readouterr()
    notes = json.loads(captured.out)["fetch"]["notes"]
    assert notes == [f"{accounts}: 2 workspaces not in the organization (ignored): old-ws, retired"]
    assert "old-ws, retired" in captured.err  # warned on stderr too, not only inside the JSON
    rows = list(csv.DictReader((out / "workspaces_latest.csv").read_text().splitlines()))
    assert {r["workspace"]: (r["account"], r["account_name"]) for r in rows}["net-prod"] == ("111111111111",
                                                                                           "Network prod")
    assert (out / "index.html").exists() and not (out / "rum_by_account.png").exists()


@pytest.mark.parametrize("where", ["file", "file/below"])
def test_an_unusable_out_is_found_before_fetching(where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("not a directory")
    # a TFC nobody listens on: had the report fetched first, it would fail on the connection, not on --out
    for name, value in {"TFE_ADDRESS": "http://127.0.0.1:9", "TFE_TOKEN": "t0ken-canary",
                        "TFE_ORGANIZATION": "acme"}.items():
        monkeypatch.setenv(name, value)
    code = main(["usage", "report", "--out", str(tmp_path / where)])
    err = capsys.readouterr().err
    assert code == 1 and f"--out {tmp_path / where}: cannot write there" in err
    assert "127.0.0.1" not in err and "t0ken-canary" not in err


def test_a_cache_that_is_a_directory_is_refused_before_fetching(scenario: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert report(scenario, "--out", str(tmp_path / "out"), "--cache", str(tmp_path)) == 1
    assert f"--cache {tmp_path}: is a directory" in capsys.readouterr().err


def test_a_renewal_date_not_after_the_period_is_a_usage_error(scenario: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert report(scenario, "--out", str(tmp_path / "out"), "--renewal-date", "2001-01-01") == 2
    assert "--renewal-date 2001-01-01 is not after the report's last day" in capsys.readouterr().err


def test_tfc_data_is_printed_as_text_and_json_is_versioned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(SCENARIO.replace("{type: aws_s3_bucket, name: logs, count: 2}",
                                         '{type: "aws_[/]bad\\e[31m", name: logs, count: 7}'))
    assert report(scenario, "--out", str(tmp_path / "out"), "--no-charts") == 0
    out = capsys.readouterr().out
    assert "aws_[/]bad\\x1b[31m +7" in out and "\x1b" not in out  # shown as text, the escape neutralised
    assert report(scenario, "--out", str(tmp_path / "out"), "--no-charts", "--output", "json") == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["schema_version"], document["command"]) == (1, "usage report")
    assert document["top_growers"]["resource_types"][0]["name"] == "aws_[/]bad\x1b[31m"
