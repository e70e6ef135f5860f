"""Resolution decisions a user relies on, one per case: which files trigger which workspace, which warnings and
errors name which file:line, and the resolver's promise to walk each module and read each file once."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dependency_map.cache import RefsCache
from dependency_map.mapping import affected_workspaces, build_map
from dependency_map.refs import FileRefs
from dependency_map.resolve import ROOT_GLOBS, DepsError, Hop, Resolver, Root, WorkspaceMap, pattern, prefixes_of


def _write(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)


def _map(repo: Path, roots: dict[str, str], *, strict: bool = False) -> dict[str, WorkspaceMap | str]:
    result = build_map(repo, [Root(n, d) for n, d in roots.items()], cache_path=None, strict=strict)
    return {**result.maps, **result.errors}


def _one(repo: Path, directory: str) -> WorkspaceMap:
    found = _map(repo, {"ws": directory})["ws"]
    assert isinstance(found, WorkspaceMap), found
    return found


def _extra(ws: WorkspaceMap) -> list[str]:
    """The patterns beyond the working directory's own Terraform files (``/DIR/*.tf`` …)."""
    own = {pattern(ws.root.directory, glob) for glob in ROOT_GLOBS}
    return [p for p in ws.patterns if p not in own]


# --- trigger prefixes ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("patterns", "expected"), [
    (["/a/x", "/b/x", "/b/c/x"], ["/a/", "/b/"]),  # /b/c/ is covered by the second prefix kept, not the first
    (["/a/x", "/b/c/x", "/b/d/x"], ["/a/", "/b/c/", "/b/d/"]),
    (["a/b/x", "/a/b/y"], ["/a/b/"]),  # with or without the leading slash
    (["/a/b*/c", "/a/bc/d"], ["/a/"]),  # the directory ends before the first glob character
    (["/a/{x,y}/z"], ["/a/"]),
    (["/a/b/c"], ["/a/b/"]),  # a file pattern: its directory
    (["/a"], ["/"]),  # a file at the repository root
    (["/**"], ["/"]),
])
def test_prefixes_are_the_fewest_directories_covering_every_pattern(patterns: list[str], expected: list[str]) -> None:
    assert prefixes_of(patterns) == expected


segment = st.sampled_from(["a", "b", "ab", "a.tf", "*", "**", "*.tf", "x?", "[ab]"])


@given(st.lists(st.lists(segment, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts)), max_size=8))
def test_prefixes_cover_each_pattern_once_and_nothing_more(patterns: list[str]) -> None:
    kept = prefixes_of(patterns)

    def static_directory(item: str) -> str:
        parts = item.strip("/").split("/")
        static = []
        for part in parts[:-1]:
            if any(c in part for c in "*?[{"):
                break
            static.append(part)
        return "/" + "".join(p + "/" for p in static)

    directories = {static_directory(p) for p in patterns}
    assert kept == sorted(kept)
    for item in patterns:  # every pattern lies under a prefix (TFC prefixes are recursive)
        assert any(static_directory(item).startswith(prefix) for prefix in kept), (item, kept)
    for prefix in kept:  # each prefix is some pattern's directory, and none lies under another
        assert prefix in directories
        assert not any(other != prefix and prefix.startswith(other) for other in kept), kept


# --- paths: relative, dynamic, absolute, outside the repository ------------------------------------------------

def test_a_plain_relative_read_is_relative_to_the_working_directory_even_in_a_module(tmp_path: Path) -> None:
    _write(tmp_path, {"envs/a/main.tf": 'locals { x = file("data.json") }\nmodule "m" {\n  source = "../../m"\n}\n',
                      "m/main.tf": 'locals { y = templatefile("tpl/x.tpl", {}) }\n'})
    ws = _one(tmp_path, "envs/a")
    assert _extra(ws) == ["/envs/a/data.json", "/envs/a/tpl/x.tpl", "/m/*.tf", "/m/*.tf.json"]
    assert ws.reasons["/envs/a/tpl/x.tpl"] == (Hop("envs/a/main.tf:3", "m"), Hop("m/main.tf:1", "envs/a/tpl/x.tpl"))
    assert ws.warnings == []


