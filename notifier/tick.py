"""One reminder tick: who gets what, who does not and why. Every recipient is independent: a failure is
logged and reported for that recipient (its backoff is rolled back, so the next tick retries) and the
others are still served."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from notifier.backoff import after_send, due_at, rollback
from notifier.config import NotifierConfig
from notifier.message import build_message
from notifier.pending import Pending, pending_runs
from notifier.recipients import Recipient, choose
from notifier.schedule import is_open, next_opening
from notifier.slack import SEND_ERRORS, SlackPort, slack_error
from notifier.state import Override, StateStore
from tfc.client import TfcClient

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    recipient: str
    runs: int
    commits: tuple[str, ...]
    action: str  # "sent", "would send", "backed off", "outside hours", "already sent", "snoozed", "failed"
    detail: str


def tick_id(moment: datetime, minutes: int = 10) -> str:
    """The schedule slot a moment belongs to (reported with the outcomes)."""
    slot = moment.replace(second=0, microsecond=0, minute=moment.minute - moment.minute % minutes)
    return slot.strftime("%Y-%m-%dT%H:%M")


def active_override(overrides: list[Override], kind: str, commit: str) -> Override | None:
    """The override of this kind for the commit; one given as a SHA prefix (the CLI's) applies to the full SHA,
    the longest prefix winning."""
    found = [o for o in overrides if o.kind == kind and commit.startswith(o.commit)]
    return max(found, key=lambda o: len(o.commit)) if found else None


def run_tick(client: TfcClient, store: StateStore, slack: SlackPort | None, config: NotifierConfig,
             now: datetime, *, dry_run: bool = False) -> list[Outcome]:
    overrides = store.overrides()
    outcomes: list[Outcome] = []
    groups: dict[str, list[Pending]] = defaultdict(list)
    recipients: dict[str, Recipient] = {}
    everyone = pending_runs(client)
    for item in everyone:
        snooze = active_override(overrides, "snooze", item.commit)
        until = datetime.fromisoformat(snooze.value) if snooze else None
        if until is not None and until > now:
            outcomes.append(Outcome(f"author:{item.author}", 1, (item.commit,), "snoozed",
                                    f"{item.workspace}: snoozed until {until.isoformat(timespec='minutes')}"))
            continue
        reassign = active_override(overrides, "reassign", item.commit)
        try:
            recipient = choose(item.author, item.owner, reassign.value if reassign else None, config,
                               slack.lookup_email if slack else None, slack.timezone if slack else (lambda _: None))
        except SEND_ERRORS as exc:
            log.warning("reminder for %s (run %s) not routed: %s", item.workspace, item.run_id, slack_error(exc))
            outcomes.append(Outcome(f"author:{item.author}", 1, (item.commit,), "failed",
                                    f"{item.workspace}: looking up the author: {slack_error(exc)}"))
            continue
        recipients[recipient.key] = recipient
        groups[recipient.key].append(item)
    for key, items in sorted(groups.items()):
        reassigned_by = {i.commit: found.by for i in items
                         if (found := active_override(overrides, "reassign", i.commit))}
        outcomes.append(_remind(recipients[key], items, everyone, reassigned_by, store, slack, config, now,
                                dry_run))
    return outcomes


def _remind(recipient: Recipient, items: list[Pending], everyone: list[Pending], reassigned_by: dict[str, str],
            store: StateStore, slack: SlackPort | None, config: NotifierConfig, now: datetime,
            dry_run: bool) -> Outcome:
    since: dict[str, datetime] = {}
    for item in items:
        since[item.commit] = min(item.since, since.get(item.commit, item.since))
    state = store.reminder(recipient.key)
    due = due_at(state, since, config.backoff)

    def outcome(action: str, detail: str) -> Outcome:
        return Outcome(recipient.key, len(items), tuple(sorted(since)), action, detail)

    if now < due:
        return outcome("backed off", f"next reminder due {due.isoformat(timespec='minutes')}")
    zone = recipient.timezone or config.hours.timezone
    if not is_open(now, config.hours, zone):
        opening = next_opening(now, config.hours, zone)
        return outcome("outside hours", f"{zone}: next opening {opening.isoformat(timespec='minutes')}")
    message = build_message(items, now=now, app_url=config.app_url, everyone=everyone,
                            note=None if recipient.is_person else recipient.reason,
                            by_author=not recipient.is_person, reassigned_by=reassigned_by)
    if dry_run or slack is None:
        return outcome("would send", f"to {recipient.channel} ({recipient.reason})")
    claimed = after_send(state, since, now)
    if not store.swap_reminder(recipient.key, state, claimed):
        return outcome("already sent", f"another invocation reminded {recipient.channel} just now")
    try:
        slack.post(recipient.channel, message)
    except SEND_ERRORS as exc:
        store.swap_reminder(recipient.key, claimed, rollback(state, claimed))
        log.warning("reminder to %s (%s) failed: %s", recipient.channel, recipient.key, slack_error(exc))
        return outcome("failed", f"to {recipient.channel}: {slack_error(exc)}; retried next tick")
    return outcome("sent", f"to {recipient.channel} ({recipient.reason})")
