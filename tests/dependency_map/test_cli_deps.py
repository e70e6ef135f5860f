"""`tfc deps` input and output: roots-file validation, exit codes, summaries, discovery, paths and directories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dependency_map.cache import default_cache_path
from dependency_map.hcl import extract_hcl, extract_json
from dependency_map.output import documents, load_patterns
from dependency_map.resolve import DepsError
from dependency_map.roots import roots_from_file
from tfc.cli.app import main
from tfc.errors import ConfigError

from .cases import write_cases


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_cases(tmp_path / "repo")


def args(repo: Path, *more: str) -> list[str]:
    return ["--repo", str(repo), "--roots", str(repo / "workspaces.yaml"), *more]


@pytest.mark.parametrize(("text", "message"), [
    ("workspaces:\n  a: {working_directory: .}\n  a: {working_directory: envs/prod}\n", r":3: 'a' is given twice"),
    ("workspaces:\n  a: {working_directory: ., tag: [x]}\n", r":2: workspace 'a': unknown key 'tag'"),
    ("workspaces:\n  a/../../x: {working_directory: .}\n", r":2: workspace 'a/../../x': a workspace name has"),
    ("workspaces:\n  a: {working_directory: .}\n  b: {working_directory: envs/nope}\n",
     r":3: workspace 'b': working_directory 'envs/nope' does not exist"),
    ("workspaces:\n  b: {working_directory: ../..}\n", r":2: workspace 'b': working_directory '../..' is outside"),
    ("workspace:\n  a: {working_directory: .}\n", r":1: expected a mapping"),
    ("workspaces:\n  a: {working_directory: .}\nextra: 1\n", r":1: unknown key 'extra'"),
    ("workspaces:\n  a: {tags: [x]}\n", r":2: workspace 'a': working_directory \(a string\) is required"),
    ("workspaces:\n  a: {working_directory: ., tags: x}\n", r":2: workspace 'a': tags must be a list"),
    ("workspaces: [\n", r":2: "),
])
def test_roots_file_errors_name_the_line_and_nothing_is_written(repo: Path, text: str, message: str) -> None:
    roots = repo / "bad.yaml"
    roots.write_text(text)
    with pytest.raises(ConfigError, match="bad.yaml" + message):
        roots_from_file(roots, repo)
    out = repo / "out.yaml"
    assert main(["deps", "generate", "--repo", str(repo), "--roots", str(roots), "--yaml", str(out)]) == 1
    assert not out.exists()


def test_an_unwritable_yaml_is_found_before_the_work(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "file").write_text("")
    assert main(["deps", "generate", *args(repo, "--yaml", str(repo / "file" / "out.yaml"))]) == 1
    err = capsys.readouterr().err
    assert "cannot write into" in err and "internal error" not in err and "mapped" not in err


def test_check_exit_codes_stale_and_failed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(repo / "t.yaml")
    assert main(["deps", "generate", *args(repo, "--yaml", out)]) == 0
    assert main(["deps", "check", *args(repo, "--yaml", out)]) == 0
    (repo / "envs/prod/main.tf").write_text((repo / "envs/prod/main.tf").read_text() + 'locals { y = file("./new.txt") }\n')
    capsys.readouterr()
    assert main(["deps", "check", *args(repo, "--yaml", out)]) == 1
    assert '+      - "/envs/prod/new.txt"' in capsys.readouterr().out
    main(["deps", "generate", *args(repo, "--yaml", out)])
    (repo / "envs/prod/functions/canary/main.tf").write_text("resource {\n")
    capsys.readouterr()
    assert main(["deps", "check", *args(repo, "--yaml", out)]) == 3  # up to date, but a workspace failed
    err = capsys.readouterr().err
    assert "1 workspace(s) could not be mapped" in err and "envs/prod/functions/canary/main.tf:1" in err
    assert main(["deps", "generate", *args(repo, "--yaml", out)]) == 3
    assert "canary" in load_patterns(Path(out))  # kept its last good entry


def test_warnings_are_summarised_unless_verbose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text("".join(f'locals {{ x{i} = file("/abs/{i}") }}\n' for i in range(8)))
    (tmp_path / "roots.yaml").write_text("workspaces:\n  r: {working_directory: .}\n")
    base = ["deps", "generate", "--repo", str(tmp_path), "--roots", str(tmp_path / "roots.yaml"),
            "--yaml", str(tmp_path / "t.yaml")]
    assert main(base) == 0
    err = capsys.readouterr().err
    assert err.count("warning r:") == 5 and "… 3 more warnings (8 in all); --verbose lists them" in err
    assert main([*base, "--verbose"]) == 0
    assert capsys.readouterr().err.count("warning r:") == 8


def test_strict_fails_the_workspaces_with_dynamic_paths(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deps", "generate", *args(repo, "--yaml", str(repo / "t.yaml"), "--strict")]) == 3
    assert "envs/prod/main.tf:7: path is dynamic" in capsys.readouterr().err


def test_the_cache_lives_in_the_users_cache_directory(repo: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert main(["deps", "generate", *args(repo, "--yaml", str(tmp_path / "t.yaml"))]) == 0
    assert default_cache_path(repo).is_file() and default_cache_path(repo).is_relative_to(tmp_path / "xdg")
    assert default_cache_path(repo) != default_cache_path(tmp_path)  # keyed by repository
    assert not (repo / ".tfc-cache").exists()


def test_split_writes_one_file_per_workspace_and_affected_reads_them(repo: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = repo / "split"
    assert main(["deps", "generate", *args(repo, "--yaml", str(out), "--split")]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["canary.yaml", "platform.yaml", "prod.yaml"]
    capsys.readouterr()
    assert main(["deps", "affected", "modules/lambda/src", "--repo", str(repo), "--yaml", str(out)]) == 0
    assert capsys.readouterr().out.split() == ["platform", "prod"]  # a directory: everything under it
    with pytest.raises(DepsError, match=r"'\.\./x' is not a safe file name"):
        documents({"../x": {}}, out, split=True)


def test_affected_says_when_a_path_does_not_exist(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(repo / "t.yaml")
    main(["deps", "generate", *args(repo, "--yaml", out)])
    capsys.readouterr()
    base = ["deps", "affected", "--repo", str(repo), "--yaml", out]
    assert main([*base, "envs/prod/gone.tf"]) == 0  # a deleted file still plans prod
    captured = capsys.readouterr()
    assert captured.out.split() == ["prod"] and "matched as a deleted file" in captured.err
    assert main([*base, "typo/nothing.txt"]) == 1
    assert "typo/nothing.txt: no such path, and no workspace watches it" in capsys.readouterr().err
    assert main([*base, "main.tf", "--output", "json"]) == 0  # the root workspace
    document = json.loads(capsys.readouterr().out)
    assert document["schema_version"] == 1 and document["workspaces"] == ["platform"]


def git(repo: Path, *argv: str) -> None:
    subprocess.run(["git", "-C", str(repo), *argv], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(repo), "PATH": os.environ["PATH"]})


def test_since_outside_git_and_with_untracked_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(repo / "t.yaml")
    main(["deps", "generate", *args(repo, "--yaml", out)])
    capsys.readouterr()
    base = ["deps", "affected", "--since", "HEAD", "--repo", str(repo), "--yaml", out]
    assert main(base) == 1
    err = capsys.readouterr().err
    assert "is not inside one" in err and "usage" not in err
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    (repo / "modules/lambda/src/new.py").write_text("")
    assert main(base) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == ["platform", "prod"] and "1 untracked file(s) included" in captured.err


def test_why_on_a_directory_and_graph_with_an_unknown_workspace(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deps", "why", "prod", "envs/prod/functions/api", *args(repo)]) == 0
    assert "envs/prod/functions/api/handler.py watched by /envs/prod/functions/api/**" in capsys.readouterr().out
    assert main(["deps", "why", "canary", "site", *args(repo)]) == 3
    assert "site is not watched by canary" in capsys.readouterr().out
    assert main(["deps", "graph", "--workspace", "nope", *args(repo)]) == 1
    assert "no workspace named 'nope'" in capsys.readouterr().err


def test_roots_discovers_root_directories(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".hidden").mkdir()
    (repo / ".hidden/main.tf").write_text("")
    (repo / "envs/prod/functions/canary/backend.tf").write_text('terraform {\n  backend "s3" {}\n}\n')
    (repo / "linked").symlink_to("envs/prod")
    assert main(["deps", "roots", "--repo", str(repo)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1:] == [
        "workspaces:",
        '  root: {working_directory: "."}',
        '  envs-prod: {working_directory: "envs/prod"}',
        '  envs-prod-functions-canary: {working_directory: "envs/prod/functions/canary"}  # backend/cloud block',
    ]  # modules/lambda is called by a root: not listed; hidden and symlinked directories skipped
    target = repo / "found.yaml"
    assert main(["deps", "roots", "--repo", str(repo), "--write", str(target)]) == 0
    assert [r.directory for r in roots_from_file(target, repo)] == ["envs/prod", "envs/prod/functions/canary", ""]
    assert main(["deps", "roots", "--repo", str(repo), "--write", str(target)]) == 1  # never overwritten


def test_lines_are_not_wrapped_when_not_a_terminal(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = "envs/prod/" + "/".join(["very-long-directory-name"] * 8)
    (repo / deep).mkdir(parents=True)
    (repo / deep / "x.txt").write_text("")
    (repo / "envs/prod/main.tf").write_text(f'locals {{ z = file("./{deep[10:]}/x.txt") }}\n')
    assert main(["deps", "why", "prod", f"{deep}/x.txt", *args(repo)]) == 0
    assert f"watched by /{deep}/x.txt" in capsys.readouterr().out


@pytest.mark.parametrize(("content", "line", "message"), [
    (b'resource "a" "b" {\n  x = 1\n}\nlocals {\n  y = "unterminated\n  z = 2\n}\n', 5, "unterminated string"),
    (b'resource "x" "y" {\n  a = \n', 1, "HCL syntax error"),
    (b"a = 1\nb = " + b"[" * 300 + b"]" * 300 + b"\n", 2, "nested more than 200 levels"),
])
def test_syntax_errors_point_at_a_line_in_the_file(content: bytes, line: int, message: str) -> None:
    refs = extract_hcl(content)
    assert refs.error is not None and refs.error[0] == line and message in refs.error[1]
    assert refs.error[0] <= content.count(b"\n")


def test_deeply_nested_json_fails_that_file_only(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = b'{"locals": {"x":\n' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    assert extract_json(deep).error == (2, "nested more than 200 levels deep; not read")
    (repo / "envs/prod/functions/canary/deep.tf.json").write_bytes(deep)
    assert main(["deps", "generate", *args(repo, "--yaml", str(repo / "t.yaml"))]) == 3
    err = capsys.readouterr().err
    assert "envs/prod/functions/canary/deep.tf.json:2: nested more than 200" in err and "Recursion" not in err


@pytest.mark.parametrize("argv", [["--help"], ["deps", "--help"], ["deps", "generate", "--help"]])
def test_help_does_not_import_heavy_libraries(argv: list[str]) -> None:
    code = (f"import sys; from tfc.cli.app import main; main({argv!r}); "
            "print(sorted(m for m in ('matplotlib', 'boto3', 'flask', 'tree_sitter', 'networkx', 'yaml', 'dependency_map',"
            " 'multiprocessing', 'httpx') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parents[2])
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_from_tfc_a_workspace_without_working_directory_is_the_repository_root(
        repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("organization: acme\nworkspaces:\n  - name: platform\n"
                        "  - name: prod\n    working_directory: envs/prod\n"
                        "  - name: ghost\n    working_directory: envs/ghost\n")
    (repo / "envs/ghost").mkdir()
    out = tmp_path / "t.yaml"
    sandbox = ["--sandbox", str(scenario), "deps"]
    assert main([*sandbox, "generate", "--from-tfc", "--repo", str(repo), "--yaml", str(out)]) == 0
    assert "warning ghost: envs/ghost: the working directory holds no .tf or .tf.json files" in capsys.readouterr().err
    patterns = load_patterns(out)
    assert patterns["platform"][:2] == ["/*.tf", "/*.tf.json"] and "/envs/ghost/*.tf" in patterns["ghost"]
    assert main(["deps", "affected", "main.tf", "--repo", str(repo), "--yaml", str(out)]) == 0
    assert capsys.readouterr().out.split() == ["platform"]
    assert main([*sandbox, "roots", "--from-tfc", "--repo", str(repo), "--output", "json"]) == 3
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["command"] == "deps roots" and document["schema_version"] == 1
    assert document["workspaces_without_terraform"] == ["ghost"]
    assert document["roots_without_workspace"] == ["envs/prod/functions/canary"]
