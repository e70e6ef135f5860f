"""The dependency map on a real-world-shaped monorepo: resolution rules, failures, YAML, affected, why."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import hcl2
import pytest

from dependency_map.hcl import extract_hcl
from dependency_map.mapping import affected_workspaces, build_map, changed_since, module_graph, to_dot, to_mermaid, why
from dependency_map.output import load_patterns
from dependency_map.refs import PATH_MODULE, PATH_ROOT
from dependency_map.roots import roots_from_file
from tfc.cli.app import main
from tfc.errors import ConfigError

from .monorepo import FILES, write_monorepo

APP_PROD = [
    "/envs/prod/app/*.tf", "/envs/prod/app/*.tf.json", "/envs/prod/app/*.tfvars", "/envs/prod/app/*.tfvars.json",
    "/envs/prod/app/.terraform.lock.hcl", "/envs/prod/app/banner.txt", "/envs/prod/app/policies/app.json",
    "/envs/prod/app/settings.json", "/envs/prod/app/templates/**", "/modules/alarms/*.tf", "/modules/alarms/*.tf.json",
    "/modules/alarms/alarm.txt", "/modules/stack/*.tf", "/modules/stack/*.tf.json", "/modules/stack/iam/**",
    "/modules/stack/iam/*.tf", "/modules/stack/iam/*.tf.json", "/modules/stack/iam/policy documents/access.json",
    "/modules/stack/iam/tags/*.json",
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_monorepo(tmp_path / "repo")


def mapped(repo: Path):  # type: ignore[no-untyped-def]
    return build_map(repo, roots_from_file(repo / "workspaces.yaml"), cache_path=repo / ".tfc-cache" / "deps.json")


def test_patterns_follow_terraforms_path_rules(repo: Path) -> None:
    result = mapped(repo)
    app = result.maps["app-prod"]
    assert app.patterns == APP_PROD
    canary = result.maps["app-canary"].patterns
    # the shared module's literal ./settings.json is relative to each root: different files per workspace
    assert "/envs/prod/app/canary/settings.json" in canary and "/envs/prod/app/settings.json" not in canary
    assert not any("retired" in p for p in app.patterns)  # commented-out modules are not followed
    assert not any("registry" in p or "terraform-aws-modules" in p for p in app.patterns)
    assert result.maps["net-dev"].patterns[-2:] == ["/modules/net/*.tf.json", "/shared/providers.tf"]  # symlinks
    warnings = "\n".join(app.warnings)
    assert "envs/prod/app/main.tf:20: templatefile() path is dynamic; widened to envs/prod/app/templates/" in warnings


def test_nested_roots_do_not_trigger_each_other(repo: Path) -> None:
    patterns = {name: m.patterns for name, m in mapped(repo).maps.items()}
    assert affected_workspaces(patterns, ["envs/prod/app/canary/main.tf"]) == ["app-canary"]
    assert affected_workspaces(patterns, ["envs/prod/app/main.tf"]) == ["app-prod"]
    assert affected_workspaces(patterns, ["modules/stack/iam/main.tf"]) == ["app-canary", "app-prod"]
    assert affected_workspaces(patterns, ["modules/alarms/alarm.txt"]) == ["app-prod"]
    assert affected_workspaces(patterns, ["shared/providers.tf"]) == ["net-dev"]
    assert affected_workspaces(patterns, ["modules/retired/main.tf", "README.md"]) == []
    assert affected_workspaces(patterns, ["envs/prod/app/lib/main.tf"]) == ["net-dev"]  # a module in app's tree


def test_failures_name_file_and_line_and_do_not_stop_the_others(repo: Path) -> None:
    result = mapped(repo)
    assert set(result.maps) == {"app-prod", "app-canary", "net-dev"}
    assert result.errors["broken-syntax"].startswith("envs/broken/syntax/main.tf:")
    assert "HCL syntax error" in result.errors["broken-syntax"]
    assert result.errors["broken-missing"] == (
        'envs/broken/missing/main.tf:2: module "gone": source ../../../modules/nope is not a directory')
    assert result.errors["broken-cycle"].startswith("module cycle: envs/broken/cycle/main.tf:2 (modules/cycle_a)")
    assert result.errors["broken-cycle"].endswith("modules/cycle_b/main.tf:2 (modules/cycle_a)")


def test_each_file_is_parsed_once_and_a_rerun_uses_the_cache(repo: Path) -> None:
    first = mapped(repo)
    tf_files = sum(1 for name in FILES if name.endswith((".tf", ".tf.json"))) + 1  # + the symlinked root main.tf
    assert first.files_parsed <= tf_files  # modules shared by two roots are parsed once
    again = mapped(repo)
    assert again.files_parsed == 0 and again.cache_hits == first.files_parsed
    assert {n: m.patterns for n, m in again.maps.items()} == {n: m.patterns for n, m in first.maps.items()}
    (repo / "modules/stack/main.tf").write_text('module "iam" {\n  source = "./iam"\n}\n')
    assert mapped(repo).files_parsed == 1  # only the changed file


def test_why_gives_the_chain_with_file_and_line(repo: Path) -> None:
    app = mapped(repo).maps["app-prod"]
    found = why(app, "modules/stack/iam/policy documents/access.json")
    assert found is not None
    pattern, chain = found
    assert pattern == "/modules/stack/iam/policy documents/access.json"
    assert [h.where for h in chain] == ["envs/prod/app/main.tf:4", "modules/stack/main.tf:3", "modules/stack/iam/main.tf:3"]
    assert why(app, "modules/net/main.tf") is None


def test_graph_formats(repo: Path) -> None:
    graph = module_graph(mapped(repo).maps.values())
    assert graph.has_edge("envs/prod/app", "modules/stack") and graph.has_edge("modules/stack", "modules/stack/iam")
    assert '"modules/stack" -> "modules/stack/iam";' in to_dot(graph)
    assert to_mermaid(graph).startswith("graph LR\n")


def test_tree_sitter_agrees_with_python_hcl2_on_sources_and_file_references() -> None:
    """python-hcl2 is the oracle: same module sources, and the same file() calls, on every HCL fixture."""
    for name, content in FILES.items():
        if not name.endswith(".tf") or "broken/syntax" in name:
            continue
        ours = extract_hcl(content.encode())
        oracle = hcl2.loads(content)
        sources = sorted(body["source"].strip('"') for block in oracle.get("module", []) for body in block.values())
        assert sorted(m.source for m in ours.modules) == sources, name
        text = repr(oracle)
        for read in ours.reads:
            assert f"{read.function}(" in text, (name, read)
        assert text.count("file(") + text.count("templatefile(") + text.count("fileset(") >= len(ours.reads), name


def test_path_pieces() -> None:
    (read,) = extract_hcl(b'x = file("${path.module}/a/${path.root}.json")\n').reads
    assert read.pieces == (PATH_MODULE, "/a/", PATH_ROOT, ".json")
    (fileset,) = extract_hcl(b'x = fileset("${path.root}/p", "*.json")\n').reads
    assert fileset.pattern == ("*.json",)


def test_roots_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "ws.yaml"
    path.write_text("workspaces:\n  a: {working_directory: x}\n  b: {tags: [t]}\n")
    with pytest.raises(ConfigError, match=r"ws.yaml:3: workspace 'b': working_directory"):
        roots_from_file(path)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(repo), "PATH": "/usr/bin:/bin"})


def test_cli_generate_check_affected_since(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--repo", str(repo), "--roots", str(repo / "workspaces.yaml"), "--yaml", str(repo / "triggers.yaml")]
    assert main(["deps", "generate", *args]) == 3  # three broken workspaces: exit code says some failed
    text = (repo / "triggers.yaml").read_text()
    assert text.startswith("# Generated by `tfc deps generate`") and "broken" not in text
    assert load_patterns(repo / "triggers.yaml")["app-prod"] == APP_PROD
    mtime = (repo / "triggers.yaml").stat().st_mtime_ns
    main(["deps", "generate", *args])
    assert (repo / "triggers.yaml").stat().st_mtime_ns == mtime  # unchanged: not rewritten
    for broken in ("syntax", "missing", "cycle"):
        (repo / "workspaces.yaml").write_text((repo / "workspaces.yaml").read_text().replace(
            f"  broken-{broken}: {{working_directory: envs/broken/{broken}}}\n", ""))
    capsys.readouterr()
    assert main(["deps", "check", *args]) == 0
    (repo / "modules/stack/main.tf").write_text(FILES["modules/stack/main.tf"] + 'locals { x = file("./extra.txt") }\n')
    assert main(["deps", "check", *args]) == 1
    added = [line for line in capsys.readouterr().out.splitlines() if line.startswith("+") and "extra.txt" in line]
    assert added == ['+      - "/envs/prod/app/canary/extra.txt"', '+      - "/envs/prod/app/extra.txt"']  # per root
    main(["deps", "generate", *args])
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    (repo / "modules/alarms/alarm.txt").write_text("low\n")
    capsys.readouterr()
    assert main(["deps", "affected", "--since", "HEAD", "--repo", str(repo), "--yaml", str(repo / "triggers.yaml"),
                 "--output", "json"]) == 0
    assert '"app-prod"' in capsys.readouterr().out
    assert changed_since(repo, "HEAD") == (["modules/alarms/alarm.txt"], [])


def test_cli_why(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--repo", str(repo), "--roots", str(repo / "workspaces.yaml")]
    assert main(["deps", "why", "app-prod", "modules/alarms/alarm.txt", *args]) == 0
    out = capsys.readouterr().out
    assert "envs/prod/app/main.tf:10 -> modules/alarms" in out and "watched by /modules/alarms/alarm.txt" in out
    assert main(["deps", "why", "app-prod", "modules/net/main.tf", *args]) == 3


def test_cli_audit_compares_the_map_with_what_tfc_ran(repo: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    roots = repo / "workspaces.yaml"
    roots.write_text("workspaces:\n  app-prod: {working_directory: envs/prod/app}\n"
                     "  app-canary: {working_directory: envs/prod/app/canary}\n"
                     "  net-dev: {working_directory: envs/dev/net}\n")
    triggers = str(repo / "triggers.yaml")
    assert main(["deps", "generate", "--repo", str(repo), "--roots", str(roots), "--yaml", triggers]) == 0
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    (repo / "modules/alarms/alarm.txt").write_text("low\n")
    git(repo, "commit", "-qam", "alarm threshold")
    sha = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout.strip()
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(f"""organization: acme
workspaces:
  - name: app-prod
    runs: [{{status: planned, commit: "{sha}"}}]
  - name: net-dev
    runs: [{{status: planned_and_finished, commit: "{sha}"}}]
  - name: app-canary
""")
    capsys.readouterr()
    code = main(["--sandbox", str(scenario), "deps", "audit", "--commit", sha[:10], "--repo", str(repo), "--yaml",
                 triggers, "--output", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 3
    assert (report["expected"], report["missed"], report["needless"]) == (["app-prod"], [], ["net-dev"])


def test_parsing_on_every_core_gives_the_same_map(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dependency_map.cache

    serial = build_map(repo, roots_from_file(repo / "workspaces.yaml"), cache_path=None)
    monkeypatch.setattr(dependency_map.cache, "PARALLEL_FROM", 1)
    parallel = build_map(repo, roots_from_file(repo / "workspaces.yaml"), cache_path=None)
    assert {n: m.patterns for n, m in parallel.maps.items()} == {n: m.patterns for n, m in serial.maps.items()}
    assert parallel.errors == serial.errors
    assert parallel.files_parsed == sum(1 for name in FILES if name.endswith((".tf", ".tf.json"))) + 1
    assert parallel.cache_hits == 0