def test_a_dynamic_file_name_widens_to_its_directory_not_a_longer_prefix(tmp_path: Path) -> None:
    _write(tmp_path, {"r/main.tf": 'locals {\n  x = file("${path.module}/app-${var.env}.json")\n'
                                   '  y = file("${path.module}/cfg/app-${var.env}.json")\n}\n',
                      "r/app-prod.json": "", "r/cfg/app-prod.json": ""})
    ws = _one(tmp_path, "r")
    assert _extra(ws) == ["/r/**", "/r/cfg/**"]
    assert ws.warnings == ["r/main.tf:2: file() path is dynamic; widened to r/",
                           "r/main.tf:3: file() path is dynamic; widened to r/cfg/"]


ALL = ["r/p/a.json", "r/p/a.txt", "r/p/s/t/b.json"]


@pytest.mark.parametrize(("call", "warning", "extra", "triggers"), [
    ('fileset("${path.module}/p", var.glob)', "fileset() pattern is dynamic; widened to r/p/", ["/r/p/**"], ALL),
    ('fileset("${path.module}/p/${var.d}", "*.json")', "fileset() path is dynamic; widened to r/p/", ["/r/p/**"],
     ALL),
    ('fileset("${path.module}/p", "${path.module}/*.json")', "fileset() pattern is dynamic; widened to r/p/",
     ["/r/p/**"], ALL),  # a path reference inside the pattern is not a literal glob
    ('fileset(path.module, var.glob)', "fileset() pattern is dynamic; widened to r/", ["/r/**"], ALL),
    ('fileset("${path.module}/gone", var.glob)', "fileset() pattern is dynamic; widened to r/gone/", ["/r/gone/**"],
     []),  # a directory that does not exist yet: its future files, not a file named like it
    ('fileset("${path.module}/../../x", var.glob)',  # said once, not again as a path outside the repository
     "fileset() pattern is dynamic and outside the repository; not watched", [], []),
    ('fileset("${path.module}/p", "*.json")', None, ["/r/p/*.json"], ["r/p/a.json"]),
    ('fileset("${path.module}/p", "s/**/*.json")', None, ["/r/p/s/**/*.json"], ["r/p/s/t/b.json"]),
])
def test_fileset_watches_its_glob_or_widens_to_the_directory(tmp_path: Path, call: str, warning: str | None,
                                                             extra: list[str], triggers: list[str]) -> None:
    _write(tmp_path, {"r/main.tf": f"locals {{\n  s = {call}\n}}\n", "r/p/a.json": "", "r/p/s/t/b.json": ""})
    ws = _one(tmp_path, "r")
    assert _extra(ws) == extra
    assert ws.warnings == ([f"r/main.tf:2: {warning}"] if warning else [])
    assert [path for path in ALL if affected_workspaces({"r": ws.patterns}, [path])] == triggers


@pytest.mark.parametrize("anchor", ["${path.module}", "${path.root}", "."])
def test_a_path_outside_the_repository_is_not_watched_and_says_so(tmp_path: Path, anchor: str) -> None:
    shown = "./../../x.txt" if anchor == "." else "../../x.txt"  # the text after path.module/root, as written
    _write(tmp_path, {"repo/r/main.tf": f'locals {{\n  x = file("{anchor}/../../x.txt")\n'
                                        f'  y = file("{anchor}/../../d/${{var.f}}")\n}}\n', "x.txt": "", "d/y": ""})
    ws = _one(tmp_path / "repo", "r")
    assert _extra(ws) == []
    assert ws.warnings == [f"r/main.tf:2: file() path '{shown}' is outside the repository; not watched",
                           "r/main.tf:3: file() path is dynamic and outside the repository; not watched"]


def test_an_absolute_path_string_is_not_a_path_but_an_absolute_file_read_warns(tmp_path: Path) -> None:
    _write(tmp_path, {"r/main.tf": 'resource "x" "y" {\n  source = "/etc/hostname"\n}\n'
                                   'locals { t = templatefile("/srv/t.tpl", {}) }\n'})
    ws = _one(tmp_path, "r")
    assert _extra(ws) == []
    assert ws.warnings == ["r/main.tf:4: templatefile() path '/srv/t.tpl' is absolute; not watched"]


