"""TFC trigger-pattern globs: ``*`` and ``?`` stay within a directory, ``**`` spans directories.

Patterns are relative to the repository root and written with a leading ``/``, as TFC's documentation does.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=65536)
def glob_regex(pattern: str) -> re.Pattern[str]:
    text = pattern.lstrip("/")
    out = []
    i = 0
    while i < len(text):
        if text.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            out.append(".*")
            i += 2
        elif text[i] == "*":
            out.append("[^/]*")
            i += 1
        elif text[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(text[i]))
            i += 1
    return re.compile("".join(out))


def matches(pattern: str, path: str) -> bool:
    """Whether a repository-relative ``path`` (no leading slash) is matched by ``pattern``."""
    return glob_regex(pattern).fullmatch(path.lstrip("/")) is not None
