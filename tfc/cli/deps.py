"""``tfc deps``: trigger patterns from the real module graph; check, affected, why, graph, audit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dependency_map.mapping import (
    MapResult,
    affected_workspaces,
    build_map,
    changed_since,
    commit_files,
    module_graph,
    to_dot,
    to_mermaid,
    why,
)
from dependency_map.output import documents, entry, load_patterns, previous_entries, stale_diff, write_if_changed
from dependency_map.resolve import DepsError, Root
from dependency_map.roots import roots_from_file, roots_from_tfc
from tfc.cli.context import OutputOption, emit_json, get_client, stderr, wants_json
from tfc.errors import ConfigError, ExitCode, UsageError
from tfc.review.selection import commit_prefix

app = typer.Typer(help="Dependency map: per-workspace trigger patterns from the module graph.", no_args_is_help=True)

RepoOption = Annotated[Path, typer.Option("--repo", help="Repository root.")]
RootsOption = Annotated[
    Path | None, typer.Option("--roots", help="YAML list of workspaces (name -> working_directory, tags).")
]
FromTfcOption = Annotated[bool, typer.Option("--from-tfc", help="Take workspaces and directories from TFC.")]
YamlOption = Annotated[Path, typer.Option("--yaml", help="The generated file (a directory with --split).")]
DEFAULT_YAML = Path("tfc-triggers.yaml")


def _roots(ctx: typer.Context, roots: Path | None, from_tfc: bool) -> list[Root]:

    if roots is not None and from_tfc:
        raise UsageError("give either --roots FILE or --from-tfc, not both")
    if from_tfc:
        return roots_from_tfc(get_client(ctx))
    if roots is None:
        raise UsageError("give --roots FILE (a YAML list of workspaces) or --from-tfc")
    return roots_from_file(roots)


def _build(ctx: typer.Context, repo: Path, roots: Path | None, from_tfc: bool, cache: bool):  # type: ignore[no-untyped-def]

    selected = [r for r in _roots(ctx, roots, from_tfc) if isinstance(r, Root)]
    if not repo.is_dir():
        raise ConfigError(f"--repo {repo}: not a directory")
    return build_map(repo, selected, cache_path=(repo / ".tfc-cache" / "deps.json") if cache else None)


def _report_problems(result: object) -> None:

    assert isinstance(result, MapResult)
    for ws in result.maps.values():
        for warning in ws.warnings:
            stderr.print(f"[yellow]warning[/] {ws.root.name}: {warning}")
    for name, message in sorted(result.errors.items()):
        stderr.print(f"[red]error[/] {name}: {message}")


def _entries(result: object, yaml_path: Path, *, prefixes: bool, split: bool) -> dict[str, dict[str, object]]:

    assert isinstance(result, MapResult)
    entries = {name: entry(ws, prefixes=prefixes) for name, ws in result.maps.items()}
    old: dict[str, dict[str, object]] = {}
    if split:
        for name in result.errors:
            old |= previous_entries(yaml_path / f"{name}.yaml")
    else:
        old = previous_entries(yaml_path)
    for name in result.errors:  # a workspace that failed keeps its last good patterns
        if name in old:
            entries[name] = old[name]
    return entries


@app.command("generate")
def generate(
    ctx: typer.Context,
    repo: RepoOption = Path(),
    roots: RootsOption = None,
    from_tfc: FromTfcOption = False,
    yaml_path: YamlOption = DEFAULT_YAML,
    split: Annotated[bool, typer.Option("--split", help="One file per workspace in the --yaml directory.")] = False,
    prefixes: Annotated[bool, typer.Option("--prefixes", help="Also write trigger_prefixes.")] = False,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse parses of unchanged files.")] = True,
) -> int:
    """Write every workspace's trigger patterns (sorted, de-duplicated) as YAML, only where they changed."""

    result = _build(ctx, repo, roots, from_tfc, cache)
    _report_problems(result)
    written = [p for p, text in documents(_entries(result, yaml_path, prefixes=prefixes, split=split), yaml_path,
                                          split=split).items() if write_if_changed(p, text)]
    stderr.print(f"{len(result.maps)} workspaces mapped, {len(result.errors)} failed; {result.files_parsed} files "
                 f"parsed, {result.cache_hits} from cache; {len(written)} file(s) written")
    return int(ExitCode.ERROR if result.errors else ExitCode.OK)


@app.command("check")
def check(
    ctx: typer.Context,
    repo: RepoOption = Path(),
    roots: RootsOption = None,
    from_tfc: FromTfcOption = False,
    yaml_path: YamlOption = DEFAULT_YAML,
    split: Annotated[bool, typer.Option("--split")] = False,
    prefixes: Annotated[bool, typer.Option("--prefixes")] = False,
) -> int:
    """Exit 1 and print the diff when the generated YAML is stale (for CI and pre-commit)."""

    result = _build(ctx, repo, roots, from_tfc, True)
    _report_problems(result)
    diff = stale_diff(documents(_entries(result, yaml_path, prefixes=prefixes, split=split), yaml_path, split=split))
    if diff:
        sys.stdout.writelines(diff)
        stderr.print("trigger patterns are stale: run `tfc deps generate`")
        return int(ExitCode.ERROR)
    return int(ExitCode.ERROR if result.errors else ExitCode.OK)


