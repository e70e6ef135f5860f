"""Text from TFC made inert for Slack's mrkdwn: it can neither ping, nor link, nor format.

Slack asks for ``&``, ``<`` and ``>`` to be escaped as HTML entities in every text field; that alone stops
``<!channel>`` and disguised ``<http://evil|app.terraform.io>`` links. Formatting characters change meaning only
at a word boundary (``_a_`` italicises, ``deploy_prod_eu`` does not), so only those become look-alikes; a
backtick always does, as it opens code anywhere. Links and mentions are built by us, never taken from data.
"""

from __future__ import annotations

import re

from notifier.config import SLACK_ID

_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_LOOKALIKE = {"*": "\u2217", "_": "\uff3f", "~": "\u223c", "`": "\u02cb"}
_FORMATTING = re.compile(r"`|(?<![A-Za-z0-9])[*_~]|[*_~](?![A-Za-z0-9])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def inert(text: str, limit: int | None = None) -> str:
    """``text`` as literal mrkdwn, cut to ``limit`` characters of the original (with an ellipsis)."""
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _CONTROL.sub(" ", text).translate(_ENTITIES)
    return _FORMATTING.sub(lambda m: _LOOKALIKE[m.group()], text)


def link(url: str, label: str) -> str:
    """A link we built to a page we chose, with an inert label (our URLs carry no ``|`` or ``>``)."""
    return f"<{url.replace('|', '%7C').translate(_ENTITIES)}|{inert(label)}>"


def mention(who: str) -> str:
    """A Slack user id as a mention; anything else (a CLI user's name) as inert text."""
    return f"<@{who}>" if SLACK_ID.fullmatch(who) else inert(who)
