"""Held-out style cases end to end: `tfc` on scenario files, as an infra engineer would try it before trusting it."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from tfc.cli.app import main
from tfc.sandbox import FaultSpec, Sandbox

SHA = "0123456789abcdef0123456789abcdef01234567"
ROLE = "aws_iam_role.deployer"


def trust(*accounts: str) -> str:
    return json.dumps({"Statement": [{"Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in accounts]}}]})


def run(changes: list[dict[str, Any]], *, author: str = "jdoe", status: str = "planned",
        outputs: dict[str, Any] | None = None, message: str = "change") -> dict[str, Any]:
    return {"status": status, "commit": SHA, "author": author, "message": message, "changes": changes,
            "outputs": outputs or {}}


def change(address: str, before: Any, after: Any, actions: tuple[str, ...] = ("update",)) -> dict[str, Any]:
    return {"address": address, "actions": list(actions), "before": before, "after": after}


def scenario(tmp_path: Path, workspaces: list[dict[str, Any]]) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump({"organization": "acme", "workspaces": workspaces}))
    return path


def tfc(path: Path, *args: str) -> int:
    return main(["--sandbox", str(path), "--rate-limit", "10000", *args])


def untagged_trust_case(tmp_path: Path) -> Path:
    """Two workspaces without `account:` tags; the second also trusts a foreign account."""
    return scenario(tmp_path, [
        {"name": "app-a", "tags": ["type:app"],
         "runs": [run([change(ROLE, {"policy": trust("111111111111")},
                                     {"policy": trust("111111111111", "111111111111")})])]},
        {"name": "app-b", "tags": ["type:app"],
         "runs": [run([change(ROLE, {"policy": trust("222222222222")},
                                     {"policy": trust("222222222222", "999999999999")})])]},
    ])


def test_a_foreign_account_never_hides_in_a_group(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = untagged_trust_case(tmp_path)
    assert tfc(path, "review", "--commit", SHA[:8], "--dry-run", "--output", "json") == 3
    out = json.loads(capsys.readouterr().out)
    assert sorted(g["workspaces"] for g in out["groups"]) == [["app-a"], ["app-b"]]


def test_a_person_approving_one_group_applies_only_what_they_saw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = untagged_trust_case(tmp_path)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["approve", "skip"])
    asked: list[str] = []

    def ask(prompt: str, **_: Any) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("rich.prompt.Prompt.ask", ask)
    monkeypatch.setattr("typer.confirm", lambda *a, **k: True)
    code = tfc(path, "review", "--commit", SHA[:8], "--audit-log", str(tmp_path / "audit.jsonl"))
    out = capsys.readouterr().out
    assert code == 3
    assert [line for line in out.splitlines() if line.startswith("Group ")] == [
        "Group 1 · 1 run · needs-review · no --wildcard rule given",
        "Group 2 · 1 run · needs-review · no --wildcard rule given",
    ]  # each group shown once, when the person is asked about it
    assert out.count("999999999999") == 1 and len(asked) == 2
    assert "1 applied, 0 failed, 1 left for a person" in out
    audit = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    applied = {entry["workspace"] for entry in audit if entry.get("event") == "apply"}
    assert applied == {"app-a"}


def test_tagged_workspaces_group_and_the_display_names_the_substitution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = scenario(tmp_path, [
        {"name": f"app-{n}", "tags": [f"account:{n * 12}"],
         "runs": [run([change(ROLE, {"policy": trust(n * 12)}, {"policy": trust(n * 12, n * 12)})])]}
        for n in "123"
    ])
    assert tfc(path, "review", "--commit", SHA[:8], "--wildcard", "update:aws_iam_role.*", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Group 1 · 3 runs · approve" in out
    assert ("diff of app-1; the other 2 plan(s) are identical once each workspace's own values are substituted: "
            "account id from `account:` tag (1 place)") in out
    assert "0 applied, 3 would be applied, 0 failed, 0 left for a person" in out


def test_author_filter_selects_the_commits_runs_by_that_login(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`tfc review --commit SHA --author LOGIN`, as the reminders print it."""
    path = scenario(tmp_path, [
        {"name": "app-a", "runs": [run([change("aws_s3_bucket.b", {"v": 1}, {"v": 2})], author="jdoe")]},
        {"name": "app-b", "runs": [run([change("aws_s3_bucket.b", {"v": 1}, {"v": 2})], author="alice")]},
    ])
    assert tfc(path, "review", "--commit", SHA, "--author", "JDoe", "--wildcard", "update:**", "--yes",
               "--output", "json", "--audit-log", str(tmp_path / "a.jsonl")) == 0
    out = json.loads(capsys.readouterr().out)
    assert [d["workspace"] for d in out["decisions"]] == ["app-a"]
    assert [r["outcome"] for r in out["results"]] == ["applying"]
    assert tfc(path, "review", "--commit", SHA, "--author", "nobody", "--dry-run") == 1
    assert f"no runs of commit {SHA} in organization acme in the selected workspaces" in capsys.readouterr().err


