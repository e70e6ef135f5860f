"""``tfc dependabot``: generate, check and explain .github/dependabot.yml from the workspaces and a policy."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tfc.cli.context import OutputOption, emit_json, wants_json
from tfc.cli.deps import FromTfcOption, RepoOption, RootsOption, select_roots
from tfc.cli.output import json_document, make_console, plain
from tfc.errors import ConfigError, TfcError

if TYPE_CHECKING:
    from tfc.dependabot.plan import Plan

app = typer.Typer(help="Dependabot config for provider upgrades, generated from a policy.", no_args_is_help=True)

PolicyOption = Annotated[Path, typer.Option("--policy", help="The policy YAML (docs/dependabot.md).")]
OutOption = Annotated[Path, typer.Option("--out", help="Where dependabot.yml is (relative to --repo).")]
CacheOption = Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse parses of unchanged files.")]
DEFAULT_POLICY = Path(".github/tfc-dependabot-policy.yaml")
DEFAULT_OUT = Path(".github/dependabot.yml")


class Stale(TfcError):
    pass


def _generate(ctx: typer.Context, repo: Path, roots: Path | None, from_tfc: bool, policy_path: Path,
              cache: bool = True) -> tuple[Plan, str]:
    from dependency_map.cache import default_cache_path
    from dependency_map.mapping import build_map
    from tfc.dependabot.collect import collect_directories
    from tfc.dependabot.plan import build_plan
    from tfc.dependabot.policy import load_policy
    from tfc.dependabot.providers import ProvidersCache
    from tfc.dependabot.render import document, render
    from tfc.dependabot.schema import validate

    selected = select_roots(ctx, repo, roots, from_tfc)
    policy = load_policy(repo / policy_path if not policy_path.is_absolute() else policy_path)
    deps_cache = default_cache_path(repo)  # the dependency map's own cache, shared with `tfc deps`
    providers_cache = ProvidersCache(deps_cache.parent.parent / "dependabot" / deps_cache.name if cache else None)
    mapped = build_map(repo, selected, cache_path=deps_cache if cache else None)
    for name, message in sorted(mapped.errors.items()):
        make_console(stderr=True).print(f"[yellow]warning[/] {plain(name)}: {plain(message)} (its modules are not "
                                        "followed)")
    plan = build_plan(collect_directories(repo, selected, mapped, providers_cache), policy)
    providers_cache.save()
    problems = validate(document(plan))
    if problems:
        raise ConfigError("the generated file would break Dependabot's rules:\n  " + "\n  ".join(problems))
    inputs = "TFC workspaces" if from_tfc else str(roots)
    return plan, render(plan, str(policy_path), inputs)


def _skipped(plan: Plan) -> dict[str, str]:
    return {path or "/": d.skipped for path, d in sorted(plan.decisions.items()) if d.skipped}


@app.command("generate")
def generate(
    ctx: typer.Context,
    repo: RepoOption = Path(),
    roots: RootsOption = None,
    from_tfc: FromTfcOption = False,
    policy: PolicyOption = DEFAULT_POLICY,
    out: OutOption = DEFAULT_OUT,
    cache: CacheOption = True,
    output: OutputOption = None,
) -> None:
    """Write dependabot.yml (only when it changed): one entry per tier and owner, providers grouped per tier."""
    from tfc.atomic import write_if_changed

    plan, text = _generate(ctx, repo, roots, from_tfc, policy, cache)
    target = repo / out
    changed = write_if_changed(target, text)
    skipped = _skipped(plan)
    if wants_json(ctx, output):
        emit_json(json_document("dependabot generate", {"file": str(target), "changed": changed,
                                                        "entries": len(plan.entries),
                                                        "directories": len(plan.entry_of), "skipped": skipped}))
        return
    verb = "wrote" if changed else "unchanged:"
    make_console().print(f"{verb} {plain(target)}: {len(plan.entries)} entries covering {len(plan.entry_of)} "
                         f"directories; {len(skipped)} skipped (`tfc dependabot explain DIR` says why)")


@app.command("check")
def check(
    ctx: typer.Context,
    repo: RepoOption = Path(),
    roots: RootsOption = None,
    from_tfc: FromTfcOption = False,
    policy: PolicyOption = DEFAULT_POLICY,
    out: OutOption = DEFAULT_OUT,
    cache: CacheOption = True,
) -> None:
    """Exit 1 with a diff when the committed dependabot.yml is not what the policy and workspaces generate."""
    _, text = _generate(ctx, repo, roots, from_tfc, policy, cache)
    target = repo / out
    current = target.read_text(encoding="utf-8") if target.is_file() else ""
    if current == text:
        make_console().print(f"{plain(target)} is up to date")
        return
    diff = difflib.unified_diff(current.splitlines(keepends=True), text.splitlines(keepends=True),
                                fromfile=f"{out} (committed)", tofile=f"{out} (generated)")
    make_console().print(plain("".join(diff)), end="")
    raise Stale(f"{target} is stale: run `tfc dependabot generate` and commit the result")


@app.command("explain")
def explain(
    ctx: typer.Context,
    directory: Annotated[str, typer.Argument(help="A workspace or module directory, relative to the repository.")],
    repo: RepoOption = Path(),
    roots: RootsOption = None,
    from_tfc: FromTfcOption = False,
    policy: PolicyOption = DEFAULT_POLICY,
    output: OutputOption = None,
) -> None:
    """Which policy rules shaped this directory's entry (or why it has none)."""
    plan, _ = _generate(ctx, repo, roots, from_tfc, policy)
    key = directory.strip().strip("/").removeprefix("./")
    decision = plan.decisions.get("" if key in ("", ".") else key)
    if decision is None:
        raise ConfigError(f"{directory}: no workspace is rooted there and no workspace uses it as a module")
    index = plan.entry_of.get(decision.directory.path)
    entry = plan.entries[index] if index is not None else None
    groups = [name for name, group in sorted((entry or {}).get("groups", {}).items())
              if set(group.get("patterns", [])) & set(decision.providers)]
    facts: dict[str, object] = {
        "directory": decision.dependabot_directory,
        "kind": "module" if decision.directory.is_module else "workspace",
        "workspaces": list(decision.directory.workspaces),
        "tier": decision.tier, "tier_reason": decision.tier_reason,
        "owner": decision.owner,
        "providers": [{"source": u.source, "where": u.where} for u in decision.directory.providers],
        "via_modules": [{"source": u.source, "where": u.where} for u in decision.directory.via_modules],
        "in_scope": list(decision.providers), "left_out_by_allow_deny": list(decision.filtered),
        "overrides": [{"for": o.label, "policy_line": o.line} for o in decision.overrides],
        "entry": index, "groups": groups,
        "skipped": decision.skipped,
    }
    if wants_json(ctx, output):
        emit_json(json_document("dependabot explain", facts))
        return
    console = make_console()
    users = ", ".join(map(plain, decision.directory.workspaces))
    console.print(f"[bold]{plain(decision.dependabot_directory)}[/] ({facts['kind']} of {users})")
    console.print(f"  tier {plain(decision.tier)}: {plain(decision.tier_reason)}")
    console.print(f"  owner: {plain(decision.owner or 'none (no single owner: tag)')}")
    for use in decision.directory.providers:
        state = "in scope" if use.source in decision.providers else "left out by the allow/deny lists"
        console.print(f"  requires {plain(use.source)} at {plain(use.where)}: {state}")
    for use in decision.directory.via_modules:
        console.print(f"  its modules require {plain(use.source)} at {plain(use.where)} (updated in their own entry)")
    for override in decision.overrides:
        console.print(f"  override for {plain(override.label)} (policy line {override.line})")
    if decision.skipped:
        console.print(f"  [yellow]no entry[/]: {plain(decision.skipped)}")
    else:
        console.print(f"  entry updates[{index}] with {len(groups)} provider group(s): {', '.join(map(plain, groups))}")