@app.command("affected")
def affected(
    ctx: typer.Context,
    paths: Annotated[list[str] | None, typer.Argument(help="Changed paths, relative to the repository.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Git reference: files changed since it.")] = None,
    repo: RepoOption = Path(),
    yaml_path: YamlOption = DEFAULT_YAML,
    output: OutputOption = None,
) -> None:
    """The workspaces whose trigger patterns match the changed files."""

    if bool(paths) == bool(since):
        raise UsageError("give changed PATHs or --since GIT_REF (one of them)")
    try:
        changed = changed_since(repo, since) if since else list(paths or [])
    except DepsError as exc:
        raise ConfigError(str(exc)) from None
    patterns = load_patterns(yaml_path)
    if not patterns:
        raise ConfigError(f"{yaml_path}: no trigger patterns; run `tfc deps generate` first")
    names = affected_workspaces(patterns, changed)
    if wants_json(ctx, output):
        emit_json({"changed": changed, "workspaces": names})
        return
    for name in names:
        typer.echo(name)


@app.command("why")
def why_command(
    ctx: typer.Context,
    workspace: Annotated[str, typer.Argument(help="Workspace name.")],
    path: Annotated[str, typer.Argument(help="A path relative to the repository.")],
    repo: RepoOption = Path(),
    roots: RootsOption = None,
    from_tfc: FromTfcOption = False,
) -> int:
    """The chain of module calls (file:line at each hop) from a workspace to a path, or "not watched"."""

    result = _build(ctx, repo, roots, from_tfc, True)
    if workspace in result.errors:
        raise ConfigError(f"{workspace}: {result.errors[workspace]}")
    ws = result.maps.get(workspace)
    if ws is None:
        raise UsageError(f"no workspace named {workspace!r}")
    found = why(ws, path)
    console = Console(highlight=False)
    if found is None:
        console.print(f"{path} is not watched by {workspace}")
        return int(ExitCode.ATTENTION)
    pattern, chain = found
    console.print(f"{workspace} ({ws.root.directory}/)")
    for depth, hop in enumerate(chain, 1):
        console.print(f"{'  ' * depth}{hop.where} -> {hop.target}")
    console.print(f"watched by {pattern}")
    return int(ExitCode.OK)


@app.command("graph")
def graph(
    ctx: typer.Context,
    repo: RepoOption = Path(),
    roots: RootsOption = None,
    from_tfc: FromTfcOption = False,
    workspace: Annotated[list[str] | None, typer.Option("--workspace", help="Only these workspaces.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="dot or mermaid.")] = "dot",
) -> None:
    """The module graph, as Graphviz DOT or Mermaid."""

    if fmt not in ("dot", "mermaid"):
        raise UsageError(f"--format {fmt!r}: use dot or mermaid")
    result = _build(ctx, repo, roots, from_tfc, True)
    maps = [m for name, m in sorted(result.maps.items()) if not workspace or name in workspace]
    graph_ = module_graph(maps)
    typer.echo(to_dot(graph_) if fmt == "dot" else to_mermaid(graph_), nl=False)


@app.command("audit")
def audit(
    ctx: typer.Context,
    commit: Annotated[str, typer.Option("--commit", help="The commit to audit (full or 7+ characters).")],
    repo: RepoOption = Path(),
    yaml_path: YamlOption = DEFAULT_YAML,
    output: OutputOption = None,
) -> int:
    """The workspaces the map says a commit should have planned vs those TFC actually ran."""

    prefix = commit_prefix(commit)
    try:
        changed = commit_files(repo, prefix)
    except DepsError as exc:
        raise ConfigError(str(exc)) from None
    expected = set(affected_workspaces(load_patterns(yaml_path), changed))
    client = get_client(ctx)
    ran = {r.workspace.name for r in client.list_org_runs(commit=prefix)
           if r.workspace and (r.commit_sha or "").startswith(prefix)}
    missed, needless = sorted(expected - ran), sorted(ran - expected)
    if wants_json(ctx, output):
        emit_json({"changed": changed, "expected": sorted(expected), "ran": sorted(ran), "missed": missed,
                   "needless": needless})
    else:
        console = Console(highlight=False)
        console.print(f"{len(changed)} files changed; map expects {len(expected)} workspaces, TFC ran {len(ran)}")
        for name in missed:
            console.print(f"  [red]missed[/]   {name} (should have planned)")
        for name in needless:
            console.print(f"  [yellow]needless[/] {name} (planned, but nothing it uses changed)")
    return int(ExitCode.ATTENTION if missed or needless else ExitCode.OK)

