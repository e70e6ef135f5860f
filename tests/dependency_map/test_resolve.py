"""Resolution cases of issue 11 on a fixture monorepo, tables for the pure helpers, and the no-missed-plans property."""

from __future__ import annotations

import tempfile
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dependency_map.cache import RefsCache
from dependency_map.globs import matches
from dependency_map.mapping import affected_workspaces, build_map, why
from dependency_map.refs import LOCAL, PATH_CWD, PATH_MODULE, PATH_ROOT, substitute_locals
from dependency_map.resolve import (
    DepsError,
    Hop,
    Resolver,
    Root,
    normal_directory,
    pattern,
    prefixes_of,
    split_path,
)
from dependency_map.roots import roots_from_file

from .cases import write_cases

LAMBDA = ["/modules/lambda/*.tf", "/modules/lambda/*.tf.json", "/modules/lambda/build/config.json",
          "/modules/lambda/build/fn.zip", "/modules/lambda/src/**", "/modules/lambda/templates/config.tpl"]
EXPECTED = {
    "platform": ["/*.tf", "/*.tf.json", "/*.tfvars", "/*.tfvars.json", "/.terraform.lock.hcl", "/charts/app/**",
                 *LAMBDA, "/site/**"],
    "prod": ["/envs/prod/*.tf", "/envs/prod/*.tf.json", "/envs/prod/*.tfvars", "/envs/prod/*.tfvars.json",
             "/envs/prod/.terraform.lock.hcl", "/envs/prod/charts/app/**", "/envs/prod/functions/*",
             "/envs/prod/functions/api/**", "/envs/prod/policies/**", "/envs/prod/shared", *LAMBDA,
             "/shared/config/app.json"],
    "canary": ["/envs/prod/functions/canary/*.tf", "/envs/prod/functions/canary/*.tf.json",
               "/envs/prod/functions/canary/*.tfvars", "/envs/prod/functions/canary/*.tfvars.json",
               "/envs/prod/functions/canary/.terraform.lock.hcl"],
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_cases(tmp_path / "repo")


def mapped(repo: Path, *, strict: bool = False):  # type: ignore[no-untyped-def]
    return build_map(repo, roots_from_file(repo / "workspaces.yaml", repo), cache_path=None, strict=strict)


def test_every_case_gives_the_expected_patterns(repo: Path) -> None:
    result = mapped(repo)
    assert result.errors == {}
    assert {name: ws.patterns for name, ws in result.maps.items()} == EXPECTED


@pytest.mark.parametrize(("changed", "planned"), [
    ("main.tf", ["platform"]),  # the workspace at the repository root
    ("modules/lambda/src/handler.py", ["platform", "prod"]),  # archive_file source_dir through a local
    ("modules/lambda/src/lib/util.py", ["platform", "prod"]),  # … recursively
    ("modules/lambda/templates/config.tpl", ["platform", "prod"]),  # templatefile with a one-level local
    ("modules/lambda/build/fn.zip", ["platform", "prod"]),  # output paths watched too (harmless)
    ("charts/app/Chart.yaml", ["platform"]),  # ./charts/app is relative to each root's working directory
    ("envs/prod/charts/app/Chart.yaml", ["prod"]),
    ("envs/prod/functions/api/handler.py", ["prod"]),  # longest static prefix of a dynamic path
    ("envs/prod/functions/README.md", ["prod"]),
    ("envs/prod/functions/canary/main.tf", ["canary"]),  # the nested root is not under prod's widened path
    ("envs/prod/policies/a.json", ["prod"]),  # fileset with a dynamic pattern: DIR/**
    ("shared/config/app.json", ["prod"]),  # file() through a symlinked directory: the target…
    ("envs/prod/shared", ["prod"]),  # … and the link itself
    ("shared/other/app.json", []),
    ("site/index.html", ["platform"]),
    ("outside.txt", []),
])
def test_a_change_plans_exactly_the_workspaces_that_use_it(repo: Path, changed: str, planned: list[str]) -> None:
    patterns = {name: ws.patterns for name, ws in mapped(repo).maps.items()}
    assert affected_workspaces(patterns, [changed]) == planned


def test_retargeting_a_symlink_changes_the_patterns(repo: Path) -> None:
    link = repo / "envs/prod/shared"
    link.unlink()
    link.symlink_to("../../shared/other")
    prod = mapped(repo).maps["prod"].patterns
    assert "/shared/other/app.json" in prod and "/shared/config/app.json" not in prod and "/envs/prod/shared" in prod


def test_a_symlinked_file_read_watches_link_and_target(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data/x.json").write_text("{}")
    (tmp_path / "root/x.json").symlink_to("../data/x.json")
    (tmp_path / "root/main.tf").write_text('locals { x = file("${path.module}/x.json") }\n')
    ws = build_map(tmp_path, [Root("r", "root")], cache_path=None).maps["r"]
    assert "/data/x.json" in ws.patterns and "/root/x.json" in ws.patterns
    assert ws.reasons["/data/x.json"][-1].where == "root/main.tf:1"


def test_warnings_name_file_and_line_and_come_up_from_child_modules(repo: Path) -> None:
    result = mapped(repo)
    outside = "modules/lambda/main.tf:21: filemd5() path '../../../outside.txt' is outside the repository; not watched"
    assert outside in result.maps["platform"].warnings and outside in result.maps["prod"].warnings
    assert result.maps["prod"].warnings[:2] == [
        "envs/prod/main.tf:7: path is dynamic; widened to envs/prod/functions/",
        "envs/prod/main.tf:11: fileset() pattern is dynamic; widened to envs/prod/policies/",
    ]
    assert result.maps["canary"].warnings == []


def test_strict_makes_a_dynamic_path_an_error_for_that_workspace_only(repo: Path) -> None:
    result = mapped(repo, strict=True)
    assert result.errors == {
        "platform": "main.tf:7: path is dynamic (would be widened to site/; --strict)",
        "prod": "envs/prod/main.tf:7: path is dynamic (would be widened to envs/prod/functions/; --strict)",
    }
    assert list(result.maps) == ["canary"]


def test_a_dynamic_path_at_the_repository_root_skips_every_other_root(tmp_path: Path) -> None:
    for name in ("a/main.tf", "b/c/main.tf", "b/d/x.txt", "e.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / "main.tf").write_text('locals { x = file("./${var.f}") }\n')
    roots = [Root("top", ""), Root("a", "a"), Root("c", "b/c")]
    top = build_map(tmp_path, roots, cache_path=None).maps["top"]
    assert [p for p in top.patterns if "*" in p and not p.endswith((".tf", ".json", ".tfvars"))] == [
        "/*", "/b/*", "/b/d/**"]
    assert top.warnings == ["main.tf:1: file() path is dynamic; widened to ./"]


def test_absolute_paths_are_not_watched_and_say_so(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('locals { x = file("/etc/hosts") }\n')
    ws = build_map(tmp_path, [Root("r", "")], cache_path=None).maps["r"]
    assert ws.warnings == ["main.tf:1: file() path '/etc/hosts' is absolute; not watched"]
    assert not any("etc" in p for p in ws.patterns)


@pytest.mark.parametrize(("directory", "message"), [
    ("missing", "workspace r: working directory missing does not exist"),
    ("../elsewhere", "workspace r: working directory ../elsewhere is outside the repository"),
])
def test_a_bad_working_directory_fails_that_workspace(tmp_path: Path, directory: str, message: str) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "elsewhere").mkdir()
    result = build_map(tmp_path / "repo", [Root("r", directory)], cache_path=None)
    assert result.errors == {"r": message}


def test_prefixes_cover_read_files_and_symlink_targets(repo: Path) -> None:
    result = mapped(repo)
    prod = result.maps["prod"]
    assert prod.prefixes == ["/envs/prod/", "/modules/lambda/", "/shared/config/"]
    for ws in result.maps.values():
        for item in ws.patterns:  # every pattern lies under one prefix
            assert any(item.startswith(prefix) for prefix in ws.prefixes), item


def test_why_explains_a_packaged_directory(repo: Path) -> None:
    found = why(mapped(repo).maps["prod"], "modules/lambda/src/handler.py")
    assert found is not None
    assert found[0] == "/modules/lambda/src/**"
    assert [(h.where, h.target) for h in found[1]] == [("envs/prod/main.tf:3", "modules/lambda"),
                                                       ("modules/lambda/main.tf:3", "modules/lambda/src/")]  # the local


@pytest.mark.parametrize(("pieces", "expected"), [
    ((PATH_MODULE, "/a/b.json"), (False, "a/b.json", True)),
    ((PATH_ROOT, "/a/", None, ".tpl"), (False, "a/", False)),
    ((PATH_CWD,), (False, "", True)),
    (("./x/", PATH_MODULE), (False, "./x/", False)),  # a path reference later in the path is unknown
    (("/etc/x",), (True, "/etc/x", True)),
    (("x.json",), (False, "x.json", True)),
    (("a", "b"), (False, "ab", True)),
    ((), (False, "", True)),
    ((None, "/x"), (False, "", False)),
])
def test_split_path(pieces: tuple[str | None, ...], expected: tuple[bool, str, bool]) -> None:
    assert split_path(pieces) == expected


@pytest.mark.parametrize(("patterns", "expected"), [
    (["/a/b/*.tf", "/a/b/c/x.json"], ["/a/b/"]),
    (["/a/b/x.json", "/a/c/**"], ["/a/b/", "/a/c/"]),
    (["/*.tf", "/a/x"], ["/"]),
    (["/a/b?/x", "/a/[b]/y"], ["/a/"]),
    (["/ab/x", "/a/x"], ["/a/", "/ab/"]),  # /a/ is not a prefix of /ab/
    ([], []),
])
def test_prefixes_of(patterns: list[str], expected: list[str]) -> None:
    assert prefixes_of(patterns) == expected


@pytest.mark.parametrize(("text", "expected"), [
    (".", ""), ("", ""), ("/", ""), ("./envs/a/", "envs/a"), (" envs\\a ", "envs/a"), ("/envs/a", "envs/a"),
])
def test_normal_directory(text: str, expected: str) -> None:
    assert normal_directory(text) == expected


@pytest.mark.parametrize(("rel", "tail", "expected"), [("", "*.tf", "/*.tf"), ("a", "", "/a"), ("a", "b", "/a/b"),
                                                        ("", "", "/")])
def test_pattern(rel: str, tail: str, expected: str) -> None:
    assert pattern(rel, tail) == expected


@pytest.mark.parametrize(("pieces", "expected"), [
    ((LOCAL + "d", "/x"), (PATH_MODULE, "/src", "/x")),
    ((LOCAL + "nested",), (None, "/y")),  # one level only: a local inside the local stays unknown
    ((LOCAL + "unknown", "/x"), (None, "/x")),
    (("./a",), ("./a",)),
])
def test_substitute_locals(pieces: tuple[str | None, ...], expected: tuple[str | None, ...]) -> None:
    values = {"d": (PATH_MODULE, "/src"), "nested": (LOCAL + "d", "/y")}
    assert substitute_locals(pieces, values) == expected


def test_a_module_cycle_and_a_missing_module_keep_failing_on_reuse(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m/main.tf").write_text('module "gone" {\n  source = "./nope"\n}\n')
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text('module "m" {\n  source = "../m"\n}\n')
    resolver = Resolver(tmp_path, RefsCache(None))
    for name in ("a", "b"):  # the failed closure is remembered, and raised again for the second root
        with pytest.raises(DepsError, match=r'^m/main.tf:2: module "gone": source ./nope is not a directory$'):
            resolver.map_workspace(Root(name, name))


# --- the property: whatever a module reads or packages is watched -------------------------------------------

def tfc_match(glob: str, path: str) -> bool:
    """An independent TFC-semantics matcher: segment by segment, ``**`` spans any number of directories."""
    def walk(gs: list[str], ps: list[str]) -> bool:
        if not gs:
            return not ps
        if gs[0] == "**":
            return any(walk(gs[1:], ps[i:]) for i in range(len(ps) + 1))
        return bool(ps) and fnmatchcase(ps[0], gs[0].replace("[", "[[]")) and walk(gs[1:], ps[1:])
    return walk(glob.strip("/").split("/"), path.split("/"))


ANCHORS = {"module": "${path.module}/", "root": "${path.root}/", "dot": "./"}
reference = st.tuples(
    st.sampled_from(sorted(ANCHORS)),
    st.lists(st.sampled_from(["a", "b", "c d"]), max_size=3),
    st.sampled_from(["file", "dir", "dynamic"]),
    st.sampled_from(["file()", "source_dir", "local", "templatefile()"]),
)


def _expression(text: str, how: str, index: int) -> tuple[str, str]:
    """(HCL that uses the path, the locals it needs)."""
    if how == "file()":
        return f'  r{index} = file("{text}")\n', ""
    if how == "templatefile()":
        return f'  r{index} = templatefile("{text}", {{}})\n', ""
    if how == "local":
        return f"  r{index} = file(local.p{index})\n", f'  p{index} = "{text}"\n'
    return f'  r{index} = {{ source_dir = "{text}" }}\n', ""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(reference, min_size=1, max_size=5), st.booleans())
def test_every_file_a_module_reads_or_packages_is_watched(refs: list[tuple[str, list[str], str, str]],
                                                          in_root: bool) -> None:
    with tempfile.TemporaryDirectory() as temp:
        repo = Path(temp)
        root, module = repo / "envs/app", repo / "mods/m"
        holder = root if in_root else module
        body, local_defs, must = "", "", []
        for index, (anchor, parts, kind, how) in enumerate(refs):
            base = {"module": holder, "root": root, "dot": root}[anchor]
            static = "/".join(parts or (["a"] if kind != "dynamic" else []))
            if kind == "file":
                text, files = f"{ANCHORS[anchor]}{static}/f{index}.txt", [base / static / f"f{index}.txt"]
            elif kind == "dir":
                text, files = f"{ANCHORS[anchor]}{static}", [base / static / "x.py", base / static / "deep/y.py"]
            else:
                text = f"{ANCHORS[anchor]}{static + '/' if static else ''}${{var.v}}/h.py"
                files = [base / static / "any/h.py", base / static / "other/h.py"]  # the nested root is no answer
            if kind == "dir" and how != "source_dir":
                how = "source_dir"  # a directory is packaged, not read with file()
            line, local = _expression(text, how, index)
            body, local_defs = body + line, local_defs + local
            must.extend(files)
        for path in must:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x")
        module.mkdir(parents=True, exist_ok=True)
        (root / "nested").mkdir(parents=True, exist_ok=True)
        (root / "nested/main.tf").write_text("")
        code = f"locals {{\n{local_defs}{body}}}\n"
        (holder / "main.tf").write_text(code)
        if not in_root:
            (root / "main.tf").write_text('module "m" {\n  source = "../../mods/m"\n}\n')
        result = build_map(repo, [Root("app", "envs/app"), Root("nested", "envs/app/nested")], cache_path=None)
        ws = result.maps["app"]
        for path in must:
            rel = path.relative_to(repo).as_posix()
            assert any(tfc_match(g, rel) for g in ws.patterns), (rel, code, ws.patterns)
            assert any(matches(g, rel) for g in ws.patterns), (rel, ws.patterns)
        assert not any(tfc_match(g, "envs/app/nested/main.tf") for g in ws.patterns), (code, ws.patterns)


def _write(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)


def test_edge_cases_of_paths_and_modules(tmp_path: Path) -> None:
    repo, sibling = tmp_path / "repo", tmp_path / "repo2"
    _write(sibling, {"x.txt": "", "mod/main.tf": ""})
    _write(repo, {
        "r/main.tf": '''locals {
  a = file("../../repo2/x.txt")
  b = file("../../${var.x}/y")
  c = "${local.unknown}/not-a-path"
  d = fileset("${path.module}/set", "/*.json")
}
module "one" {
  source = "../m"
}
module "two" {
  source = "../m"
}
module "far" {
  source = "../../repo2/mod"
}
''',
        "m/main.tf": 'locals { t = file("./t/${var.n}.tpl") }\n',
        "real/main.tf": "",
        ".git/HEAD": "",
    })
    (repo / "link").symlink_to("real")
    result = build_map(repo, [Root("r", "r"), Root("l", "link")], cache_path=None)
    r = result.maps["r"]
    assert r.warnings == [
        f"{sibling / 'mod'}: module outside the repository is not watched",
        "m/main.tf:1: file() path is dynamic; widened to r/t/",  # once, though the module is called twice
        "r/main.tf:2: file() path '../../repo2/x.txt' is outside the repository; not watched",
        "r/main.tf:3: file() path is dynamic and outside the repository; not watched",
    ]
    assert "/r/set/*.json" in r.patterns and not any("not-a-path" in p or "repo2" in p for p in r.patterns)
    assert ("r", "m") in r.module_edges
    link = result.maps["l"]
    assert link.patterns[:2] == ["/link", "/real/*.tf"]  # a working directory reached through a symlink
    assert link.reasons["/link"] == (Hop("link", "link"),)


def test_a_symlinked_module_directory_is_watched_as_a_link(tmp_path: Path) -> None:
    _write(tmp_path, {"shared/net/main.tf": "", "envs/a/main.tf": 'module "n" {\n  source = "./net"\n}\n'})
    (tmp_path / "envs/a/net").symlink_to("../../shared/net")
    ws = build_map(tmp_path, [Root("a", "envs/a")], cache_path=None).maps["a"]
    assert "/envs/a/net" in ws.patterns and "/shared/net/*.tf" in ws.patterns
    assert ws.reasons["/envs/a/net"] == (Hop("envs/a/main.tf:2", "envs/a/net"),)
    assert ws.module_edges == [("envs/a", "shared/net")]


def test_the_repository_root_workspace_and_a_widened_tree_skip_git(tmp_path: Path) -> None:
    _write(tmp_path, {".git/config": "", "main.tf": 'module "m" {\n  source = "./m"\n}\nlocals { x = file("${path.root}/${var.f}") }\n',
                      "m/main.tf": "", "sub/main.tf": ""})
    result = build_map(tmp_path, [Root("top", ""), Root("sub", "sub")], cache_path=None)
    top = result.maps["top"]
    assert top.module_edges == [(".", "m")]
    assert top.prefixes == ["/"]
    assert [p for p in top.patterns if p.endswith(("/*", "/**"))] == ["/*", "/m/**"]  # no /.git/**, no /sub/**


def test_a_dynamic_path_through_a_symlinked_directory_watches_the_link(tmp_path: Path) -> None:
    _write(tmp_path, {"data/a/x.json": "", "root/main.tf": 'locals { x = file("${path.module}/d/a/${var.f}") }\n'})
    (tmp_path / "root/d").symlink_to("../data")
    ws = build_map(tmp_path, [Root("r", "root")], cache_path=None).maps["r"]
    assert "/root/d" in ws.patterns and "/data/a/**" in ws.patterns
    assert ws.reasons["/root/d"] == (Hop("root/main.tf:1", "root/d"),)
    assert ws.reasons["/data/a/**"] == (Hop("root/main.tf:1", "data/a/"),)


@pytest.mark.parametrize(("roots", "widened"), [
    ({"app": "envs/app", "far": "other/x"}, ["/envs/**"]),  # only this root lives below: one pattern
    ({"app": "envs/app", "b": "envs/b"}, ["/envs/*", "/envs/app/**", "/envs/c/**"]),  # its own tree stays
    ({"app": "envs/app", "deep": "envs/c/d"}, ["/envs/*", "/envs/app/**", "/envs/b/**", "/envs/c/*"]),
])
def test_widening_skips_only_other_roots(tmp_path: Path, roots: dict[str, str], widened: list[str]) -> None:
    _write(tmp_path, {"envs/app/main.tf": 'locals { x = file("../${var.x}") }\n', "envs/b/main.tf": "",
                      "envs/c/d/main.tf": "", "other/x/main.tf": ""})
    (tmp_path / "envs/link").symlink_to("../other")  # a symlinked directory is a file to git: envs/* has it
    result = build_map(tmp_path, [Root(n, d) for n, d in roots.items()], cache_path=None)
    app = result.maps["app"]
    assert [p for p in app.patterns if p.endswith(("/*", "/**"))] == widened
    assert {h.target for p in widened for h in app.reasons[p]} == {"envs/"}


def test_a_fileset_pattern_from_a_local_and_a_module_at_the_repository_root(tmp_path: Path) -> None:
    _write(tmp_path, {"main.tf": 'locals {\n  glob = "*.json"\n  set = fileset("${path.module}/p", local.glob)\n}\n',
                      "envs/a/main.tf": 'module "top" {\n  source = "../.."\n}\n'})
    ws = build_map(tmp_path, [Root("a", "envs/a")], cache_path=None).maps["a"]
    assert "/p/*.json" in ws.patterns and "/*.tf" in ws.patterns
    assert ws.module_edges == [("envs/a", ".")]
    assert ws.reasons["/p/*.json"] == (Hop("envs/a/main.tf:2", "."), Hop("main.tf:3", "p"))
