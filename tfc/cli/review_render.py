"""How review decisions, groups and results look on a terminal and in JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tfc.review.assess import Assessed, Group
from tfc.review.decision import Verdict
from tfc.review.diff import attribute_diff
from tfc.review.execute import Result
from tfc.review.selection import Reported, Selection

ACTION_SYMBOL = {"create": "+", "update": "~", "delete": "-", "replace": "-/+", "read": "<="}
VERDICT_STYLE = {Verdict.APPROVE: "green", Verdict.REVIEW: "yellow", Verdict.FAILED: "red", Verdict.SKIP: "dim"}
MAX_VALUE = 160


def _clip(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def render_group(console: Console, number: int, group: Group, *, details: bool, max_workspaces: int) -> None:
    decision = group.decision
    style = VERDICT_STYLE[decision.verdict]
    header = Text.assemble(
        (f"Group {number}", "bold"),
        f" · {len(group.members)} workspace{'' if len(group.members) == 1 else 's'} · ",
        (str(decision.verdict), f"bold {style}"),
        f" · {decision.reason}",
    )
    if decision.rule:
        header.append(f" · rule {decision.rule}")
    console.print(header)
    changes = group.example.changes
    if changes is not None:
        for change in changes.actionable:
            console.print(f"  {ACTION_SYMBOL.get(change.action, change.action):>3} {change.action} {change.address}")
            if details:
                for attr in attribute_diff(change):
                    console.print(Text(f"        {attr.path}: {_clip(attr.before)} → {_clip(attr.after)}"))
        for drift in changes.drift:
            console.print(f"    ! drift ({drift.action}) {drift.address}: changed outside Terraform", style="magenta")
    names = [m.workspace.name for m in group.members]
    shown = ", ".join(names[:max_workspaces])
    more = f" … and {len(names) - max_workspaces} more" if len(names) > max_workspaces else ""
    console.print(f"  workspaces: {shown}{more}", style="dim")
    if details and len(group.members) > 1:
        console.print(
            "  (diff shown for the first workspace; the others differ only in workspace-specific values)",
            style="dim",
        )


def render_reported(console: Console, reported: Sequence[Reported]) -> None:
    if not reported:
        return
    table = Table("workspace", "run", "status", "why it is not applied", title="Runs of the commit left alone")
    for item in reported:
        style = VERDICT_STYLE[item.decision.verdict]
        table.add_row(item.workspace.name, item.run.id, item.run.status, Text(item.decision.reason, style=style))
    console.print(table)


def render_results(console: Console, results: Sequence[Result]) -> None:
    problems = [r for r in results if r.outcome not in ("applying", "applied")]
    if not problems:
        return
    table = Table("workspace", "run", "outcome", "detail", title="Not applied")
    for result in problems:
        table.add_row(result.item.workspace.name, result.item.run.id, str(result.outcome), result.detail)
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
