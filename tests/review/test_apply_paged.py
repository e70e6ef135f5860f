"""The apply phase over HTTP: ``apply_paged`` re-validates runs from the organization's run list and applies each
within REVALIDATION_WINDOW of the page that showed it, re-reading the rest one by one; ``apply_all`` re-reads each.

A small stateful TFC behind respx holds the truth (status, current run, plan) and lets a test change it between
the list and the applies: someone else confirms a run, a list lags behind, a page fails.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tfc.client import CONFIRMABLE_STATUSES, TfcClient
from tfc.models import Plan, Run, Workspace
from tfc.review.assess import Assessed
from tfc.review.decision import Decision, Verdict
from tfc.review.execute import REVALIDATION_WINDOW, Outcome, Result, Revalidation, apply_all, apply_paged

from ..tfc.helpers import API, FakeClock, make_client

COMMIT = "abcd1234" * 5
PATH = "/api/v2"


@dataclass
class FakeRun:
    status: str = "planned"
    confirmable: bool = True
    current: str | None = None  # the workspace's current run; None: this run
    plan_id: str | None = None  # None: plan-<n> as reviewed
    additions: int = 0
    commit: str = COMMIT
    listed: bool = True  # False: the run list lags behind and does not show it
    refuse: int | None = None  # an HTTP status the apply endpoint answers with
    race: bool = False  # someone else confirms it just before our apply arrives


@dataclass
class FakeTfc:
    """Runs ``run-0`` … of organization acme, one workspace each; ``applied`` lists the runs we confirmed."""

    runs: dict[str, FakeRun]
    page_size: int = 100
    failing_pages: frozenset[int] = frozenset()
    after_list: list[Callable[[FakeTfc], None]] = field(default_factory=list)  # one-shot, after a list page
    applied: list[tuple[str, str]] = field(default_factory=list)  # (run id, comment)
    apply_attempts: list[str] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    lists: int = 0

    def install(self, router: respx.MockRouter) -> None:
        router.get(f"{API}/organizations/acme/runs").mock(side_effect=self.list_runs)
        router.get(path__regex=rf"^{PATH}/runs/(?P<run_id>[^/]+)$").mock(side_effect=self.read_run)
        router.post(path__regex=rf"^{PATH}/runs/(?P<run_id>[^/]+)/actions/apply$").mock(side_effect=self.apply_run)

    def confirm_elsewhere(self, run_id: str) -> None:
        self.runs[run_id].status, self.runs[run_id].confirmable = "confirmed", False

    def _is_confirmable(self, run: FakeRun) -> bool:
        return run.confirmable and run.status in CONFIRMABLE_STATUSES

    def _document(self, run_id: str, include: set[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        run = self.runs[run_id]
        number = run_id.removeprefix("run-")
        plan_id = run.plan_id or f"plan-{number}"
        data = {
            "id": run_id, "type": "runs",
            "attributes": {"status": run.status, "actions": {"is-confirmable": self._is_confirmable(run)}},
            "relationships": {"workspace": {"data": {"id": f"ws-{number}", "type": "workspaces"}},
                              "plan": {"data": {"id": plan_id, "type": "plans"}}},
        }
        included: list[dict[str, Any]] = []
        if "workspace" in include:
            included.append({"id": f"ws-{number}", "type": "workspaces", "attributes": {"name": f"deploy-{number}"},
                             "relationships": {"current-run": {"data": {"id": run.current or run_id,
                                                                        "type": "runs"}}}})
        if "plan" in include:
            included.append({"id": plan_id, "type": "plans",
                             "attributes": {"status": "finished", "has-changes": True, "resource-changes": 1,
                                            "resource-additions": run.additions}})
        return data, included

    def list_runs(self, request: httpx.Request) -> httpx.Response:
        self.lists += 1
        params = request.url.params
        number = int(params["page[number]"])
        if number in self.failing_pages:
            return httpx.Response(404, json={"errors": [{"status": "404"}]})
        statuses = set(params["filter[status]"].split(","))
        include = set(params.get("include", "").split(","))
        shown = [run_id for run_id, run in self.runs.items()
                 if run.listed and run.commit.startswith(params["search[commit]"]) and run.status in statuses]
        size = min(int(params["page[size]"]), self.page_size)
        data: list[dict[str, Any]] = []
        included: list[dict[str, Any]] = []
        for run_id in shown[(number - 1) * size:number * size]:
            resource, related = self._document(run_id, include)
            data.append(resource)
            included += related
        more = number * size < len(shown)
        pagination = {"current-page": number, "prev-page": number - 1 or None, "next-page": number + 1 if more else None}
        while self.after_list:
            self.after_list.pop(0)(self)
        return httpx.Response(200, json={"data": data, "included": included, "meta": {"pagination": pagination}})

    def read_run(self, request: httpx.Request, run_id: str) -> httpx.Response:
        self.reads.append(run_id)
        include = set(request.url.params.get("include", "").split(","))
        data, included = self._document(run_id, include)
        return httpx.Response(200, json={"data": data, "included": included})

    def apply_run(self, request: httpx.Request, run_id: str) -> httpx.Response:
        self.apply_attempts.append(run_id)
        run = self.runs[run_id]
        if run.race:
            run.status, run.confirmable = "confirmed", False
        if run.refuse is not None:
            return httpx.Response(run.refuse, json={"errors": [{"status": str(run.refuse)}]})
        if not self._is_confirmable(run):
            return httpx.Response(409, json={"errors": [{"status": "409"}]})
        run.status, run.confirmable = "apply_queued", False
        self.applied.append((run_id, request.read().decode()))
        return httpx.Response(202)


def reviewed(run_id: str) -> Assessed:
    number = run_id.removeprefix("run-")
    plan = Plan(id=f"plan-{number}", status="finished", has_changes=True, resource_changes=1)
    run = Run(id=run_id, status="planned", is_confirmable=True, plan_id=plan.id, plan=plan)
    return Assessed(run, Workspace(id=f"ws-{number}", name=f"deploy-{number}", current_run_id=run_id),
                    Decision(Verdict.APPROVE, "ok", "update:**"), None, "hash", f"sig-{number}")


def comment_for(item: Assessed) -> str:
    return f"ok {item.run.id}"


def body(run_id: str) -> str:
    return f'{{"comment":"ok {run_id}"}}'


def fake(count: int, **changes: FakeRun) -> FakeTfc:
    runs = {f"run-{n}": FakeRun() for n in range(count)}
    return FakeTfc(runs | changes)


class Script:
    """A clock reading the given values in order: pages stamp each run, ``work`` reads it again before applying."""

    def __init__(self, readings: list[float]) -> None:
        self.readings = list(readings)

    def __call__(self) -> float:
        assert self.readings, "the clock was read more often than the run list and applies need"
        return self.readings.pop(0)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def client() -> Iterator[TfcClient]:
    with make_client(FakeClock(), max_concurrency=1) as c:  # one worker: the clock is read in batch order
        yield c


def items(tfc: FakeTfc, order: Callable[[list[str]], list[str]] = list) -> list[Assessed]:
    return [reviewed(run_id) for run_id in order(list(tfc.runs))]


def test_runs_in_the_page_are_applied_without_a_read_each(router: respx.MockRouter, client: TfcClient) -> None:
    tfc = fake(5)
    tfc.install(router)
    wanted = items(tfc, lambda ids: ids[::-1])  # results follow the items, not the list's order
    results, report = apply_paged(client, wanted, comment_for, commit=COMMIT, clock=lambda: 100.0)
    assert [(r.item.run.id, r.outcome, r.detail) for r in results] == [
        (a.run.id, Outcome.APPLYING, "confirmed") for a in wanted]
    assert sorted(tfc.applied) == [(f"run-{n}", body(f"run-{n}")) for n in range(5)]
    assert tfc.reads == []
    assert report == Revalidation(max_window=0.0, windows=5, reread=0, list_requests=1)
    assert client.stats.requests == 6


def test_a_run_listed_by_a_prefix_of_the_commit_is_applied(router: respx.MockRouter, client: TfcClient) -> None:
    tfc = fake(2, **{"run-9": FakeRun(commit="ffff" * 10)})  # another commit's run is never applied
    tfc.install(router)
    results, report = apply_paged(client, items(tfc)[:2], comment_for, commit=COMMIT[:12], clock=lambda: 0.0)
    assert [r.outcome for r in results] == [Outcome.APPLYING] * 2
    assert [run_id for run_id, _ in tfc.applied] == ["run-0", "run-1"]
    assert (report.windows, report.reread) == (2, 0)


@pytest.mark.parametrize(
    ("window", "reread"),
    [(0.0, False), (0.5, False), (3.5, False), (REVALIDATION_WINDOW, False), (4.25, True), (4.5, True), (5.0, True),
     (60.0, True)],
)
def test_a_run_is_applied_from_the_page_only_within_the_window(router: respx.MockRouter, client: TfcClient,
                                                               window: float, reread: bool) -> None:
    """At and below REVALIDATION_WINDOW (4 s) the page's copy decides; past it the run is read again first.

    Someone else confirms run-1 after the page: applied from the page, our apply meets TFC's 409 and the run is
    reported as theirs; re-read first, it is skipped without an apply.
    """
    tfc = fake(2)
    tfc.install(router)
    tfc.after_list.append(lambda t: t.confirm_elsewhere("run-1"))
    clock = Script([1000.0, 1000.0, 1000.0 + window, 1000.0 + window])
    results, report = apply_paged(client, items(tfc), comment_for, commit=COMMIT, clock=clock)
    outcomes = [(r.outcome, r.detail) for r in results]
    if reread:
        assert outcomes == [(Outcome.APPLYING, "confirmed"),
                            (Outcome.SKIPPED, "no longer waiting for confirmation (status confirmed)")]
        assert (tfc.reads, tfc.apply_attempts) == (["run-0", "run-1"], ["run-0"])
        assert report == Revalidation(max_window=0.0, windows=0, reread=2, list_requests=1)
    else:
        assert outcomes == [(Outcome.APPLYING, "confirmed"),
                            (Outcome.ELSEWHERE, "already confirmed by someone else (status confirmed)")]
        assert (tfc.reads, tfc.apply_attempts) == (["run-1"], ["run-0", "run-1"])  # the read after the 409
        assert report == Revalidation(max_window=window, windows=2, reread=0, list_requests=1)
    assert clock.readings == []


def test_the_report_keeps_the_longest_window_and_counts_each_path(router: respx.MockRouter,
                                                                  client: TfcClient) -> None:
    tfc = fake(4)
    tfc.install(router)
    clock = Script([10.0, 10.5, 11.0, 11.0, 12.0, 14.5, 16.0, 11.25])  # windows 2.0, 4.0, 5.0, 0.25
    results, report = apply_paged(client, items(tfc), comment_for, commit=COMMIT, clock=clock)
    assert {r.outcome for r in results} == {Outcome.APPLYING}
    assert tfc.reads == ["run-2"]
    assert report == Revalidation(max_window=4.0, windows=3, reread=1, list_requests=1)


def test_the_report_starts_from_zero() -> None:
    assert Revalidation() == Revalidation(max_window=0.0, windows=0, reread=0, list_requests=0)


@pytest.mark.parametrize(
    ("rate", "batch"),
    [(0.3, 1), (1.0, 3), (2.0, 6), (10.0, 32), (30.0, 96)],
)
def test_batches_are_sized_so_their_applies_fit_in_the_window(router: respx.MockRouter, rate: float,
                                                              batch: int) -> None:
    """A batch holds rate × 4 s × 0.8 runs (at least 1, at most a page): one list request per batch."""
    tfc = fake(7 if batch < 7 else batch + 1)
    tfc.install(router)
    with make_client(FakeClock(), max_concurrency=1, rate_limit_per_second=rate) as client:
        results, report = apply_paged(client, items(tfc), comment_for, commit=COMMIT, clock=lambda: 0.0)
    count = len(tfc.runs)
    assert [r.outcome for r in results] == [Outcome.APPLYING] * count
    assert tfc.lists == report.list_requests == math.ceil(count / batch)
    assert (report.windows, report.reread) == (count, 0)
    assert tfc.reads == []


def test_a_batch_never_exceeds_a_page(router: respx.MockRouter) -> None:
    tfc = fake(101)
    tfc.install(router)
    with make_client(FakeClock(), max_concurrency=1, rate_limit_per_second=1000.0) as client:
        results, report = apply_paged(client, items(tfc), comment_for, commit=COMMIT, clock=lambda: 0.0)
    assert len(tfc.applied) == 101 and {r.outcome for r in results} == {Outcome.APPLYING}
    assert tfc.lists == report.list_requests == 2  # 100, then the last one


def test_a_batch_spans_pages_and_stops_fetching_when_full(router: respx.MockRouter) -> None:
    tfc = fake(7)
    tfc.page_size = 2
    tfc.install(router)
    with make_client(FakeClock(), max_concurrency=1, rate_limit_per_second=1.0) as client:  # batches of 3
        results, report = apply_paged(client, items(tfc), comment_for, commit=COMMIT, clock=lambda: 0.0)
    assert {r.outcome for r in results} == {Outcome.APPLYING}
    # batch 1: pages 1-2, stops after run-2; batch 2: pages 1-2, stops after run-5; batch 3: page 1, run-6
    assert tfc.lists == report.list_requests == 5
    assert [run_id for run_id, _ in tfc.applied] == [f"run-{n}" for n in range(7)]


def test_a_pending_run_no_page_shows_is_read_on_its_own(router: respx.MockRouter, client: TfcClient) -> None:
    """A lagging list, a run discarded or confirmed by someone else since review: each re-read says what to do."""
    tfc = fake(2, **{"run-2": FakeRun(listed=False), "run-3": FakeRun(status="discarded", confirmable=False),
                     "run-4": FakeRun(status="applying", confirmable=False), "run-5": FakeRun()})
    tfc.install(router)
    wanted = items(tfc)[:5]  # run-5 is listed but was not approved: never applied
    results, report = apply_paged(client, wanted, comment_for, commit=COMMIT, clock=lambda: 0.0)
    assert [(r.item.run.id, r.outcome, r.detail) for r in results] == [
        ("run-0", Outcome.APPLYING, "confirmed"),
        ("run-1", Outcome.APPLYING, "confirmed"),
        ("run-2", Outcome.APPLYING, "confirmed"),
        ("run-3", Outcome.SKIPPED, "no longer waiting for confirmation (status discarded)"),
        ("run-4", Outcome.SKIPPED, "no longer waiting for confirmation (status applying)"),
    ]
    assert tfc.reads == ["run-2", "run-3", "run-4"]
    assert [run_id for run_id, _ in tfc.applied] == ["run-0", "run-1", "run-2"]
    assert report == Revalidation(max_window=0.0, windows=2, reread=3, list_requests=2)  # the 2nd: none left


def test_a_run_confirmed_by_someone_else_after_the_page_is_reported_as_theirs(router: respx.MockRouter,
                                                                               client: TfcClient) -> None:
    tfc = fake(3)
    tfc.install(router)
    tfc.after_list.append(lambda t: t.confirm_elsewhere("run-1"))
    results, report = apply_paged(client, items(tfc), comment_for, commit=COMMIT, clock=lambda: 0.0)
    assert [(r.outcome, r.detail) for r in results] == [
        (Outcome.APPLYING, "confirmed"),
        (Outcome.ELSEWHERE, "already confirmed by someone else (status confirmed)"),
        (Outcome.APPLYING, "confirmed"),
    ]
    assert tfc.apply_attempts == ["run-0", "run-1", "run-2"]  # one attempt: the 409 is resolved by reading
    assert [run_id for run_id, _ in tfc.applied] == ["run-0", "run-2"]
    assert report.windows == 3


@pytest.mark.parametrize(
    ("truth", "detail"),
    [
        (FakeRun(current="run-7"), "superseded since review: run-7 is now current"),
        (FakeRun(confirmable=False), "no longer waiting for confirmation (status planned)"),
        (FakeRun(plan_id="plan-9"), "plan changed since review (plan-1 -> plan-9)"),
        (FakeRun(additions=2), "plan summary changed since review"),
    ],
)
def test_nothing_is_confirmed_when_the_page_no_longer_matches(router: respx.MockRouter, client: TfcClient,
                                                             truth: FakeRun, detail: str) -> None:
    tfc = fake(3, **{"run-1": truth})
    tfc.install(router)
    results, report = apply_paged(client, items(tfc), comment_for, commit=COMMIT, clock=lambda: 0.0)
    assert [(r.outcome, r.detail) for r in results] == [
        (Outcome.APPLYING, "confirmed"), (Outcome.SKIPPED, detail), (Outcome.APPLYING, "confirmed")]
    assert "run-1" not in tfc.apply_attempts
    assert (report.windows, report.reread) == (3, 0)


def test_a_failed_first_page_leaves_every_run_to_its_own_read(router: respx.MockRouter, client: TfcClient) -> None:
    tfc = fake(3)
    tfc.failing_pages = frozenset({1})
    tfc.install(router)
    results, report = apply_paged(client, items(tfc), comment_for, commit=COMMIT, clock=lambda: 0.0)
    assert {r.outcome for r in results} == {Outcome.APPLYING}
    assert tfc.reads == ["run-0", "run-1", "run-2"]
    assert report == Revalidation(max_window=0.0, windows=0, reread=3, list_requests=1)


def test_a_failed_later_page_keeps_the_runs_already_validated(router: respx.MockRouter, client: TfcClient) -> None:
    tfc = fake(5)
    tfc.page_size = 2
    tfc.failing_pages = frozenset({2})
    tfc.install(router)
    results, report = apply_paged(client, items(tfc), comment_for, commit=COMMIT, clock=lambda: 0.0)
    assert {r.outcome for r in results} == {Outcome.APPLYING}
    assert tfc.reads == []
    # runs 0-1 (page 2 fails), runs 2-3 (page 2 fails), run 4 (one page): every run from a page
    assert report == Revalidation(max_window=0.0, windows=5, reread=0, list_requests=5)


def test_no_items_make_no_requests(router: respx.MockRouter, client: TfcClient) -> None:
    tfc = fake(1)
    tfc.install(router)
    assert apply_paged(client, [], comment_for, commit=COMMIT) == ([], Revalidation())
    assert apply_all(client, [], comment_for) == []
    assert client.stats.requests == 0


def outcome_zoo(tfc: FakeTfc) -> None:
    """run-0 applied; run-1 changed; run-2 confirmed elsewhere after the page; run-3 refused; run-4 not listed."""
    tfc.runs["run-1"].plan_id = "plan-x"
    tfc.runs["run-3"].refuse = 422
    tfc.runs["run-4"].listed = False
    tfc.after_list.append(lambda t: t.confirm_elsewhere("run-2"))


ZOO = [
    ("run-0", Outcome.APPLYING, "confirmed"),
    ("run-1", Outcome.SKIPPED, "plan changed since review (plan-1 -> plan-x)"),
    ("run-2", Outcome.ELSEWHERE, "already confirmed by someone else (status confirmed)"),
    ("run-3", Outcome.FAILED, "apply refused: apply of run run-3: 422 TFC rejected the request"),
    ("run-4", Outcome.APPLYING, "confirmed"),
]


def summary(results: list[Result]) -> list[tuple[str, Outcome, str]]:
    return [(r.item.run.id, r.outcome, r.detail) for r in results]


def test_paged_apply_calls_on_done_once_for_every_outcome(router: respx.MockRouter, client: TfcClient) -> None:
    tfc = fake(5)
    outcome_zoo(tfc)
    tfc.install(router)
    done: list[Result] = []
    results, report = apply_paged(client, items(tfc), comment_for, commit=COMMIT, clock=lambda: 0.0,
                                  on_done=done.append)
    assert summary(results) == ZOO
    assert done == results  # one worker: in the order they finished, which is the items' order here
    assert (report.windows, report.reread) == (4, 1)


def test_apply_all_reads_every_run_and_calls_on_done_for_every_outcome(router: respx.MockRouter,
                                                                       client: TfcClient) -> None:
    tfc = fake(5)
    outcome_zoo(tfc)
    tfc.runs["run-2"].status, tfc.runs["run-2"].confirmable = "confirmed", False  # before our read, this time
    tfc.install(router)
    done: list[Result] = []
    wanted = items(tfc)
    results = apply_all(client, wanted, comment_for, on_done=done.append)
    assert [r.item for r in results] == wanted
    assert done == results
    assert summary(results) == [ZOO[0], ZOO[1], ("run-2", Outcome.SKIPPED,
                                                 "no longer waiting for confirmation (status confirmed)"), *ZOO[3:]]
    assert tfc.reads == [f"run-{n}" for n in range(5)]
    assert tfc.lists == 0
    assert tfc.applied == [("run-0", body("run-0")), ("run-4", body("run-4"))]


def test_apply_all_without_on_done(router: respx.MockRouter, client: TfcClient) -> None:
    tfc = fake(2)
    tfc.install(router)
    results = apply_all(client, items(tfc), comment_for)
    assert [(r.item.run.id, r.outcome) for r in results] == [("run-0", Outcome.APPLYING), ("run-1", Outcome.APPLYING)]


# -- a property over random mixes: a run is confirmed only when the data it was judged on matched the review --

STATES = ("ok", "lagging", "superseded", "plan", "summary", "discarded", "elsewhere-before", "race")
WINDOWS = (0.0, 3.0, REVALIDATION_WINDOW, 4.001, 5.0)


def truth_for(state: str) -> FakeRun:
    return {
        "lagging": FakeRun(listed=False),
        "superseded": FakeRun(current="run-99"),
        "plan": FakeRun(plan_id="plan-99"),
        "summary": FakeRun(additions=1),
        "discarded": FakeRun(status="discarded", confirmable=False),
        "elsewhere-before": FakeRun(status="confirmed", confirmable=False),
        "race": FakeRun(race=True),
    }.get(state, FakeRun())


def expected(state: str, window: float) -> tuple[Outcome, str]:
    """What a run in ``state`` must end as when ``window`` seconds pass between its page and its apply."""
    stale = {"superseded": "superseded since review", "plan": "plan changed since review",
             "summary": "plan summary changed since review",
             "discarded": "no longer waiting for confirmation (status discarded)",
             "elsewhere-before": "no longer waiting for confirmation (status confirmed)"}
    if state in stale:
        return Outcome.SKIPPED, stale[state]
    if state == "race":  # validated (from the page or a re-read), then someone else was quicker: their apply
        return Outcome.ELSEWHERE, "already confirmed by someone else (status confirmed)"
    return Outcome.APPLYING, "confirmed"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(STATES), st.sampled_from(WINDOWS)), min_size=1, max_size=6),
       st.sampled_from([0.5, 1.0, 30.0]))
def test_only_runs_whose_data_matched_are_confirmed(cases: list[tuple[str, float]], rate: float) -> None:
    runs = {f"run-{n}": truth_for(state) for n, (state, _) in enumerate(cases)}
    tfc = FakeTfc(runs)
    # The list shows the confirmable runs; each batch stamps its runs, then reads the clock once per run applied.
    batch = max(1, int(rate * REVALIDATION_WINDOW * 0.8))
    listed = [n for n, (state, _) in enumerate(cases) if runs[f"run-{n}"].listed
              and runs[f"run-{n}"].status in CONFIRMABLE_STATUSES]
    readings: list[float] = []
    for start in range(0, len(listed), batch):
        chunk = listed[start:start + batch]
        readings += [0.0] * len(chunk) + [cases[n][1] for n in chunk]
    done: list[Result] = []
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router, \
            make_client(FakeClock(), max_concurrency=1, rate_limit_per_second=rate) as client:
        tfc.install(router)
        results, report = apply_paged(client, items(tfc), comment_for, commit=COMMIT, clock=Script(readings),
                                      on_done=done.append)
    wanted = [expected(state, window) for state, window in cases]
    assert [(r.outcome, r.detail[:len(detail)]) for r, (_, detail) in zip(results, wanted, strict=True)] == wanted
    ours = {run_id for run_id, _ in tfc.applied}
    assert ours == {r.item.run.id for r in results if r.outcome is Outcome.APPLYING}
    assert sorted(done, key=lambda r: r.item.run.id) == sorted(results, key=lambda r: r.item.run.id)
    from_page = [n for n in listed if cases[n][1] <= REVALIDATION_WINDOW]
    assert report.windows == len(from_page)
    assert report.reread == len(cases) - len(from_page)
    assert report.max_window == max((cases[n][1] for n in from_page), default=0.0)
