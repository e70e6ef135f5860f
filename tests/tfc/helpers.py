"""Test helpers for the client: a fake clock, JSON:API document builders, a client factory."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from tfc.client import TfcClient
from tfc.settings import Secret, Settings

API = "https://tfc.example.com/api/v2"
TOKEN = "canary-TOKEN-9f8e7d6c5b4a"


@dataclass
class FakeClock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_client(clock: FakeClock | None = None, **settings: Any) -> TfcClient:
    clock = clock or FakeClock()
    values: dict[str, Any] = {"address": "https://tfc.example.com", "token": Secret(TOKEN), "organization": "acme"}
    values.update(settings)
    return TfcClient(Settings(**values), clock=clock, sleep=clock.sleep, rng=random.Random(7))


def workspace(ws_id: str, name: str, **attributes: Any) -> dict[str, Any]:
    return {
        "id": ws_id,
        "type": "workspaces",
        "attributes": {"name": name, **attributes},
        "relationships": {},
    }


def page(data: list[dict[str, Any]], number: int, total_pages: int | None, **extra: Any) -> dict[str, Any]:
    pagination: dict[str, Any] = {
        "current-page": number,
        "prev-page": number - 1 if number > 1 else None,
        "next-page": number + 1 if total_pages is not None and number < total_pages else None,
    }
    if total_pages is not None:
        pagination |= {"total-pages": total_pages, "total-count": 999}
    return {"data": data, "meta": {"pagination": pagination}, **extra}
