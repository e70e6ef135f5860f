"""The plans' outcome, grouped with the review's signature, as JSON and as one Markdown PR summary.

The Markdown stays under GitHub's comment limit: whole groups and table rows are left out with "… and N more"
counts, never a table cut in the middle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tfc.models import Workspace
from tfc.review.changes import Change, PlanChanges
from tfc.review.diff import attribute_diff
from tfc.review.grouping import Substitution, plan_signature
from tfc.review.wildcard import Wildcard

COMMENT_LIMIT = 65_536  # GitHub's limit for a PR comment body (characters)
RESERVE = 400  # room kept for the closing "not shown" line
MAX_ROWS = 40  # rows of one table before "… and N more"
MAX_CELL = 160
DESTRUCTIVE = ("delete", "replace")


class Outcome(StrEnum):
    OK = "ok"
    NEEDS_PERSON = "needs-person"  # a delete or replace no --wildcard covers
    ERROR = "error"  # the plan errored, timed out, was canceled or could not be read


@dataclass(frozen=True, slots=True)
class PlanResult:
    workspace: Workspace
    run_id: str | None
    status: str
    changes: PlanChanges | None = None
    error: str | None = None
    stands_for: int = 0  # affected workspaces of the same shape that this plan speaks for
    agent_seconds: float = 0.0


def uncovered(changes: PlanChanges, rules: Sequence[Wildcard]) -> list[Change]:
    """Deletes and replaces that no ``--wildcard`` rule allows."""
    return [c for c in changes.resources
            if any(word in c.action.split("+") for word in DESTRUCTIVE)
            and not any(r.matches(c.action, c.parts) for r in rules)]


def outcome(result: PlanResult, rules: Sequence[Wildcard]) -> Outcome:
    if result.error is not None or result.changes is None or result.changes.errored:
        return Outcome.ERROR
    return Outcome.NEEDS_PERSON if uncovered(result.changes, rules) else Outcome.OK


@dataclass(frozen=True, slots=True)
class Group:
    digest: str
    results: tuple[PlanResult, ...]
    substitutions: tuple[Substitution, ...]
    outcome: Outcome
    changes: PlanChanges  # the first member's: every member's are the same up to the substitutions

    @property
    def stands_for(self) -> int:
        return sum(r.stands_for for r in self.results)


@dataclass(frozen=True, slots=True)
class Summary:
    affected: int
    errors: tuple[PlanResult, ...]
    groups: tuple[Group, ...]
    unplanned: tuple[str, ...] = ()
    agent_seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())

    @property
    def needs_person(self) -> bool:
        return bool(self.errors) or any(g.outcome is Outcome.NEEDS_PERSON for g in self.groups)


def summarise(results: Sequence[PlanResult], rules: Sequence[Wildcard], *, affected: int,
              unplanned: Sequence[str] = (), notes: Sequence[str] = ()) -> Summary:
    """Errors apart; every read plan in the group of its signature (the review's safe substitution rule)."""
    errors = [r for r in results if outcome(r, rules) is Outcome.ERROR]
    buckets: dict[str, list[PlanResult]] = {}
    firsts: dict[str, tuple[tuple[Substitution, ...], PlanChanges]] = {}
    for result in results:
        if result in errors or result.changes is None:
            continue
        signature = plan_signature(result.changes, result.workspace)
        buckets.setdefault(signature.digest, []).append(result)
        firsts.setdefault(signature.digest, (signature.substitutions, result.changes))
    groups = []
    for digest, members in buckets.items():
        substitutions, changes = firsts[digest]
        groups.append(Group(digest, tuple(sorted(members, key=lambda r: r.workspace.name)), substitutions,
                            outcome(members[0], rules), changes))
    groups.sort(key=lambda g: (g.outcome is not Outcome.NEEDS_PERSON, -len(g.results), g.results[0].workspace.name))
    return Summary(affected, tuple(sorted(errors, key=lambda r: r.workspace.name)), tuple(groups),
                   tuple(sorted(unplanned)), sum(r.agent_seconds for r in results), tuple(notes))


# -- JSON ------------------------------------------------------------------------------------------------

def _change_json(change: Change) -> dict[str, object]:
    return {"address": change.address, "action": change.action, "kind": str(change.kind),
            "diff": [{"path": d.path, "before": d.before, "after": d.after} for d in attribute_diff(change)]}


def to_json(summary: Summary) -> dict[str, object]:
    return {
        "affected": summary.affected,
        "planned": len(summary.errors) + sum(len(g.results) for g in summary.groups),
        "needs_person": summary.needs_person,
        "agent_minutes": round(summary.agent_seconds / 60, 2),
        "errors": [{"workspace": r.workspace.name, "run": r.run_id, "status": r.status,
                    "error": r.error or "the plan reports errors", "stands_for": r.stands_for}
                   for r in summary.errors],
        "groups": [{"signature": g.digest, "outcome": str(g.outcome),
                    "workspaces": [{"name": r.workspace.name, "run": r.run_id, "stands_for": r.stands_for}
                                   for r in g.results],
                    "stands_for": g.stands_for,
                    "substitutions": [{"label": s.label, "occurrences": s.occurrences} for s in g.substitutions],
                    "changes": [_change_json(c) for c in g.changes.actionable],
                    "drift": [_change_json(c) for c in g.changes.drift]}
                   for g in summary.groups],
        "unplanned": list(summary.unplanned),
        "notes": list(summary.notes),
    }


# -- Markdown --------------------------------------------------------------------------------------------

def cell(text: str) -> str:
    """Table-cell safe: no pipe, newline or HTML from a plan can break the table or the comment."""
    flat = " ".join(text.split())
    if len(flat) > MAX_CELL:
        flat = flat[: MAX_CELL - 1] + "…"
    return (flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("`", "'"))


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, max_rows: int = MAX_ROWS) -> list[str]:
    """A whole table of at most ``max_rows`` rows, then "… and N more rows" outside it."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows[:max_rows]]
    if len(rows) > max_rows:
        lines += ["", f"… and {len(rows) - max_rows} more rows"]
    return [*lines, ""]


def _names(results: Sequence[PlanResult], shown: int = 20) -> str:
    names = ", ".join(cell(r.workspace.name) for r in results[:shown])
    return names + (f" … and {len(results) - shown} more" if len(results) > shown else "")


def _errors_section(errors: Sequence[PlanResult]) -> list[str]:
    rows = [[r.workspace.name, r.run_id or "—", r.status, r.error or "the plan reports errors"] for r in errors]
    return [f"### ❌ {len(errors)} plan(s) failed", "", *table(["Workspace", "Run", "Status", "Error"], rows)]


def _group_section(number: int, group: Group) -> list[str]:
    mark = {Outcome.NEEDS_PERSON: "⚠️ needs a person: delete/replace not covered by --wildcard",
            Outcome.OK: "✅ no delete or replace left uncovered"}.get(group.outcome, "")
    count = len(group.results)
    title = f"### Group {number}: {count} workspace(s) plan alike"
    if group.stands_for:
        title += f", standing for {group.stands_for} more affected workspace(s)"
    lines = [title, "", mark, "", f"Workspaces: {_names(group.results)}", ""]
    if group.substitutions:
        made = ", ".join(f"{s.label} ({s.occurrences}×)" for s in group.substitutions)
        lines += [f"Identical once each workspace's own values are replaced: {made}", ""]
    changes = group.changes.actionable
    if not changes:
        lines += ["No changes." + (f" Drift: {len(group.changes.drift)} resource(s)." if group.changes.drift
                                   else ""), ""]
        return lines
    lines += table(["Action", "Address"], [[c.action, c.address] for c in changes])
    diff_rows = [[c.address, d.path, d.before, d.after] for c in changes for d in attribute_diff(c)]
    if diff_rows:
        lines += ["<details><summary>Attribute diff (sensitive values masked)</summary>", "",
                  *table(["Address", "Attribute", "Before", "After"], diff_rows), "</details>", ""]
    return lines


def render_markdown(summary: Summary, *, limit: int = COMMENT_LIMIT) -> str:
    """The PR summary: errors first, then the groups; whole sections left out to stay under ``limit``."""
    planned = len(summary.errors) + sum(len(g.results) for g in summary.groups)
    head = [f"## tfc plan: {summary.affected} affected workspace(s), {planned} planned, "
            f"{len(summary.groups)} group(s)", "",
            f"Agent time: {summary.agent_seconds / 60:.1f} minutes.", ""]
    if summary.unplanned:
        shown = ", ".join(cell(n) for n in summary.unplanned[:20])
        more = f" … and {len(summary.unplanned) - 20} more" if len(summary.unplanned) > 20 else ""
        head += [f"Not planned (shapes beyond the canary cap, nothing speaks for them): "
                 f"{len(summary.unplanned)} workspace(s): {shown}{more}", ""]
    head += [f"- {cell(n)}" for n in summary.notes] + ([""] if summary.notes else [])
    sections: list[tuple[list[str], int]] = []  # (lines, workspaces it covers)
    if summary.errors:
        sections.append((_errors_section(summary.errors), len(summary.errors)))
    sections += [(_group_section(i, g), len(g.results)) for i, g in enumerate(summary.groups, 1)]
    text = "\n".join(head) + "\n"
    budget = limit - RESERVE
    for index, (lines, _) in enumerate(sections):
        block = "\n".join(lines) + "\n"
        if len(text) + len(block) > budget:
            left = sections[index:]
            text += (f"\n… and {len(left)} more section(s) covering {sum(n for _, n in left)} planned "
                     f"workspace(s) not shown (comment size limit); `--output json` has them all.\n")
            break
        text += block
    return text
