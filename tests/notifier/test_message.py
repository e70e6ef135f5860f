"""The reminder message: within Slack's limits for any pending set, inert TFC text, short scoped commands."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifier.message import MAX_BLOCKS, MAX_SECTION, MAX_TEXT, RUN_LINKS, build_message, review_command
from notifier.mrkdwn import inert
from notifier.pending import Pending

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SHA_A, SHA_B = "a" * 40, "b" * 40


def run(i: int, commit: str = SHA_A, author: str | None = "jdoe", *, title: str = "deploy: KMS", owner: str = "pay",
        labels: tuple[str, ...] = ("tier:prod", "type:deploy"), minutes: int = 120) -> Pending:
    return Pending(f"run-{i}", f"deploy-prod-{i:03d}", owner, commit, author, NOW - timedelta(minutes=minutes), "acme",
                   title=title, repository="acme/infra", branch="main", labels=labels)


def texts(message: dict[str, Any]) -> list[str]:
    """Every text Slack renders: section texts and context elements."""
    out = [message["text"]]
    for block in message["blocks"]:
        if block["type"] == "section":
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out.extend(e["text"] for e in block["elements"])
    return out


def test_a_commit_summary_has_the_first_line_place_author_wait_counts_links_and_command() -> None:
    runs = [run(i, labels=("tier:prod" if i % 3 else "tier:dev", "type:deploy")) for i in range(12)]
    message = build_message(runs, now=NOW, app_url="https://tfc", note=None)
    section = message["blocks"][1]["text"]["text"]
    assert section.splitlines()[:3] == [
        "*`aaaaaaaaaaaa`* deploy: KMS", "acme/infra · main · by jdoe · waiting 2 h",
        "12 runs: tier:dev 4 · tier:prod 8 · type:deploy 12"]
    assert section.count("<https://tfc/app/acme/workspaces/deploy-prod-") == RUN_LINKS
    assert "<https://tfc/app/acme/workspaces|… and 7 more in TFC>" in section
    assert section.endswith("```tfc review --commit aaaaaaaaaaaa```")
    assert message["text"] == "12 applies waiting for you in 1 commit"
    actions = message["blocks"][2]
    assert actions["block_id"] == f"commit:{SHA_A}"
    assert [e["action_id"] for e in actions["elements"]] == ["snooze:1h", "snooze:4h", "snooze:1d", "reassign"]


@pytest.mark.parametrize(
    ("mine", "everyone", "command", "caveat"),
    [
        ([run(1), run(2)], [run(1), run(2)], "tfc review --commit aaaaaaaaaaaa", None),
        ([run(1)], [run(1), run(2, author="kim")], "tfc review --commit aaaaaaaaaaaa --author jdoe", None),
        ([run(1)], [run(1), run(2), run(3, commit=SHA_B)],
         "tfc review --commit aaaaaaaaaaaa --workspace deploy-prod-001", None),
        ([run(i) for i in range(11)], [run(i) for i in range(12)], "tfc review --commit aaaaaaaaaaaa",
         "it also selects 1 run reminded to others: review only yours"),
        ([run(i) for i in range(11)], [run(i) for i in range(13)] + [run(20, author="kim")],
         "tfc review --commit aaaaaaaaaaaa --author jdoe", "it also selects 2 runs reminded to others: review only yours"),
        ([run(1, author="x; rm -rf ~")], [run(1, author="x; rm -rf ~"), run(2, author="kim")],
         "tfc review --commit aaaaaaaaaaaa --workspace deploy-prod-001", None),  # never a login that is not a word
        ([run(1, author=None)], [run(1, author=None), run(2, author="kim")],
         "tfc review --commit aaaaaaaaaaaa --workspace deploy-prod-001", None),
    ],
)
def test_the_command_selects_exactly_the_listed_runs(mine: list[Pending], everyone: list[Pending], command: str,
                                                      caveat: str | None) -> None:
    chosen = review_command(SHA_A, mine, everyone)
    assert (chosen.text, chosen.caveat) == (command, caveat)


HOSTILE = "<!channel> outage! <http://evil.example|app.terraform.io> & *bold* _it_ `code` ~x~"


def test_tfc_text_cannot_ping_link_or_format() -> None:
    message = build_message([run(1, title=HOSTILE, author="<@U0BOSS>")], now=NOW, app_url="https://tfc", note=None)
    section = message["blocks"][1]["text"]["text"]
    assert "<!channel>" not in section and "<http://evil" not in section and "<@U0BOSS>" not in section
    assert "&lt;!channel&gt; outage! &lt;http://evil.example|app.terraform.io&gt; &amp;" in section
    assert "*bold*" not in section and "_it_" not in section and "`code`" not in section and "~x~" not in section
    assert inert("deploy_prod_eu a*b") == "deploy_prod_eu a*b"  # inside words nothing formats: left alone
    assert inert("_a_ *b* `c` ~d~") == "\uff3fa\uff3f \u2217b\u2217 \u02cbc\u02cb \u223cd\u223c"
    assert inert("a\x1b]8;;x\x07b", 4) == "a ]…"


def _pending_set(seed: int, runs: int, commits: int, words: list[str]) -> list[Pending]:
    rng = random.Random(seed)
    shas = [f"{rng.getrandbits(160):040x}" for _ in range(commits)]
    authors = [rng.choice(words) or None for _ in range(max(1, commits // 3))]
    out = []
    for i in range(runs):
        c = shas[i % commits] if i < commits else rng.choice(shas)
        idx = shas.index(c)
        out.append(Pending(f"run-{i:05d}", f"ws-{rng.choice(words)[:20]}-{i}", rng.choice(["pay", None]), c,
                           authors[idx % len(authors)], NOW - timedelta(minutes=rng.randint(0, 10_000)), "acme",
                           title=rng.choice(words) * rng.randint(1, 40), repository=rng.choice(words) or None,
                           branch=rng.choice(words) or None,
                           labels=tuple(sorted({f"tier:{rng.choice(words)[:10]}", f"type:{rng.choice(words)[:10]}"}))))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 2000), st.integers(1, 100), st.integers(0, 2**32), st.booleans(),
       st.lists(st.text(min_size=0, max_size=60), min_size=1, max_size=8).map(lambda w: [*w, HOSTILE]))
def test_every_message_fits_slack_and_accounts_for_every_commit(runs: int, commits: int, seed: int, by_author: bool,
                                                                 words: list[str]) -> None:
    items = _pending_set(seed, runs, min(commits, runs), words)
    message = build_message(items, now=NOW, app_url="https://tfc", note="author x not on Slack", by_author=by_author,
                            reassigned_by={items[0].commit: "UMARIA"})
    all_text = texts(message)
    assert len(message["blocks"]) <= MAX_BLOCKS
    assert all(len(t) <= MAX_SECTION for t in all_text)
    assert sum(map(len, all_text)) <= MAX_TEXT
    shown = [b["block_id"].removeprefix("commit:") for b in message["blocks"] if b["type"] == "actions"]
    assert len(shown) == len(set(shown))
    distinct = len({i.commit for i in items})
    last = message["blocks"][-1]["text"]["text"] if message["blocks"][-1]["type"] == "section" else ""
    overflow = re.match(r"\*([\d,]+) more commits?\*", last)
    listed = int(overflow.group(1).replace(",", "")) if overflow else 0
    assert len(shown) + listed == distinct  # every commit is either shown with its buttons or in the closing list
    for text in all_text:  # every link or mention is one we built
        for start in re.finditer("<", text):
            assert text.startswith(("<https://tfc/app/acme/", "<@UMARIA>"), start.start())


def test_channel_messages_group_commits_under_their_authors() -> None:
    shas = [c * 40 for c in "abcd"]
    items = [run(1, shas[0], "zoe", minutes=300), run(2, shas[1], "adam", minutes=200),
             run(3, shas[2], "zoe", minutes=100), run(4, shas[3], None, minutes=50)]
    message = build_message(items, now=NOW, app_url="https://tfc", note="author zoe not on Slack", by_author=True)
    layout = [b["elements"][0]["text"] if b["type"] == "context" else b["text"]["text"][:16] if b["type"] == "section"
              else "buttons" for b in message["blocks"]]
    assert layout == ["*4 applies waiti", "author zoe not on Slack",
                      "*unknown author*", "*`dddddddddddd`*", "buttons",
                      "*adam*", "*`bbbbbbbbbbbb`*", "buttons",
                      "*zoe*", "*`aaaaaaaaaaaa`*", "buttons", "*`cccccccccccc`*", "buttons"]
    person = build_message(items, now=NOW, app_url="https://tfc", note=None)  # a person's: oldest first, no headers
    assert [b["text"]["text"][:16] for b in person["blocks"][1:] if b["type"] == "section"] == [
        "*`aaaaaaaaaaaa`*", "*`bbbbbbbbbbbb`*", "*`cccccccccccc`*", "*`dddddddddddd`*"]
