"""How review decisions, groups and results look on a terminal and in JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tfc.cli.output import plain
from tfc.review.assess import Assessed, Group
from tfc.review.decision import Verdict
from tfc.review.diff import attribute_diff
from tfc.review.execute import Result
from tfc.review.selection import Reported, Selection

ACTION_SYMBOL = {"create": "+", "update": "~", "delete": "-", "replace": "-/+", "read": "<="}
VERDICT_STYLE = {Verdict.APPROVE: "green", Verdict.REVIEW: "yellow", Verdict.FAILED: "red", Verdict.SKIP: "dim"}
MAX_VALUE = 160


def tfc_text(value: object, style: str = "") -> Text:
    """TFC data as a Text: never read as markup, control characters shown as escapes."""
    return Text.from_markup(plain(value), style=style)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def substitution_text(group: Group) -> str:
    """What the members' plans differ by, e.g. "workspace name (2 places), account id from `account:` tag (1 place)"."""
    parts = [f"{s.label} ({s.occurrences} place{'' if s.occurrences == 1 else 's'})" for s in group.substitutions]
    return ", ".join(parts) or "nothing"


def render_group(console: Console, number: int, group: Group, *, details: bool, max_workspaces: int) -> None:
    decision = group.decision
    style = VERDICT_STYLE[decision.verdict]
    runs = len(group.members)
    header = Text.assemble(
        (f"Group {number}", "bold"),
        f" · {runs} run{'' if runs == 1 else 's'} · ",
        (str(decision.verdict), f"bold {style}"),
        tfc_text(f" · {decision.reason}"),
    )
    if decision.rule:
        header.append(tfc_text(f" · rule {decision.rule}"))
    console.print(header)
    changes = group.example.changes
    if changes is not None:
        for change in changes.actionable:
            deposed = f" (deposed object {change.deposed})" if change.deposed else ""
            symbol = ACTION_SYMBOL.get(change.action, change.action)
            console.print(tfc_text(f"  {symbol:>3} {change.action} {change.address}{deposed}"))
            if details:
                for attr in attribute_diff(change):
                    console.print(tfc_text(f"        {attr.path}: {_clip(attr.before)} → {_clip(attr.after)}"))
        for drift in changes.drift:
            console.print(tfc_text(f"    ! drift ({drift.action}) {drift.address}: changed outside Terraform",
                                   style="magenta"))
        for what in changes.unmodelled:
            console.print(tfc_text(f"    ! not modelled by the rules: {what}", style="yellow"))
    names = [m.workspace.name for m in group.members]
    shown = ", ".join(names[:max_workspaces])
    more = f" … and {len(names) - max_workspaces} more" if len(names) > max_workspaces else ""
    console.print(tfc_text(f"  workspaces: {shown}{more}", style="dim"))
    if runs > 1:
        console.print(tfc_text(f"  diff of {names[0]}; the other {runs - 1} plan(s) are identical once each "
                               f"workspace's own values are substituted: {substitution_text(group)}", style="dim"))


def group_record(group: Group, number: int) -> dict[str, Any]:
    changes = group.example.changes
    return {
        "number": number,
        "runs": len(group.members),
        "verdict": str(group.decision.verdict),
        "reason": group.decision.reason,
        "rule": group.decision.rule,
        "reviewable": group.reviewable,
        "substitutions": [{"identifier": s.label, "occurrences": s.occurrences} for s in group.substitutions],
        "workspaces": [m.workspace.name for m in group.members],
        "example_workspace": group.example.workspace.name,
        "changes": [] if changes is None else [
            {"kind": str(c.kind), "action": c.action, "address": c.address, "deposed": c.deposed,
             "diff": [{"path": d.path, "before": d.before, "after": d.after} for d in attribute_diff(c)]}
            for c in (*changes.actionable, *changes.drift)
        ],
        "unmodelled": [] if changes is None else list(changes.unmodelled),
    }


def render_reported(console: Console, reported: Sequence[Reported]) -> None:
    if not reported:
        return
    table = Table("workspace", "run", "status", "why it is not applied", title="Runs of the commit left alone")
    for item in reported:
        style = VERDICT_STYLE[item.decision.verdict]
        table.add_row(tfc_text(item.workspace.name), tfc_text(item.run.id), tfc_text(item.run.status),
                      tfc_text(item.decision.reason, style=style))
    console.print(table)


def render_results(console: Console, results: Sequence[Result]) -> None:
    problems = [r for r in results if r.outcome not in ("applying", "applied")]
    if not problems:
        return
    table = Table("workspace", "run", "outcome", "detail", title="Not applied, or not finished")
    for result in problems:
        table.add_row(tfc_text(result.item.workspace.name), tfc_text(result.item.run.id), str(result.outcome),
                      tfc_text(result.detail))
    console.print(table)


def decision_record(item: Assessed, group_number: int) -> dict[str, Any]:
    return {
        "workspace": item.workspace.name,
        "run_id": item.run.id,
        "group": group_number,
        "verdict": str(item.decision.verdict),
        "reason": item.decision.reason,
        "rule": item.decision.rule,
        "plan_hash": item.plan_hash,
    }


def reported_record(item: Reported) -> dict[str, Any]:
    return {
        "workspace": item.workspace.name,
        "run_id": item.run.id,
        "status": item.run.status,
        "verdict": str(item.decision.verdict),
        "reason": item.decision.reason,
    }


def result_record(result: Result) -> dict[str, Any]:
    return {
        "workspace": result.item.workspace.name,
        "run_id": result.item.run.id,
        "outcome": str(result.outcome),
        "detail": result.detail,
    }


def selection_summary(selection: Selection, prefix: str) -> str:
    if selection.commit is None:
        return f"no run of commit {prefix} found in the selected workspaces: nothing to do"
    commit = selection.commit[:12]
    return (
        f"commit {commit}: {len(selection.candidates)} run(s) waiting for confirmation in the selected workspaces, "
        f"{len(selection.reported)} other run(s) of the commit reported"
    )
