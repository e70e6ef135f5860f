"""Fetching state versions over respx: TFC's billable count wins where given; an unreadable state file skips
that version (named in every report) instead of failing the report, and costs no request on re-runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from reporting.cache import LocalStore
from reporting.series import Period
from reporting.usage import run_usage_report, summary_text
from tests.tfc.helpers import API, make_client, page, workspace

NOW = datetime(2026, 3, 14, 12, tzinfo=UTC)
PERIOD = Period(date(2026, 3, 10), date(2026, 3, 14))
AWS = 'provider["registry.terraform.io/hashicorp/aws"]'
BLOB = "https://archivist.example.com/v1/object/"


def version(sv_id: str, serial: int, day: int, *, count: int | None = None, billable: int | None = None,
            hour: int = 12) -> dict[str, Any]:
    """A state version; ``count`` None means its summary is not processed (the state file must be read)."""
    return {
        "id": sv_id, "type": "state-versions",
        "attributes": {
            "created-at": f"2026-03-{day:02d}T{hour:02d}:00:00Z", "serial": serial, "status": "finalized",
            "resources-processed": count is not None, "billable-rum-count": billable,
            "resources": [{"name": "b", "type": "aws_s3_bucket", "count": count, "module": "root", "provider": AWS},
                          {"name": "x", "type": "data.aws_ami", "count": 9, "module": "root", "provider": AWS}]
            if count is not None else [],
            "hosted-state-download-url": f"{BLOB}{sv_id}",
        },
    }


def state_file(count: int) -> dict[str, Any]:
    return {"version": 4, "resources": [{"mode": "managed", "type": "aws_s3_bucket", "provider": AWS,
                                         "instances": [{}] * count}]}


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as mock:
        yield mock


def serve(router: respx.MockRouter, versions: list[dict[str, Any]], blobs: dict[str, httpx.Response]) -> None:
    ws = workspace("ws-1", "net", **{"tag-names": ["account:111"]})
    ws["relationships"] = {"current-state-version": {"data": {"id": versions[0]["id"], "type": "state-versions"}}}
    router.get(f"{API}/organizations/acme/workspaces").mock(return_value=httpx.Response(200, json=page([ws], 1, 1)))
    router.get(f"{API}/state-versions").mock(return_value=httpx.Response(200, json=page(versions, 1, 1)))
    for sv_id, response in blobs.items():
        router.get(f"{BLOB}{sv_id}").mock(return_value=response)


def test_the_apis_billable_count_is_the_versions_rum(router: respx.MockRouter, tmp_path: Path) -> None:
    # newest first, as TFC lists them: sv-3 has a billable count that differs from its summary
    serve(router, [version("sv-3", 3, 13, count=5, billable=7), version("sv-2", 2, 12, count=4),
                   version("sv-1", 1, 1, count=2, billable=2)], {})
    with make_client() as client:
        run = run_usage_report(client, LocalStore(tmp_path / "c.json"), PERIOD, now=NOW)
    assert run.report.total.end == [2, 2, 4, 7, 7]
    assert run.report.by_type["aws_s3_bucket"].end == [2, 2, 4, 5, 5]  # breakdowns come from the summary
    assert run.report.summary()["counts"] == {"state_versions": 3, "from_billable_rum_count": 2, "skipped": []}
    assert "Counts: 2 of 3 state versions from TFC's billable-rum-count" in summary_text(run.report, run.stats)


@pytest.mark.parametrize(
    ("blob", "reason"),
    [
        (httpx.Response(200, content=b"{not json"), "not JSON"),
        (httpx.Response(200, content=b"\xff\xfe\x00garbage"), "not JSON"),
        (httpx.Response(200, json=["a", "list"]), "not a state file"),
        (httpx.Response(200, json={"resources": {"a": 1}}), "'resources' is not a list"),
        (httpx.Response(200, json={"resources": [{"type": "x", "instances": 3}]}), "resources[0] is not a resource"),
        (httpx.Response(200, json={"resources": ["x"]}), "resources[0] is not a resource"),
    ],
)
def test_an_unreadable_state_file_skips_that_version_only(
    router: respx.MockRouter, tmp_path: Path, blob: httpx.Response, reason: str
) -> None:
    serve(router, [version("sv-3", 3, 13), version("sv-2", 2, 12), version("sv-1", 1, 1, count=2)],
          {"sv-3": blob, "sv-2": httpx.Response(200, json=state_file(6))})
    store = LocalStore(tmp_path / "c.json")
    with make_client() as client:
        run = run_usage_report(client, store, PERIOD, now=NOW)
        requests_before = client.stats.requests
        again = run_usage_report(client, store, PERIOD, now=NOW)
        rerun_requests = client.stats.requests - requests_before
    assert run.report.total.end == [2, 2, 6, 6, 6]  # sv-3 skipped: sv-2 keeps counting
    (skipped,) = run.report.sources.skipped
    assert skipped.startswith("net serial 3 (sv-3): unreadable state file") and reason in skipped
    assert skipped in summary_text(run.report, run.stats)
    assert again.report.sources.skipped == run.report.sources.skipped  # still named, from the cache
    assert again.report.total == run.report.total
    assert rerun_requests == 1  # the workspace list only: the skipped version is not downloaded again
