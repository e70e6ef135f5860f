"""``tfc deps``: trigger patterns from the real module graph; check, affected, why, graph, audit."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tfc.cli.context import OutputOption, emit_json, get_client, stderr, wants_json
from tfc.cli.output import json_document, make_console, plain
from tfc.errors import ConfigError, ExitCode, UsageError

if TYPE_CHECKING:
    from dependency_map.mapping import MapResult
    from dependency_map.resolve import Root

# dependency_map (tree-sitter, yaml, multiprocessing) is imported inside the commands that use it, so that
# `tfc deps --help` and a mistyped option answer without loading it.

TFC_FILE_LIMIT = 300  # TFC plans every workspace of the repository when a push changes more files than this
SHOWN_WARNINGS = 5

app = typer.Typer(help="Dependency map: per-workspace trigger patterns from the module graph.", no_args_is_help=True)

RepoOption = Annotated[Path, typer.Option("--repo", help="Repository root.")]
RootsOption = Annotated[
    Path | None, typer.Option("--roots", help="YAML list of workspaces (name -> working_directory, tags).")
]
FromTfcOption = Annotated[bool, typer.Option("--from-tfc", help="Take workspaces and directories from TFC.")]
YamlOption = Annotated[Path, typer.Option("--yaml", help="The generated file (a directory with --split).")]
DEFAULT_YAML = Path("tfc-triggers.yaml")
StrictOption = Annotated[bool, typer.Option("--strict", help="A dynamic path is an error, not a widened pattern.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Print every warning, not the first few.")]


def select_roots(ctx: typer.Context, repo: Path, roots: Path | None, from_tfc: bool) -> list[Root]:
    """The workspaces from ``--roots FILE`` or ``--from-tfc`` (exactly one), checked against ``--repo``."""
    from dependency_map.roots import roots_from_file, roots_from_tfc

    if roots is not None and from_tfc:
        raise UsageError("give either --roots FILE or --from-tfc, not both")
    if not repo.is_dir():
        raise ConfigError(f"--repo {repo}: not a directory")
    if from_tfc:
        return roots_from_tfc(get_client(ctx))
    if roots is None:
        raise UsageError("give --roots FILE (a YAML list of workspaces; `tfc deps roots` writes one) or --from-tfc")
    return roots_from_file(roots, repo)


def _build(ctx: typer.Context, repo: Path, roots: Path | None, from_tfc: bool, *, cache: bool = True,
           strict: bool = False) -> MapResult:
    from dependency_map.cache import default_cache_path
    from dependency_map.mapping import build_map

    selected = select_roots(ctx, repo, roots, from_tfc)
    return build_map(repo, selected, cache_path=default_cache_path(repo) if cache else None, strict=strict)


def _report_problems(result: MapResult, *, verbose: bool) -> None:
    """Warnings summarised (count and the first few, all with --verbose); every failure on its own line."""
    warnings = [f"{ws.root.name}: {w}" for ws in sorted(result.maps.values(), key=lambda m: m.root.name)
                for w in ws.warnings]
    for warning in warnings if verbose else warnings[:SHOWN_WARNINGS]:
        stderr.print(f"[yellow]warning[/] {plain(warning)}")
    if len(warnings) > SHOWN_WARNINGS and not verbose:
        stderr.print(f"… {len(warnings) - SHOWN_WARNINGS} more warnings ({len(warnings)} in all); --verbose lists them")
    for name, message in sorted(result.errors.items()):
        stderr.print(f"[red]error[/] {plain(name)}: {plain(message)}")


def _check_writable(yaml_path: Path, *, split: bool) -> None:
    """Refuse an output that cannot be written before doing the work, not after."""
    directory = yaml_path if split else yaml_path.parent
    existing = next((p for p in (directory, *directory.parents) if p.exists()), Path())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"--yaml {yaml_path}: cannot write into {existing}")
    if not split and yaml_path.exists() and (yaml_path.is_dir() or not os.access(yaml_path, os.W_OK)):
        raise ConfigError(f"--yaml {yaml_path}: not a writable file")


def _entries(result: MapResult, yaml_path: Path, *, prefixes: bool, split: bool) -> dict[str, dict[str, object]]:
    from dependency_map.output import entry, previous_entries

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
    strict: StrictOption = False,
    verbose: VerboseOption = False,
) -> int:
    """Write every workspace's trigger patterns (sorted, de-duplicated) as YAML, only where they changed.

    Exit 0 when every workspace was mapped, 3 when some failed (they keep their previous entries).
    """
    from dependency_map.output import documents
    from dependency_map.resolve import DepsError
    from tfc.atomic import write_if_changed

    _check_writable(yaml_path, split=split)
    result = _build(ctx, repo, roots, from_tfc, cache=cache, strict=strict)
    _report_problems(result, verbose=verbose)
    try:
        files = documents(_entries(result, yaml_path, prefixes=prefixes, split=split), yaml_path, split=split)
    except DepsError as exc:
        raise ConfigError(str(exc)) from None
    written = [p for p, text in files.items() if write_if_changed(p, text)]
    stderr.print(f"{len(result.maps)} workspaces mapped, {len(result.errors)} failed; {result.files_parsed} files "
                 f"parsed, {result.cache_hits} from cache; {len(written)} file(s) written")
    return int(ExitCode.ATTENTION if result.errors else ExitCode.OK)


@app.command("check")
def check(
    ctx: typer.Context,
    repo: RepoOption = Path(),
    roots: RootsOption = None,
    from_tfc: FromTfcOption = False,
    yaml_path: YamlOption = DEFAULT_YAML,
    split: Annotated[bool, typer.Option("--split")] = False,
    prefixes: Annotated[bool, typer.Option("--prefixes")] = False,
    strict: StrictOption = False,
    verbose: VerboseOption = False,
) -> int:
    """Exit 1 and print the diff when the generated YAML is stale; 3 when some workspaces could not be mapped."""
    from dependency_map.output import documents, stale_diff

    result = _build(ctx, repo, roots, from_tfc, strict=strict)
    _report_problems(result, verbose=verbose)
    diff = stale_diff(documents(_entries(result, yaml_path, prefixes=prefixes, split=split), yaml_path, split=split))
    if result.errors:
        stderr.print(f"{len(result.errors)} workspace(s) could not be mapped: their entries were not checked")
    if diff:
        sys.stdout.writelines(diff)
        stderr.print("trigger patterns are stale: run `tfc deps generate`")
        return int(ExitCode.ERROR)
    return int(ExitCode.ATTENTION if result.errors else ExitCode.OK)


@app.command("affected")
def affected(
    ctx: typer.Context,
    paths: Annotated[list[str] | None, typer.Argument(help="Changed paths (files or directories) in the repo.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Git reference: files changed since it.")] = None,
    repo: RepoOption = Path(),
    yaml_path: YamlOption = DEFAULT_YAML,
    output: OutputOption = None,
) -> int:
    """The workspaces whose trigger patterns match the changed files (a directory stands for everything in it)."""
    from dependency_map.mapping import affected_workspaces, changed_since, expand_paths
    from dependency_map.output import load_patterns
    from dependency_map.resolve import DepsError

    if bool(paths) == bool(since):
        raise UsageError("give changed PATHs or --since GIT_REF (one of them)")
    patterns = load_patterns(yaml_path)
    if not patterns:
        raise ConfigError(f"{yaml_path}: no trigger patterns; run `tfc deps generate` first")
    missing: list[str] = []
    try:
        if since:
            changed, untracked = changed_since(repo, since)
            if untracked:
                stderr.print(f"note: {len(untracked)} untracked file(s) included (TFC sees only what is pushed)")
            changed += untracked
        else:
            changed, missing = expand_paths(repo, paths or [])
    except DepsError as exc:
        raise ConfigError(str(exc)) from None
    names = affected_workspaces(patterns, changed)
    unmatched = [p for p in missing if not affected_workspaces(patterns, [p])]
    for path in missing:
        stderr.print(f"note: {plain(path)} does not exist in {plain(repo)}" + (
            "; no workspace watches it" if path in unmatched else "; matched as a deleted file"))
    if wants_json(ctx, output):
        emit_json(json_document("deps affected", {"changed": changed, "workspaces": names, "missing": missing}))
    else:
        for name in names:
            typer.echo(name)
        if not names:
            stderr.print(f"no workspace watches the {len(changed)} changed file(s)")
    if unmatched:
        raise ConfigError(f"{', '.join(unmatched)}: no such path, and no workspace watches it")
    return int(ExitCode.OK)


@app.command("why")
def why_command(
    ctx: typer.Context,
    workspace: Annotated[str, typer.Argument(help="Workspace name.")],
    path: Annotated[str, typer.Argument(help="A path (file or directory) relative to the repository.")],
    repo: RepoOption = Path(),
    roots: RootsOption = None,
    from_tfc: FromTfcOption = False,
) -> int:
    """The chain of module calls (file:line at each hop) from a workspace to a path, or "not watched"."""
    from dependency_map.mapping import expand_paths, why

    result = _build(ctx, repo, roots, from_tfc)
    if workspace in result.errors:
        raise ConfigError(f"{workspace}: {result.errors[workspace]}")
    ws = result.maps.get(workspace)
    if ws is None:
        raise UsageError(f"no workspace named {workspace!r}")
    files, _ = expand_paths(repo, [path])
    console = make_console()
    found = next(((f, hit) for f in files if (hit := why(ws, f)) is not None), None)
    if found is None:
        console.print(f"{plain(path)} is not watched by {plain(workspace)}"
                      + (f" (nor any of the {len(files)} files under it)" if len(files) > 1 else ""))
        return int(ExitCode.ATTENTION)
    file, (pattern, chain) = found
    console.print(f"{plain(workspace)} ({plain(ws.root.directory or '.')}/)")
    for depth, hop in enumerate(chain, 1):
        console.print(f"{'  ' * depth}{plain(hop.where)} -> {plain(hop.target)}")
    console.print(f"{plain(file)} watched by {plain(pattern)}" if file != path.strip("/") else
                  f"watched by {plain(pattern)}")
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
    from dependency_map.mapping import module_graph, to_dot, to_mermaid

    if fmt not in ("dot", "mermaid"):
        raise UsageError(f"--format {fmt!r}: use dot or mermaid")
    result = _build(ctx, repo, roots, from_tfc)
    unknown = sorted(set(workspace or ()) - set(result.maps) - set(result.errors))
    if unknown:
        raise ConfigError(f"--workspace: no workspace named {', '.join(map(repr, unknown))}")
    failed = sorted(set(workspace or ()) & set(result.errors))
    if failed:
        raise ConfigError(f"{failed[0]}: {result.errors[failed[0]]}")
    maps = [m for name, m in sorted(result.maps.items()) if not workspace or name in workspace]
    graph_ = module_graph(maps)
    typer.echo(to_dot(graph_) if fmt == "dot" else to_mermaid(graph_), nl=False)


@app.command("roots")
def roots_command(
    ctx: typer.Context,
    repo: RepoOption = Path(),
    write: Annotated[Path | None, typer.Option("--write", help="Write the roots file here (not overwritten).")] = None,
    from_tfc: FromTfcOption = False,
    output: OutputOption = None,
) -> int:
    """Find root modules (Terraform directories no local module call uses) and print an editable roots file.

    With --from-tfc, compare with TFC: workspaces whose directory holds no Terraform, roots no workspace uses.
    """
    from dependency_map.cache import RefsCache, default_cache_path
    from dependency_map.discover import compare, discover_roots, render_roots, terraform_directories
    from dependency_map.roots import roots_from_tfc

    if not repo.is_dir():
        raise ConfigError(f"--repo {repo}: not a directory")
    found = discover_roots(repo, RefsCache(default_cache_path(repo)))
    document = render_roots(found)
    data: dict[str, object] = {"roots": [{"working_directory": f.directory, "backend": f.backend} for f in found]}
    status = ExitCode.OK
    if from_tfc:
        empty, unused = compare(found, roots_from_tfc(get_client(ctx)), terraform_directories(repo.resolve()))
        data |= {"workspaces_without_terraform": empty, "roots_without_workspace": unused}
        for name in empty:
            stderr.print(f"[yellow]workspace[/] {plain(name)}: its working directory holds no .tf files")
        for directory in unused:
            stderr.print(f"[yellow]root[/] {plain(directory or '.')}: no workspace uses it")
        status = ExitCode.ATTENTION if empty or unused else ExitCode.OK
    if write is not None:
        if write.exists():
            raise ConfigError(f"--write {write}: exists; not overwritten (edit it, or remove it first)")
        write.write_text(document, encoding="utf-8")
        stderr.print(f"{len(found)} root(s) written to {plain(write)}")
    elif wants_json(ctx, output):
        emit_json(json_document("deps roots", data))
    else:
        typer.echo(document, nl=False)
    return int(status)


@app.command("audit")
def audit(
    ctx: typer.Context,
    commit: Annotated[str, typer.Option("--commit", help="The commit to audit (full or 7+ characters).")],
    repo: RepoOption = Path(),
    yaml_path: YamlOption = DEFAULT_YAML,
    output: OutputOption = None,
) -> int:
    """The workspaces the map says a commit should have planned vs those TFC actually ran."""
    from dependency_map.mapping import affected_workspaces, commit_files
    from dependency_map.output import load_patterns
    from dependency_map.resolve import DepsError
    from tfc.review.selection import commit_prefix  # the TFC client: only commands that talk to TFC load it

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
    over_limit = len(changed) > TFC_FILE_LIMIT
    if wants_json(ctx, output):
        emit_json(json_document("deps audit", {
            "changed": changed, "expected": sorted(expected), "ran": sorted(ran), "missed": missed,
            "needless": needless, "over_file_limit": over_limit}))
    else:
        console = make_console()
        console.print(f"{len(changed)} files changed; map expects {len(expected)} workspaces, TFC ran {len(ran)}")
        if over_limit:
            console.print(f"note: the commit changed more than {TFC_FILE_LIMIT} files: TFC plans every workspace "
                          "of the repository then, whatever the trigger patterns say")
        for name in missed:
            console.print(f"  [red]missed[/]   {plain(name)} (should have planned)")
        for name in needless:
            console.print(f"  [yellow]needless[/] {plain(name)} (planned, but nothing it uses changed)")
    return int(ExitCode.ATTENTION if missed or (needless and not over_limit) else ExitCode.OK)
