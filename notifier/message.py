"""The reminder as Slack sees it: per commit a summary, a few run links, a short scoped command and buttons.

Every message fits Slack's limits whatever the pending set: at most ``MAX_BLOCKS`` blocks, ``MAX_SECTION``
characters per section text and ``MAX_TEXT`` characters in all. Commits that do not fit get one line each in a
closing section ("… and N more commits" past that). Text from TFC goes through ``mrkdwn.inert``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from notifier.mrkdwn import inert, link, mention
from notifier.pending import Pending

SNOOZE_CHOICES = (("1h", "Snooze 1 hour"), ("4h", "Snooze 4 hours"), ("1d", "Snooze 1 day"))
MAX_BLOCKS = 50  # Slack rejects more
MAX_SECTION = 3000  # characters of a section's text
MAX_TEXT = 40_000  # characters of text in one message
RUN_LINKS = 5  # run links per commit; "… and N more" links to TFC
MAX_NAMED = 10  # workspaces a command may name when --commit/--author cannot scope it
SHA = re.compile(r"[0-9a-f]{40}")
SAFE_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")  # pasteable into a shell as is
SAFE_WORKSPACE = re.compile(r"[A-Za-z0-9_-]{1,90}")  # TFC's rule for workspace names


@dataclass(frozen=True, slots=True)
class Command:
    text: str
    caveat: str | None = None  # when the command selects more than the runs listed


def review_command(commit: str, runs: Sequence[Pending], everyone: Sequence[Pending]) -> Command:
    """The shortest ``tfc review`` command that selects exactly ``runs`` among ``everyone``'s pending runs."""
    base = f"tfc review --commit {commit[:12]}"
    of_commit = [p for p in everyone if p.commit == commit]
    mine = {r.run_id for r in runs}
    if mine == {p.run_id for p in of_commit}:
        return Command(base)
    authors = {r.author for r in runs}
    author = authors.pop() if len(authors) == 1 else None
    by_author = [p for p in of_commit if p.author == author]
    narrower = author is not None and SAFE_LOGIN.fullmatch(author) and len(by_author) < len(of_commit)
    scoped = f"{base} --author {author}" if narrower else base
    if narrower and mine == {p.run_id for p in by_author}:
        return Command(scoped)
    names = sorted(r.workspace for r in runs)
    if len(names) <= MAX_NAMED and all(SAFE_WORKSPACE.fullmatch(n) for n in names):
        return Command(" ".join([base, *(f"--workspace {n}" for n in names)]))
    others = len(by_author if narrower else of_commit) - len(mine)
    return Command(scoped, f"it also selects {_count(others, 'run', 'runs')} reminded to others: review only yours")


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _age(since: datetime, now: datetime) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a line end when possible."""
    if len(text) <= limit:
        return text
    head = text[: limit - 2]
    return head[: head.rfind("\n")] + "\n…" if "\n" in head else head + " …"


def _run_url(app_url: str, run: Pending) -> str:
    return f"{app_url}/app/{quote(run.organization, safe='')}/workspaces/{quote(run.workspace, safe='')}/runs/" \
           f"{quote(run.run_id, safe='')}"


def commit_section(commit: str, runs: Sequence[Pending], everyone: Sequence[Pending], *, now: datetime,
                   app_url: str, reassigned_by: str | None) -> str:
    first = runs[0]
    oldest = min(r.since for r in runs)
    where = " · ".join(inert(x, 80) for x in (first.repository, first.branch) if x)
    lines = [f"*`{commit[:12]}`* {inert(first.title, 150) or '(no commit message)'}",
             " · ".join(x for x in (where, f"by {inert(first.author or 'unknown author', 60)}",
                                    f"waiting {_age(oldest, now)}") if x)]
    labels = Counter(label for r in runs for label in r.labels)
    counted = " · ".join(f"{inert(label, 40)} {n:,}" for label, n in sorted(labels.items())[:8])
    lines.append(_count(len(runs), "run", "runs") + (f": {counted}" if counted else ""))
    ordered = sorted(runs, key=lambda r: (r.since, r.workspace))
    listed = " · ".join(link(_run_url(app_url, r), r.workspace[:90]) for r in ordered[:RUN_LINKS])
    if len(runs) > RUN_LINKS:
        org = quote(first.organization, safe="")
        listed += " " + link(f"{app_url}/app/{org}/workspaces", f"… and {len(runs) - RUN_LINKS:,} more in TFC")
    lines.append(listed)
    if reassigned_by:
        lines.append(f"Reassigned to you by {mention(reassigned_by)}")
    command = review_command(commit, runs, everyone)
    lines.append(f"```{command.text}```" + (f"\n_{command.caveat}_" if command.caveat else ""))
    return _cut("\n".join(lines), MAX_SECTION)


def _actions(commit: str) -> dict[str, Any]:
    return {"type": "actions", "block_id": f"commit:{commit}", "elements": [
        *({"type": "button", "action_id": f"snooze:{value}", "text": {"type": "plain_text", "text": label},
           "value": commit} for value, label in SNOOZE_CHOICES),
        {"type": "users_select", "action_id": "reassign",
         "placeholder": {"type": "plain_text", "text": "Reassign to…"}},
    ]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def build_message(items: Sequence[Pending], *, now: datetime, app_url: str, note: str | None,
                  everyone: Sequence[Pending] = (), by_author: bool = False,
                  reassigned_by: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The message for one recipient; ``everyone`` is the tick's whole pending set (to scope commands),
    ``by_author`` groups commits under their authors (channel messages)."""
    everyone = everyone or items
    reassigned_by = reassigned_by or {}
    commits: dict[str, list[Pending]] = {}
    for item in sorted(items, key=lambda i: i.since):
        commits.setdefault(item.commit, []).append(item)

    def order(commit: str) -> tuple[str, datetime, str]:
        runs = commits[commit]
        return ((runs[0].author or "") if by_author else "", runs[0].since, commit)

    text = (f"{_count(len(items), 'apply', 'applies')} waiting for you in "
            f"{_count(len(commits), 'commit', 'commits')}")
    blocks: list[dict[str, Any]] = [_section(f"*{text}*")]
    if note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(note, MAX_SECTION)}]})
    used = len(text) + len(blocks[0]["text"]["text"]) + len(note or "")
    overflow: list[str] = []
    author: str | None = None
    for n, commit in enumerate(sorted(commits, key=order)):
        runs = commits[commit]
        header = by_author and (n == 0 or runs[0].author != author)
        label = f"*{inert(runs[0].author or 'unknown author', 60)}*" if header else ""
        needed = 1 + bool(SHA.fullmatch(commit)) + bool(header)
        section = "" if overflow else commit_section(commit, runs, everyone, now=now, app_url=app_url,
                                                     reassigned_by=reassigned_by.get(commit))
        if overflow or len(blocks) + needed + 1 > MAX_BLOCKS or used + len(section) + len(label) + MAX_SECTION \
                > MAX_TEXT:  # the last block and MAX_SECTION characters stay free for the closing list
            overflow.append(f"• `{commit[:12]}` {inert(runs[0].title, 60)} — by "
                            f"{inert(runs[0].author or 'unknown', 40)}, {_count(len(runs), 'run', 'runs')}, "
                            f"waiting {_age(runs[0].since, now)}")
            continue
        if header:
            author = runs[0].author
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": label}]})
        blocks.append(_section(section))
        if SHA.fullmatch(commit):
            blocks.append(_actions(commit))
        used += len(section) + len(label)
    if overflow:
        blocks.append(_section(_overflow(overflow)))
    return {"text": text, "blocks": blocks}


def _overflow(lines: list[str]) -> str:
    """One line per commit that did not fit, then "… and N more commits" (within one section)."""
    head = f"*{_count(len(lines), 'more commit', 'more commits')}* — `tfc review --commit SHA` for each:"
    shown: list[str] = []
    size = len(head)
    for line in lines:
        if size + len(line) + 1 > MAX_SECTION - 60:
            break
        shown.append(line)
        size += len(line) + 1
    rest = len(lines) - len(shown)
    return "\n".join([head, *shown] + ([f"… and {_count(rest, 'more commit', 'more commits')}"] if rest else []))