def test_a_resolver_is_not_strict_unless_asked(tmp_path: Path) -> None:
    _write(tmp_path, {"r/main.tf": 'locals { x = file("./d/${var.f}") }\n'})
    lenient = Resolver(tmp_path, RefsCache(None)).map_workspace(Root("r", "r"))
    assert lenient.warnings == ["r/main.tf:1: file() path is dynamic; widened to r/d/"]
    with pytest.raises(DepsError, match=r"^r/main.tf:1: file\(\) path is dynamic \(would be widened to r/d/; --strict\)$"):
        Resolver(tmp_path, RefsCache(None), strict=True).map_workspace(Root("r", "r"))


def test_a_dynamic_path_in_a_module_and_strict_mode_name_the_module_line(tmp_path: Path) -> None:
    _write(tmp_path, {"envs/a/main.tf": 'module "m" {\n  source = "../../m"\n}\n',
                      "m/main.tf": '\nlocals { x = { source_dir = "${path.module}/fns/${var.f}" } }\n'})
    ws = _one(tmp_path, "envs/a")
    assert "/m/fns/**" in ws.patterns and ws.warnings == ["m/main.tf:2: path is dynamic; widened to m/fns/"]
    assert ws.reasons["/m/fns/**"] == (Hop("envs/a/main.tf:2", "m"), Hop("m/main.tf:2", "m/fns/"))
    assert _map(tmp_path, {"a": "envs/a"}, strict=True) == {
        "a": "m/main.tf:2: path is dynamic (would be widened to m/fns/; --strict)"}


def test_widening_into_a_missing_directory_that_holds_another_root(tmp_path: Path) -> None:
    _write(tmp_path, {"envs/a/main.tf": 'locals { x = file("../../gone/${var.f}") }\n'})
    result = _map(tmp_path, {"a": "envs/a", "ghost": "gone/deep"})
    assert result["ghost"] == "workspace ghost: working directory gone/deep does not exist"
    a = result["a"]
    assert isinstance(a, WorkspaceMap)
    assert _extra(a) == ["/gone/*"] and a.warnings == ["envs/a/main.tf:1: file() path is dynamic; widened to gone/"]


# --- symlinks ---------------------------------------------------------------------------------------------------

def test_a_symlinked_terraform_file_watches_its_target(tmp_path: Path) -> None:
    _write(tmp_path, {"shared/providers.tf": "", "r/main.tf": "", "outside/x.tf": ""})
    repo = tmp_path
    (repo / "r/providers.tf").symlink_to("../shared/providers.tf")
    ws = _one(repo, "r")
    assert _extra(ws) == ["/shared/providers.tf"]
    assert ws.reasons["/shared/providers.tf"] == (Hop("r/providers.tf", "shared/providers.tf"),)
    assert affected_workspaces({"ws": ws.patterns}, ["shared/providers.tf"]) == ["ws"]


def test_a_symlink_out_of_the_repository_adds_no_pattern(tmp_path: Path) -> None:
    repo, away = tmp_path / "repo", tmp_path / "away"
    _write(away, {"x.tf": "", "mod/main.tf": "", "data/v.json": ""})
    _write(repo, {"r/main.tf": 'module "far" {\n  source = "../../away/link"\n}\n'
                               'locals { v = file("../../away/link/data/v.json") }\n'})
    (away / "link").symlink_to(away)  # a link outside the repository: nothing to watch
    (repo / "r/ext.tf").symlink_to(away / "x.tf")
    ws = _one(repo, "r")
    assert _extra(ws) == []
    assert ws.warnings == [f"{away}: module outside the repository is not watched",
                           "r/main.tf:4: file() path '../../away/link/data/v.json' is outside the repository; "
                           "not watched"]
    assert ws.module_edges == [("r", str(away))]


def test_the_working_directory_through_a_symlink_watches_the_link(tmp_path: Path) -> None:
    _write(tmp_path, {"real/main.tf": 'locals { x = file("./v.json") }\n', "real/v.json": ""})
    (tmp_path / "envs").mkdir()
    (tmp_path / "envs/link").symlink_to("../real")
    ws = _one(tmp_path, "envs/link")
    assert ws.reasons["/envs/link"] == (Hop("envs/link", "envs/link"),)
    assert "/real/v.json" in ws.patterns and "/real/*.tfvars" in ws.patterns


# --- the working directory and the files in it ------------------------------------------------------------------

