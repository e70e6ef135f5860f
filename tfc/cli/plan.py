"""``tfc plan``: speculative plans of a change where it lands, one canary per shape, as one PR summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dependency_map.mapping import affected_workspaces, changed_since, expand_paths
from dependency_map.output import load_patterns, previous_entries
from dependency_map.resolve import DepsError
from tfc.atomic import write_atomically
from tfc.cli.context import OutputOption, emit_json, get_client, stderr, wants_json
from tfc.cli.output import json_document, make_console, plain
from tfc.cli.review import parse_duration
from tfc.errors import ConfigError, ExitCode, UsageError
from tfc.models import Workspace
from tfc.plan.canaries import affected_from_map, choose, parse_canaries
from tfc.plan.runner import Planner, Target, default_concurrency
from tfc.plan.speculative import archive
from tfc.plan.summary import PlanResult, render_markdown, summarise, to_json
from tfc.review.wildcard import parse_wildcard


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)


def plan(
    ctx: typer.Context,
    paths: Annotated[list[str] | None, typer.Argument(help="Changed paths (files or directories) in the repo.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Git reference: files changed since it.")] = None,
    repo: Annotated[Path, typer.Option("--repo", help="Repository root (its working tree is uploaded).")] = Path(),
    triggers: Annotated[Path, typer.Option("--triggers", help="Trigger YAML of `tfc deps generate`.")] = Path(
        "tfc-triggers.yaml"),
    canaries: Annotated[str, typer.Option("--canaries", help="auto (one per shape, capped), N, or all.")] = "auto",
    wildcard: Annotated[list[str], typer.Option("--wildcard", help="ACTION:ADDRESS allowed to delete/replace.")] = [],  # noqa: B006
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", min=1, help="Speculative runs in flight at most (default: a quarter of the agents).")] = None,
    timeout: Annotated[str, typer.Option("--timeout", help="Longest wait for the plans (e.g. 30m).")] = "30m",
    markdown: Annotated[Path | None, typer.Option("--markdown", help="Write the Markdown summary here.")] = None,
    output: OutputOption = None,
) -> int:
    """Speculative impact plans of a change, one canary per shape, grouped into one Markdown summary.

    Exit 0 when every plan is readable and any delete/replace is covered by --wildcard; 3 otherwise
    (CI can require a person); 1 when the change affects no workspace."""
    if bool(paths) == bool(since):
        raise UsageError("give changed PATHs or --since GIT_REF (one of them)")
    try:
        limit = parse_canaries(canaries)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    rules = [parse_wildcard(rule) for rule in wildcard]
    try:
        timeout_s = parse_duration(timeout)
    except UsageError:
        raise UsageError(f"invalid --timeout {timeout!r}: expected a duration such as 90s, 30m or 2h") from None
    if not repo.is_dir():
        raise ConfigError(f"--repo {repo}: not a directory")
    patterns = load_patterns(triggers)
    entries = previous_entries(triggers)
    if not patterns:
        raise ConfigError(f"{triggers}: no workspaces; run `tfc deps generate` first")
    try:
        if since:
            tracked, untracked = changed_since(repo, since)
            changed = tracked + untracked
        else:
            changed = expand_paths(repo, paths or [])[0]
    except DepsError as exc:
        raise ConfigError(str(exc)) from None
    names = affected_workspaces(patterns, changed)
    if not names:
        stderr.print(f"the {len(changed)} changed file(s) affect no workspace: nothing to plan")
        return int(ExitCode.ERROR)

    client = get_client(ctx)
    known = {ws.name: ws for ws in client.list_workspaces()}
    affected = affected_from_map(entries, names, {n: known[n].tag_names for n in names if n in known})
    choice = choose(affected, limit)
    content, files = archive(repo)
    missing = [PlanResult(_absent(c.name), None, "not found", error="no such workspace in TFC",
                          stands_for=len(c.stands_for)) for c in choice.canaries if c.name not in known]
    targets = [Target(known[c.name], len(c.stands_for)) for c in choice.canaries if c.name in known]
    if concurrency is None:
        used = {t.workspace.agent_pool_id for t in targets} - {None}
        concurrency = default_concurrency([p.agent_count for p in client.list_agent_pools() if p.id in used]
                                          if used else [])
    stderr.print(f"{len(names)} affected workspace(s), {len(choice.canaries)} to plan "
                 f"({len(choice.unplanned)} beyond the cap), at most {concurrency} at once; uploading {files} "
                 f"files ({len(content):,} bytes) each")
    planner = Planner(client, content, concurrency=concurrency, timeout_s=timeout_s)
    try:
        results = planner.plan(targets)
    except KeyboardInterrupt:
        stderr.print(f"interrupted: canceled {len(planner.canceled)} of the {len(planner.started)} run(s) started")
        raise typer.Exit(130) from None
    summary = summarise([*missing, *results], rules, affected=len(names), unplanned=choice.unplanned)
    text = render_markdown(summary)
    if markdown is not None:
        write_atomically(markdown, text.encode("utf-8"))
    if wants_json(ctx, output):
        emit_json(json_document("plan", {"changed": len(changed), **to_json(summary),
                                         "requests": client.stats.requests}))
    elif markdown is None:
        make_console().print(plain(text), highlight=False)
    stderr.print(f"{len(summary.errors)} errored, {len(summary.groups)} group(s); agent time "
                 f"{summary.agent_seconds / 60:.1f} min")
    return int(ExitCode.ATTENTION if summary.needs_person else ExitCode.OK)


def _absent(name: str) -> Workspace:
    return Workspace(id=f"missing:{name}", name=name)