def test_outputs_only_and_unconfirmable_runs_are_left_for_a_person(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario(tmp_path, [
        {"name": "outputs", "runs": [run([], outputs={"url": {"actions": ["update"], "before": "a", "after": "b"}})]},
        {"name": "finished", "runs": [run([], status="planned_and_finished")]},
        {"name": "policy", "runs": [run([change("aws_s3_bucket.b", {"v": 1}, {"v": 2})], status="policy_override")]},
        {"name": "done", "runs": [run([change("aws_s3_bucket.b", {"v": 1}, {"v": 2})], status="applied")]},
    ])
    assert tfc(path, "apply", "--commit", SHA, "--wildcard", "*:**", "--output", "json",
               "--audit-log", str(tmp_path / "a.jsonl")) == 3
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["left_for_a_person"] == 3 and out["summary"]["nothing_to_do"] == 1
    assert out["summary"]["applied"] == 0 and "results" not in out
    reasons = {d["workspace"]: d["reason"] for d in [*out["decisions"], *out["reported"]]}
    assert reasons["outputs"] == ("planned with nothing TFC would apply (no changes, drift only or outputs only); "
                                  "look at the plan")
    assert reasons["finished"].startswith("planned and finished")
    assert reasons["done"] == "already applied"


def test_all_already_applied_exits_0_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario(tmp_path, [{"name": "done", "runs": [run([change("a.b", 1, 2)], status="applied")]}])
    assert tfc(path, "review", "--commit", SHA, "--yes") == 0
    assert "0 applied, 0 failed, 0 left for a person, 1 nothing to do" in capsys.readouterr().out


def test_markup_and_control_characters_in_tfc_data_are_printed_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 21 item 7: an address containing `[/]` made `tfc review` exit 70."""
    address = 'aws_s3_object.o["[/]x[bold]\x1b]8;;http://evil\x1b\\\\"]'
    path = scenario(tmp_path, [{"name": "app", "runs": [run([change(address, {"v": "[/]"}, {"v": "[red]"})],
                                                            message="[/] fix \x1b[2J")]}])
    assert tfc(path, "review", "--commit", SHA, "--dry-run") == 3
    out = capsys.readouterr().out
    assert "[/]x[bold]" in out and '"[/]" → "[red]"' in out and "\x1b" not in out
    assert tfc(path, "runs", "list") == 0
    assert "\x1b" not in capsys.readouterr().out


def test_lost_apply_responses_are_reported_as_confirmed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18 §3: the apply happens, its response is dropped; 5 of 5 are confirmed, not failed."""
    path = scenario(tmp_path, [{"name": f"app-{n}", "runs": [run([change("a.b", {"v": 1}, {"v": 2})])]}
                               for n in range(5)])
    real = Sandbox.from_scenario

    def faulty(source: Any, **kwargs: Any) -> Sandbox:
        return real(source, **kwargs, faults=FaultSpec(lost_5xx=1.0, only="/actions/apply"))

    monkeypatch.setattr(Sandbox, "from_scenario", faulty)
    audit = tmp_path / "audit.jsonl"
    assert tfc(path, "apply", "--commit", SHA, "--wildcard", "update:**", "--output", "json",
               "--audit-log", str(audit)) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["outcome"] for r in out["results"]] == ["applying"] * 5
    assert all("response" in r["detail"] and "lost" in r["detail"] for r in out["results"])
    entries = [json.loads(line) for line in audit.read_text().splitlines()]
    assert {e["outcome"] for e in entries if e.get("event") == "apply"} == {"applying"}
    assert stat.S_IMODE(audit.stat().st_mode) == 0o600


def test_list_and_status_json_are_one_object_with_a_schema_version(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario(tmp_path, [{"name": "app", "tags": ["type:app"], "runs": [run([change("a.b", 1, 2)])]}])
    for args, command, key in ((("runs", "list"), "runs list", "runs"),
                               (("workspaces", "list"), "workspaces list", "workspaces"),
                               (("status", "--commit", SHA), "status", "runs")):
        assert tfc(path, *args, "--output", "json") == 0
        document = json.loads(capsys.readouterr().out)
        assert (document["schema_version"], document["command"], len(document[key])) == (1, command, 1)