def test_a_working_directory_without_terraform_files_warns_first(tmp_path: Path) -> None:
    _write(tmp_path, {"empty/README.md": "not terraform {", "empty/x.tf/inner.txt": "", "full/main.tf": ""})
    result = _map(tmp_path, {"empty": "empty", "full": "full"})
    empty, full = result["empty"], result["full"]
    assert isinstance(empty, WorkspaceMap) and isinstance(full, WorkspaceMap)
    assert empty.warnings == ["empty: the working directory holds no .tf or .tf.json files"]
    assert full.warnings == []
    assert empty.patterns == ["/empty/*.tf", "/empty/*.tf.json", "/empty/*.tfvars", "/empty/*.tfvars.json",
                              "/empty/.terraform.lock.hcl"]


def test_the_repository_root_without_terraform_files_is_named_dot(tmp_path: Path) -> None:
    _write(tmp_path, {"README.md": ""})
    ws = _one(tmp_path, ".")
    assert ws.warnings == [".: the working directory holds no .tf or .tf.json files"]
    assert ws.prefixes == ["/"]


def test_a_syntax_error_fails_the_workspaces_that_use_the_file_with_file_and_line(tmp_path: Path) -> None:
    _write(tmp_path, {"a/main.tf": 'module "m" {\n  source = "../m"\n}\n', "b/main.tf": "",
                      "m/main.tf": 'locals {\n  x = "ok"\n}\nresource "x" {\n'})
    result = _map(tmp_path, {"a": "a", "b": "b"})
    assert isinstance(result["b"], WorkspaceMap)
    assert isinstance(result["a"], str) and result["a"].startswith("m/main.tf:4: HCL syntax error")


def test_registry_and_git_sources_are_not_followed(tmp_path: Path) -> None:
    _write(tmp_path, {"r/main.tf": 'module "a" {\n  source = "hashicorp/consul/aws"\n}\n'
                                   'module "b" {\n  source = "git::https://example.com/m.git"\n}\n',
                      "hashicorp/consul/aws/main.tf": ""})
    ws = _one(tmp_path, "r")
    assert _extra(ws) == [] and ws.module_edges == []


# --- modules: edges, warnings from children, cycles ----------------------------------------------------------------

def test_module_edges_and_warnings_come_up_from_grandchildren(tmp_path: Path) -> None:
    _write(tmp_path, {
        "envs/a/main.tf": 'module "app" {\n  source = "../../m/app"\n}\nmodule "net" {\n  source = "../../m/net"\n}\n',
        "m/app/main.tf": 'module "net" {\n  source = "../net"\n}\n',
        "m/net/main.tf": 'locals { x = file("${path.module}/../../../x") }\n',
    })
    ws = _one(tmp_path, "envs/a")
    assert ws.module_edges == [("envs/a", "m/app"), ("envs/a", "m/net"), ("m/app", "m/net")]
    assert ws.warnings == ["m/net/main.tf:1: file() path '../../../x' is outside the repository; not watched"]
    assert ws.reasons["/m/net/*.tf"] == (Hop("envs/a/main.tf:2", "m/app"), Hop("m/app/main.tf:2", "m/net"))


def test_a_cycle_names_only_the_calls_that_loop(tmp_path: Path) -> None:
    _write(tmp_path, {"r/main.tf": 'module "a" {\n  source = "../a"\n}\n',
                      "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
                      "b/main.tf": 'module "c" {\n  source = "../c"\n}\n',
                      "c/main.tf": 'module "b" {\n  source = "../b"\n}\n'})
    assert _map(tmp_path, {"r": "r"}) == {"r": "module cycle: a/main.tf:2 (b) -> b/main.tf:2 (c) -> c/main.tf:2 (b)"}


def test_each_workspace_entering_a_cycle_is_told_where_it_entered(tmp_path: Path) -> None:
    _write(tmp_path, {"r1/main.tf": 'module "a" {\n  source = "../a"\n}\n',
                      "r2/main.tf": '\n\nmodule "b" {\n  source = "../b"\n}\n',
                      "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
                      "b/main.tf": 'module "a" {\n  source = "../a"\n}\n'})
    assert _map(tmp_path, {"r1": "r1", "r2": "r2"}) == {
        "r1": "module cycle: r1/main.tf:2 (a) -> a/main.tf:2 (b) -> b/main.tf:2 (a)",
        "r2": "module cycle: r2/main.tf:4 (b) -> b/main.tf:2 (a) -> a/main.tf:2 (b)",  # not r1's file
    }


