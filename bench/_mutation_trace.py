"""pytest plugin for bench/mutation.py: which test runs which line of one module.

Loaded with ``-p bench._mutation_trace`` when ``MUTATION_TRACE_FILE`` (the module's absolute path) and
``MUTATION_TRACE_OUT`` (a JSON file to write) are set. Lines run outside any test (imports, collection) are
recorded under the key ``""``. The tracer only follows frames of that one file, in every thread.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

_TARGET = os.environ.get("MUTATION_TRACE_FILE", "")
_OUT = os.environ.get("MUTATION_TRACE_OUT", "")
_current = ""
_lines: dict[str, set[int]] = {}

Tracer = Callable[[FrameType, str, Any], Any]


def _local(frame: FrameType, event: str, arg: Any) -> Tracer:
    if event == "line":
        _lines.setdefault(_current, set()).add(frame.f_lineno)
    return _local


def _global(frame: FrameType, event: str, arg: Any) -> Tracer | None:
    if frame.f_code.co_filename != _TARGET:
        return None
    _lines.setdefault(_current, set()).add(frame.f_lineno)
    return _local


if _TARGET and _OUT:
    sys.settrace(_global)
    threading.settrace(_global)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
        global _current
        _current = item.nodeid
        yield
        _current = ""

    def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
        sys.settrace(None)
        Path(_OUT).write_text(json.dumps({test: sorted(lines) for test, lines in _lines.items()}), encoding="utf-8")
