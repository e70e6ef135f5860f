"""One reminder tick: who gets what, who does not and why; sends at most once per recipient per tick."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from notifier.backoff import after_send, due_at
from notifier.config import NotifierConfig
from notifier.message import build_message
from notifier.pending import Pending, fingerprint, pending_runs
from notifier.recipients import Recipient, choose
from notifier.schedule import is_open, next_opening
from notifier.slack import SlackPort
from notifier.state import StateStore
from tfc.client import TfcClient


@dataclass(frozen=True, slots=True)
class Outcome:
    recipient: str
    runs: int
    commits: tuple[str, ...]
    action: str  # "sent", "would send", "backed off", "outside hours", "already sent", "snoozed"
    detail: str


def tick_id(moment: datetime, minutes: int = 10) -> str:
    """The schedule slot a moment belongs to: invocations for the same slot are the same tick."""
    slot = moment.replace(second=0, microsecond=0, minute=moment.minute - moment.minute % minutes)
    return slot.strftime("%Y-%m-%dT%H:%M")


def run_tick(client: TfcClient, store: StateStore, slack: SlackPort | None, config: NotifierConfig,
             now: datetime, *, tick: str | None = None, dry_run: bool = False) -> list[Outcome]:
    tick = tick or tick_id(now)
    overrides = store.overrides()

    def override(kind: str, commit: str) -> str | None:
        """The override of this kind for the commit; one given as a SHA prefix applies to the full SHA."""
        found = [o for o in overrides if o.kind == kind and commit.startswith(o.commit)]
        return max(found, key=lambda o: len(o.commit)).value if found else None

    outcomes: list[Outcome] = []
    groups: dict[str, list[Pending]] = defaultdict(list)
    recipients: dict[str, Recipient] = {}
    for item in pending_runs(client):
        snoozed = override("snooze", item.commit)
        until = datetime.fromisoformat(snoozed) if snoozed else None
        if until is not None and until > now:
            outcomes.append(Outcome(f"author:{item.author}", 1, (item.commit,), "snoozed",
                                    f"{item.workspace}: snoozed until {until.isoformat(timespec='minutes')}"))
            continue
        recipient = choose(item.author, item.owner, override("reassign", item.commit), config,
                           slack.lookup_email if slack else (lambda _: None),
                           slack.timezone if slack else (lambda _: None))
        recipients[recipient.key] = recipient
        groups[recipient.key].append(item)
    for key, items in sorted(groups.items()):
        outcomes.append(_remind(recipients[key], items, store, slack, config, now, tick, dry_run))
    return outcomes


def _remind(recipient: Recipient, items: list[Pending], store: StateStore, slack: SlackPort | None,
            config: NotifierConfig, now: datetime, tick: str, dry_run: bool) -> Outcome:
    commits = tuple(sorted({i.commit for i in items}))
    fp = fingerprint(items)
    state = store.reminder(recipient.key)
    due = due_at(state, fp, min(i.since for i in items), config.backoff)

    def outcome(action: str, detail: str) -> Outcome:
        return Outcome(recipient.key, len(items), commits, action, detail)

    if now < due:
        return outcome("backed off", f"next reminder due {due.isoformat(timespec='minutes')}")
    zone = recipient.timezone or config.hours.timezone
    if not is_open(now, config.hours, zone):
        opening = next_opening(now, config.hours, zone)
        return outcome("outside hours", f"{zone}: next opening {opening.isoformat(timespec='minutes')}")
    message = build_message(items, now=now, app_url=config.app_url,
                            note=None if recipient.is_person else recipient.reason)
    if dry_run or slack is None:
        return outcome("would send", f"to {recipient.channel} ({recipient.reason})")
    if not store.claim(f"send#{recipient.key}#{tick}", now):
        return outcome("already sent", f"tick {tick} already reminded {recipient.channel}")
    slack.post(recipient.channel, message)
    store.save_reminder(recipient.key, after_send(state, fp, now))
    return outcome("sent", f"to {recipient.channel} ({recipient.reason})")
