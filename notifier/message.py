"""The reminder as Slack sees it: text for notifications, blocks with the runs, a ready command, buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from typing import Any

from notifier.pending import Pending

SNOOZE_CHOICES = (("1h", "Snooze 1 hour"), ("4h", "Snooze 4 hours"), ("1d", "Snooze 1 day"))
MAX_LISTED = 20  # workspaces listed per commit in the text; the command always has all of them
MAX_BLOCK_TEXT = 2900  # Slack's limit for a section's text is 3000 characters


def code_blocks(command: str) -> list[str]:
    """The command in as many code blocks as Slack needs, split between lines (each ends in a backslash),
    so selecting the blocks top to bottom copies one valid command."""
    chunks: list[str] = []
    current = ""
    for line in command.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) + 6 > MAX_BLOCK_TEXT and current:
            chunks.append(current)
            current = line
        else:
            current = candidate
    chunks.append(current)
    return [f"```{chunk}```" for chunk in chunks]


def review_command(commit: str, workspaces: Sequence[str]) -> str:
    """Scoped to exactly these workspaces; one option per line so long lists stay copyable."""
    lines = [f"tfc review --commit {commit[:12]}"] + [f"  --workspace {name}" for name in sorted(workspaces)]
    return " \\\n".join(lines)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _age(since: datetime, now: datetime) -> str:
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def build_message(items: Sequence[Pending], *, now: datetime, app_url: str, note: str | None) -> dict[str, Any]:
    commits = sorted({i.commit for i in items})
    text = (f"{_count(len(items), 'apply', 'applies')} waiting for you in "
            f"{_count(len(commits), 'commit', 'commits')}")
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}}]
    if note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    ordered = sorted(items, key=lambda i: (i.commit, i.workspace))
    for commit, group in groupby(ordered, key=lambda i: i.commit):
        runs = list(group)
        listed = [f"• <{app_url}/app/{r.organization}/{r.workspace}/runs/{r.run_id}|{r.workspace}> "
                  f"— waiting {_age(r.since, now)}" for r in runs[:MAX_LISTED]]
        if len(runs) > MAX_LISTED:
            listed.append(f"• … and {len(runs) - MAX_LISTED} more")
        command = review_command(commit, [r.workspace for r in runs])
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text":
                       f"*Commit `{commit[:12]}`* — {_count(len(runs), 'workspace', 'workspaces')}\n"
                       + "\n".join(listed)}})
        blocks.extend({"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in code_blocks(command))
        blocks.append({"type": "actions", "block_id": f"commit:{commit}", "elements": [
            *({"type": "button", "action_id": f"snooze:{value}", "text": {"type": "plain_text", "text": label},
               "value": commit} for value, label in SNOOZE_CHOICES),
            {"type": "users_select", "action_id": "reassign", "placeholder": {"type": "plain_text",
                                                                               "text": "Reassign to…"}},
        ]})
    return {"text": text, "blocks": blocks}