# --- the resolver's promise: each module walked once, each directory listed once, each file read once --------------

class _CountingCache(RefsCache):
    def __init__(self, broken: str = "") -> None:
        super().__init__(None)
        self.reads: Counter[str] = Counter()
        self.broken = broken

    def refs_of(self, path: Path) -> FileRefs:
        self.reads[path.name if path.parent.name == "r" else f"{path.parent.name}/{path.name}"] += 1
        if path.name == self.broken:
            raise PermissionError(13, "Permission denied", str(path))
        return super().refs_of(path)


@pytest.fixture
def shared_modules(tmp_path: Path) -> Path:
    """Three roots calling one module twice each, and a module that fails."""
    for root in ("a", "b", "c"):
        _write(tmp_path, {f"{root}/main.tf": 'module "x" {\n  source = "../m"\n}\nmodule "y" {\n  source = "../m"\n}\n'})
    _write(tmp_path, {"m/main.tf": 'module "n" {\n  source = "../n"\n}\n', "n/main.tf": "", "n/vars.tf": "",
                      "bad/main.tf": 'module "gone" {\n  source = "./nope"\n}\n', "shared/providers.tf": ""})
    for root in ("a", "b", "c"):  # one file linked into every root: read once, through its real path
        (tmp_path / root / "providers.tf").symlink_to("../shared/providers.tf")
    return tmp_path


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Counter[str], Counter[str]]]:
    walks: Counter[str] = Counter()
    listings: Counter[str] = Counter()
    walk, scandir = Resolver._walk, os.scandir

    def counting_walk(self: Resolver, module_dir: Path, *, is_root: bool) -> object:
        walks[module_dir.name] += 1
        return walk(self, module_dir, is_root=is_root)

    def counting_scandir(path: Path) -> object:
        listings[Path(path).name] += 1
        return scandir(path)

    monkeypatch.setattr(Resolver, "_walk", counting_walk)
    monkeypatch.setattr(os, "scandir", counting_scandir)
    yield walks, listings


def test_each_module_is_walked_listed_and_read_once(shared_modules: Path,
                                                   counted: tuple[Counter[str], Counter[str]]) -> None:
    walks, listings = counted
    cache = _CountingCache()
    resolver = Resolver(shared_modules, cache)
    for root in ("a", "b", "c"):
        assert resolver.map_workspace(Root(root, root)).module_edges == [(root, "m"), ("m", "n")]
    assert walks == {"a": 1, "b": 1, "c": 1, "m": 1, "n": 1}
    assert listings == {"a": 1, "b": 1, "c": 1, "m": 1, "n": 1}
    assert cache.reads == {"a/main.tf": 1, "b/main.tf": 1, "c/main.tf": 1, "m/main.tf": 1, "n/main.tf": 1,
                           "n/vars.tf": 1, "shared/providers.tf": 1}


def test_a_failing_module_is_walked_once_and_fails_every_caller(shared_modules: Path,
                                                               counted: tuple[Counter[str], Counter[str]]) -> None:
    walks, _ = counted
    _write(shared_modules, {"a/main.tf": 'module "x" {\n  source = "../bad"\n}\n',
                            "b/main.tf": 'module "x" {\n  source = "../bad"\n}\n'})
    resolver = Resolver(shared_modules, RefsCache(None))
    for root in ("a", "b"):
        with pytest.raises(DepsError, match=r'^bad/main.tf:2: module "gone": source ./nope is not a directory$'):
            resolver.map_workspace(Root(root, root))
    assert walks == {"a": 1, "b": 1, "bad": 1}


def test_a_module_that_cannot_be_read_fails_each_caller_with_the_os_error(shared_modules: Path) -> None:
    resolver = Resolver(shared_modules, _CountingCache(broken="vars.tf"))
    for root in ("a", "b"):  # not a "module cycle" for the second root: the failed walk is no longer in progress
        with pytest.raises(PermissionError):
            resolver.map_workspace(Root(root, root))
