"""Owner notices: consecutive failures counted right, TFC text inert, our link only."""

from __future__ import annotations

import pytest

from notifier.config import NotifierConfig
from notifier.owners import Failure, in_a_row, notice


@pytest.mark.parametrize(("newest_first", "count"), [
    (["errored"], 1), (["errored", "errored", "errored"], 3),
    (["errored", "applied", "applied", "errored"], 1),  # once said "2 in a row"
    (["errored", "errored", "planned_and_finished", "errored"], 2), (["applied", "errored"], 0), ([], 0),
])
def test_only_consecutive_errored_runs_count(newest_first: list[str], count: int) -> None:
    assert in_a_row(iter(newest_first)) == count


CONFIG = NotifierConfig(team_channels={"payments": "#pay"}, app_url="https://tfc")


def failure(message: str = "boom", owner: str | None = "payments", workspace: str = "pay_prod") -> Failure:
    return Failure("run-1", workspace, "ws-1", owner, "apply", message, "c" * 40)


@pytest.mark.parametrize(("streak", "suffix"), [(1, ""), (2, " — failed 2 times in a row"), (5, " — failed 5 times in a row")])
def test_the_notice_says_how_often_in_a_row(streak: int, suffix: str) -> None:
    text = notice(failure(), streak, CONFIG, "acme")["blocks"][0]["text"]["text"]
    first = text.splitlines()[0]
    assert first.startswith(":x: *pay_prod*: apply errored: boom (commit `cccccccccccc`)")
    assert first.endswith(suffix) if suffix else "in a row" not in first
    assert "<https://tfc/app/acme/workspaces/pay_prod/runs/run-1|Open the run>" in text


def test_run_messages_cannot_ping_or_link() -> None:
    message = notice(failure("<!channel> outage! <http://evil.example|app.terraform.io>\nsecond line", owner="x_y"),
                     1, CONFIG, "acme")
    text = message["blocks"][0]["text"]["text"]
    assert "<!channel>" not in text and "<http://evil" not in text and "second line" not in text
    assert "&lt;!channel&gt; outage!" in text and "No channel configured for owner x_y." in text
    assert message["text"] == "pay_prod: apply errored"


def test_a_workspace_without_owner_says_so() -> None:
    text = notice(failure(owner=None), 1, CONFIG, "acme")["blocks"][0]["text"]["text"]
    assert text.endswith("_pay_prod has no owner: tag; add one to route this to a team._")
