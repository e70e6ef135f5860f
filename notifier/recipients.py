"""Who is reminded of a commit's pending applies, in order: an active reassignment, the author's Slack user
(mapping file, then Slack's users.lookupByEmail), the workspace's owner:<team> channel, the default channel.
An author nobody can be found for never drops the reminder silently: it goes to a channel, saying so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from notifier.config import NotifierConfig


@dataclass(frozen=True, slots=True)
class Recipient:
    key: str  # stable identity for state: "user:U123" or "channel:#x"
    channel: str  # where chat.postMessage goes (a user id opens a DM)
    reason: str  # why this recipient (shown in dry runs and logged)
    timezone: str | None = None

    @property
    def is_person(self) -> bool:
        return self.key.startswith("user:")


def choose(
    author: str | None,
    owner: str | None,
    reassigned_to: str | None,
    config: NotifierConfig,
    lookup_email: Callable[[str], str | None] | None,
    user_timezone: Callable[[str], str | None] = lambda _: None,
) -> Recipient:
    """``lookup_email`` is None when there is no Slack to ask (a dry run without a token): people known only by
    email then stay themselves, marked "email lookup skipped", rather than falling through to a channel."""
    if reassigned_to and reassigned_to.startswith("#"):
        return Recipient(f"channel:{reassigned_to}", reassigned_to, "reassigned to this channel")
    if reassigned_to:
        return Recipient(f"user:{reassigned_to}", reassigned_to, "reassigned", user_timezone(reassigned_to))
    person = config.person(author) if author else None
    if person is not None and person.slack_id:
        zone = person.timezone or user_timezone(person.slack_id)
        return Recipient(f"user:{person.slack_id}", person.slack_id, f"author {author} (mapping file)", zone)
    email = person.email if person is not None else (author if author and "@" in author else None)
    if email and lookup_email is None:
        return Recipient(f"email:{email}", email, f"author {author} ({email}; email lookup skipped: no Slack token)",
                         person.timezone if person else None)
    if email and lookup_email is not None:
        slack_id = lookup_email(email)
        if slack_id:
            zone = (person.timezone if person else None) or user_timezone(slack_id)
            return Recipient(f"user:{slack_id}", slack_id, f"author {author} (Slack lookup by email)", zone)
    if owner and owner in config.team_channels:
        channel = config.team_channels[owner]
        return Recipient(f"channel:{channel}", channel, f"author {author or 'unknown'} not on Slack; owner {owner}")
    who = f"author {author or 'unknown'} not on Slack"
    why = f"{who}; workspace owner {owner!r} has no channel" if owner else f"{who}; workspace has no owner: tag"
    return Recipient(f"channel:{config.default_channel}", config.default_channel, why)
