"""Plan JSON downloads from the archivist host are not TFC API requests: their own budget, their own count."""

from __future__ import annotations

import random

import respx

from tfc.client import TfcClient
from tfc.settings import Secret, Settings

from ..tfc.helpers import API, TOKEN, FakeClock

ARCHIVIST = "https://archivist.example.net/v1/object"


def client(clock: FakeClock, **kwargs: float) -> TfcClient:
    settings = Settings(address="https://tfc.example.com", token=Secret(TOKEN), organization="acme",
                        rate_limit_per_second=1.0)
    return TfcClient(settings, clock=clock, sleep=clock.sleep, rng=random.Random(1), **kwargs)


def fetch_plans(tfc: TfcClient, count: int) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        for n in range(count):
            router.get(f"{API}/plans/plan-{n}/json-output").respond(307, headers={"location": f"{ARCHIVIST}/{n}"})
            router.get(f"{ARCHIVIST}/{n}").respond(200, json={"format_version": "1.2"})
        for n in range(count):
            assert tfc.get_plan_json(f"plan-{n}") == {"format_version": "1.2"}


def test_downloads_do_not_spend_the_api_budget() -> None:
    clock = FakeClock()
    with client(clock) as tfc:
        fetch_plans(tfc, 4)
        assert (tfc.stats.requests, tfc.stats.downloads) == (8, 4)
        assert tfc.stats.as_dict()["downloads"] == 4
    assert sum(clock.sleeps) == 3.0  # 4 API requests at 1/s (one in the bucket); the downloads waited for nothing


def test_the_download_budget_is_configurable_and_enforced() -> None:
    clock = FakeClock()
    with client(clock, download_rate_per_second=0.5) as tfc:
        fetch_plans(tfc, 4)
    assert sum(clock.sleeps) >= 6.0  # 4 downloads at 0.5/s: the download budget paces them
