"""Who is reminded, in which order, and in whose time zone."""

from __future__ import annotations

import pytest

from notifier.config import NotifierConfig, Person
from notifier.recipients import choose

CONFIG = NotifierConfig(team_channels={"payments": "#payments"}, default_channel="#tfc",
                        people={"jdoe": Person("jdoe", slack_id="UJDOE", timezone="Asia/Tokyo"),
                                "kim": Person("kim", slack_id="UKIM"),
                                "ann": Person("ann", email="ann@example.com"),
                                "lee": Person("lee", email="lee@example.com", timezone="America/Chicago"),
                                "noone": Person("noone", email="gone@example.com")})
EMAILS = {"ann@example.com": "UANN", "zed@example.com": "UZED", "lee@example.com": "ULEE"}
ZONES = {"UANN": "Europe/Paris", "UZED": "Asia/Kolkata", "UKIM": "Africa/Lagos", "UJDOE": "Europe/Oslo",
         "ULEE": "Europe/Rome", "UBOB": "America/Denver"}


@pytest.mark.parametrize(
    ("author", "owner", "reassigned", "key", "channel", "reason", "zone"),
    [
        ("jdoe", "payments", "UBOB", "user:UBOB", "UBOB", "reassigned", "America/Denver"),
        ("jdoe", "payments", "#ops", "channel:#ops", "#ops", "reassigned to this channel", None),
        ("jdoe", "payments", None, "user:UJDOE", "UJDOE", "author jdoe (mapping file)", "Asia/Tokyo"),  # mapping wins
        ("kim", None, None, "user:UKIM", "UKIM", "author kim (mapping file)", "Africa/Lagos"),  # Slack profile's zone
        ("ann", None, None, "user:UANN", "UANN", "author ann (Slack lookup by email)", "Europe/Paris"),  # by email
        ("lee", None, None, "user:ULEE", "ULEE", "author lee (Slack lookup by email)", "America/Chicago"),
        ("zed@example.com", None, None, "user:UZED", "UZED", "author zed@example.com (Slack lookup by email)",
         "Asia/Kolkata"),
        ("noone", "payments", None, "channel:#payments", "#payments", "author noone not on Slack; owner payments",
         None),
        ("ghost", "payments", None, "channel:#payments", "#payments", "author ghost not on Slack; owner payments", None),
        ("ghost", "search", None, "channel:#tfc", "#tfc",
         "author ghost not on Slack; workspace owner 'search' has no channel", None),
        (None, None, None, "channel:#tfc", "#tfc", "author unknown not on Slack; workspace has no owner: tag", None),
        (None, "payments", None, "channel:#payments", "#payments", "author unknown not on Slack; owner payments", None),
    ],
)
def test_recipient_order_and_time_zone(author: str | None, owner: str | None, reassigned: str | None, key: str,
                                       channel: str, reason: str, zone: str | None) -> None:
    chosen = choose(author, owner, reassigned, CONFIG, EMAILS.get, ZONES.get)
    assert (chosen.key, chosen.channel, chosen.reason, chosen.timezone) == (key, channel, reason, zone)
    assert chosen.is_person is key.startswith("user:")


@pytest.mark.parametrize(
    ("author", "key", "reason", "zone"),
    [
        ("ann", "email:ann@example.com", "author ann (ann@example.com; email lookup skipped: no Slack token)", None),
        ("lee", "email:lee@example.com", "author lee (lee@example.com; email lookup skipped: no Slack token)",
         "America/Chicago"),
        ("zed@example.com", "email:zed@example.com",
         "author zed@example.com (zed@example.com; email lookup skipped: no Slack token)", None),
        ("jdoe", "user:UJDOE", "author jdoe (mapping file)", "Asia/Tokyo"),
    ],
)
def test_without_slack_email_people_stay_themselves(author: str, key: str, reason: str, zone: str | None) -> None:
    chosen = choose(author, "payments", None, CONFIG, None)
    assert (chosen.key, chosen.reason, chosen.timezone) == (key, reason, zone)
    assert chosen.is_person is key.startswith("user:")


@pytest.mark.parametrize(("author", "asked"), [("ghost", []), (None, []), ("jdoe", []), ("ann", ["ann@example.com"]),
                                               ("zed@example.com", ["zed@example.com"])])
def test_slack_is_asked_only_about_an_email(author: str | None, asked: list[str]) -> None:
    questions: list[str] = []

    def lookup(email: str) -> str | None:
        questions.append(email)
        return EMAILS.get(email)

    choose(author, None, None, CONFIG, lookup, ZONES.get)
    assert questions == asked
