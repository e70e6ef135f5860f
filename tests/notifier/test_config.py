"""The notifier config: every bad value is an error naming file:line and the key, never a crash or a default."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from notifier.config import Backoff, Hours, NotifierConfig, Person, load_config
from tfc.errors import ConfigError

GOOD = """\
business_hours:
  timezone: Europe/Berlin
  start: "08:30"
  end: "17:00"
  weekdays: [mon, wed]
  holidays_country: DE
  holidays_subdivision: BY
backoff: {grace_minutes: 15, first_interval_minutes: 45, cap_minutes: 600}
default_channel: "#reminders"
team_channels: {payments: "#pay"}
people:
  maria: {slack: UMARIA, timezone: Europe/Madrid}
  ann: {email: ann@example.com}
  kim: UKIM
app_url: https://tfe.example.com/
state: dynamodb://reminders
"""


def test_a_full_config_loads(tmp_path: Path) -> None:
    (tmp_path / "n.yaml").write_text(GOOD)
    assert load_config(tmp_path / "n.yaml") == NotifierConfig(
        hours=Hours("Europe/Berlin", time(8, 30), time(17), (0, 2), "DE", "BY"), backoff=Backoff(15, 45, 600),
        default_channel="#reminders", team_channels={"payments": "#pay"},
        people={"maria": Person("maria", "UMARIA", None, "Europe/Madrid"), "ann": Person("ann", None, "ann@example.com"),
                "kim": Person("kim", "UKIM")}, app_url="https://tfe.example.com", state="dynamodb://reminders")
    assert load_config(None) == NotifierConfig()


@pytest.mark.parametrize(("text", "error"), [
    ("- a\n- b\n", "n.yaml:1: the file: expected a mapping"),
    ("business_hours: [9, 18]\n", "n.yaml:1: business_hours: expected a mapping"),
    ("business_hours:\n  start: 9\n", "n.yaml:2: business_hours.start: expected \"HH:MM\" (quoted), got 9"),
    ("business_hours:\n  end: '25:00'\n", "n.yaml:2: business_hours.end: expected \"HH:MM\""),
    ("business_hours:\n  start: '18:00'\n  end: '09:00'\n", "n.yaml:2: business_hours.end: must be after start"),
    ("business_hours:\n  weekdays: mon\n", "business_hours.weekdays: a non-empty list of mon"),
    ("business_hours:\n  weekdays: []\n", "business_hours.weekdays: a non-empty list"),
    ("business_hours:\n  weekdays: [monday]\n", "business_hours.weekdays"),
    ("business_hours:\n  timezone: Mars/Olympus\n", "business_hours.timezone: unknown time zone 'Mars/Olympus'"),
    ("business_hours:\n  timezone: 5\n", "business_hours.timezone: expected text"),
    ("business_hours:\n  holidays_country: XX\n", "business_hours.holidays_country: no holiday calendar for 'XX'"),
    ("business_hours:\n  holidays_country: DE\n  holidays_subdivision: ZZ\n", "no holiday calendar for 'DE' / 'ZZ'"),
    ("backoff: {grace_minutes: soon}\n", "n.yaml:1: backoff.grace_minutes: expected whole minutes from 0 to 10,080, got 'soon'"),
    ("backoff: {cap_minutes: -5}\n", "backoff.cap_minutes: expected whole minutes from 10"),
    ("backoff: {first_interval_minutes: 0}\n", "backoff.first_interval_minutes: expected whole minutes from 10"),
    ("backoff: {grace_minutes: true}\n", "backoff.grace_minutes"),
    ("backoff: {cap_minutes: 99999999}\n", "backoff.cap_minutes"),
    ("team_channels: {payments: [1]}\n", "team_channels.payments: expected text"),
    ("people:\n  maria: {slack: '<!channel>'}\n", "people.maria.slack: expected a Slack user id"),
    ("people:\n  maria: 42\n", "people.maria.slack: expected text"),
    ("people:\n  maria: {timezone: Nowhere}\n", "people.maria.timezone: unknown time zone"),
    ("default_channel: {a: 1}\n", "default_channel: expected text"),
    ("app_url: 5\n", "app_url: expected text"),
    ("a: [\n", "n.yaml:2: not valid YAML"),
])
def test_malformed_values_name_file_line_and_key(tmp_path: Path, text: str, error: str) -> None:
    (tmp_path / "n.yaml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "n.yaml")
    assert error in str(caught.value) and str(tmp_path / "n.yaml") in str(caught.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the notifier configuration"):
        load_config(tmp_path / "missing.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path / "bin.yaml")
