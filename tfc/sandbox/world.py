"""The sandbox's in-memory TFC: organizations' workspaces, runs and their lifecycle, state versions, agents.

Everything here is plain data plus the run state machine; HTTP lives in ``api.py``. One lock guards the world;
callers hold it (``with world.lock``) around every read-modify-write.
"""

from __future__ import annotations

import copy
import hashlib
import random
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Clock = Callable[[], datetime]

CONFIRMABLE = frozenset({"planned", "cost_estimated", "policy_checked", "post_plan_completed"})
DISCARDABLE = CONFIRMABLE | {"pending", "policy_override", "policy_soft_failed"}
# TFC's run docs (cloud-docs/api-docs/run.mdx, "Cancel a run"): cancel interrupts a run that is planning or
# applying; anything else answers 409. Pending and confirmable runs are discarded instead.
CANCELABLE = frozenset({"planning", "applying"})
FORCE_CANCEL_COOL_OFF = timedelta(seconds=60)  # after a cancel, before force-cancel is allowed
ACTIVE = frozenset({"plan_queued", "planning", "confirmed", "apply_queued", "applying"})
FINAL = frozenset({"applied", "planned_and_finished", "errored", "discarded", "canceled", "force_canceled"})
NON_FINAL = frozenset(
    {"pending", "fetching", "plan_queued", "planning", "planned", "cost_estimating", "cost_estimated",
     "policy_checking", "policy_override", "policy_soft_failed", "policy_checked", "confirmed", "post_plan_running",
     "post_plan_completed", "apply_queued", "applying"}
)
STATUS_GROUPS = {"non_final": NON_FINAL, "final": FINAL, "discardable": DISCARDABLE - {"pending"}}


DEFAULT_PROJECT = "Default Project"
ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789"


@dataclass
class WorkspaceRec:
    id: str
    name: str
    organization: str
    tags: list[str]
    created_at: datetime
    working_directory: str | None = None
    trigger_patterns: list[str] = field(default_factory=list)
    trigger_prefixes: list[str] = field(default_factory=list)
    agent_pool_id: str | None = None
    execution_mode: str = "agent"
    auto_apply: bool = False
    locked: bool = False
    locked_reason: str | None = None
    current_run_id: str | None = None  # kept by World.refresh_current
    latest_run_id: str | None = None  # the newest run that is not plan-only
    run_ids: list[str] = field(default_factory=list)  # oldest first
    project_id: str | None = None
    tag_bindings: dict[str, str] = field(default_factory=dict)  # key-value tags (go-tfe tag.go TagBinding)
    latest_cv_id: str | None = None  # what POST /runs plans when no configuration version is named
    updated_at: datetime | None = None


@dataclass
class ProjectRec:
    id: str
    name: str
    organization: str


@dataclass
class UserRec:
    """A TFC user (go-tfe user.go ``User``): who a token is, who created a run."""

    id: str
    username: str
    email: str


@dataclass
class IngressRec:
    id: str
    commit_sha: str
    commit_message: str
    sender_username: str
    branch: str = "main"
    identifier: str = "example/infrastructure"


@dataclass
class PlanRec:
    id: str
    run_id: str
    document: dict[str, Any] | None  # the Terraform JSON plan, None while not finished
    status: str = "pending"
    additions: int = 0
    changes: int = 0
    destructions: int = 0
    timestamps: dict[str, datetime] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return bool(self.additions or self.changes or self.destructions)


@dataclass
class RunRec:
    id: str
    workspace_id: str
    status: str
    created_at: datetime
    plan_id: str
    apply_id: str
    cv_id: str
    message: str
    source: str = "tfe-configuration-version"
    plan_only: bool = False
    is_destroy: bool = False
    timestamps: dict[str, datetime] = field(default_factory=dict)
    comment_ids: list[str] = field(default_factory=list)
    errored_plan: bool = False  # the plan will error (scenario)
    apply_status: str = "unreachable"
    apply_timestamps: dict[str, datetime] = field(default_factory=dict)
    next_step_at: datetime | None = None  # when the lifecycle moves this run on
    created_by: str | None = None  # user id
    options: dict[str, Any] = field(default_factory=dict)  # POST /runs attributes echoed back
    trigger_reason: str = "manual"
    canceled_at: datetime | None = None  # a cancel was requested
    force_cancel_available_at: datetime | None = None
    hangs_on_cancel: bool = False  # scenario: the run ignores a cancel, only force-cancel ends it


@dataclass
class ConfigurationVersionRec:
    id: str
    ingress_id: str | None
    source: str = "github"
    status: str = "uploaded"
    workspace_id: str | None = None
    speculative: bool = False
    auto_queue_runs: bool = True
    provisional: bool = False
    timestamps: dict[str, datetime] = field(default_factory=dict)
    upload_secret: str | None = None  # the archivist upload URL's secret, until the upload
    size: int = 0
    created_by: str | None = None  # user id: who created it (and so the run its upload queues)


@dataclass
class StateVersionRec:
    id: str
    workspace_id: str
    serial: int
    created_at: datetime
    resources: list[dict[str, Any]]  # TFC's summary entries: name, type, count, module, provider
    processed: bool = True  # False: the summary is not available; the state file must be downloaded
    run_id: str | None = None
    commit_sha: str | None = None


@dataclass
class AgentPoolRec:
    id: str
    name: str
    organization: str
    agent_ids: list[str] = field(default_factory=list)


@dataclass
class AgentRec:
    id: str
    name: str
    status: str
    pool_id: str
    last_ping_at: datetime


@dataclass
class NotificationRec:
    id: str
    workspace_id: str  # or a project id when subscribable_type is "projects"
    name: str
    url: str
    destination_type: str
    enabled: bool
    triggers: list[str]
    token: str | None
    created_at: datetime
    delivery_responses: list[dict[str, Any]] = field(default_factory=list)
    subscribable_type: str = "workspaces"
    updated_at: datetime | None = None


@dataclass
class CommentRec:
    id: str
    run_id: str
    body: str
    created_at: datetime


@dataclass
class Event:
    """A run transition that may fire notification webhooks (delivered outside the lock)."""

    trigger: str
    run_id: str
    status: str = ""


TRIGGER_OF_STATUS = {
    "pending": "run:created",
    "planning": "run:planning",
    "planned": "run:needs_attention",
    "applying": "run:applying",
    "applied": "run:completed",
    "planned_and_finished": "run:completed",
    "errored": "run:errored",
    "canceled": "run:errored",  # notification-configurations.mdx: "run:errored" is an error or a cancel
    "force_canceled": "run:errored",
}
# The granular triggers (TFC's notification docs, 2026): a configuration that subscribes to one of them gets
# the payload with "trigger_type" naming it, beside the classic "trigger".
GRANULAR_TRIGGER_OF_STATUS = {
    "planned": "run:pending_apply_approval",
    "errored": "run:run_errored",
    "canceled": "run:run_canceled",
    "force_canceled": "run:run_canceled",
}


class World:
    """All organizations' data and the run state machine."""

    def __init__(self, *, clock: Clock, lifecycle_seconds: float, seed: int = 0) -> None:
        self.lock = threading.RLock()
        self._ids = random.Random(f"ids/{seed}")  # ids in creation order: a seeded sandbox is reproducible
        self.clock = clock
        self.step = timedelta(seconds=lifecycle_seconds)
        self.organizations: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, frozenset[str]] = {}  # token -> organizations it can see
        self.workspaces: dict[str, WorkspaceRec] = {}
        self.workspace_by_name: dict[tuple[str, str], str] = {}
        self.runs: dict[str, RunRec] = {}
        self.plans: dict[str, PlanRec] = {}
        self.cvs: dict[str, ConfigurationVersionRec] = {}
        self.ingress: dict[str, IngressRec] = {}
        self.comments: dict[str, CommentRec] = {}
        self.agent_pools: dict[str, AgentPoolRec] = {}
        self.agents: dict[str, AgentRec] = {}
        self.notifications: dict[str, NotificationRec] = {}
        self.projects: dict[str, ProjectRec] = {}
        self.users: dict[str, UserRec] = {}
        self.token_users: dict[str, str] = {}  # token -> user id (GET /account/details)
        self.tag_created: dict[tuple[str, str], datetime] = {}  # (organization, flat tag name) -> first use
        # Scenario data are lookups, never chains of closures (a chain of 1,000 overflowed the stack):
        self.plan_templates: dict[str, dict[str, Any]] = {}  # configuration version id -> the plan it produces
        self.workspace_plans: dict[str, dict[str, Any]] = {}  # workspace id -> plan of a run with no template
        self.template_cvs: dict[str, str] = {}  # workspace id -> its newest configuration version with a template
        self.histories: dict[str, list[StateVersionRec]] = {}  # workspace id -> scenario state versions
        self.history_factory: Callable[[WorkspaceRec], list[StateVersionRec]] | None = None  # lazy (demo)
        self.agent_free: Callable[[RunRec], bool] = lambda run: True  # agent_dynamics: may a queued run start?
        self._applied_cvs: set[str] = set()
        self._state_versions: dict[str, list[StateVersionRec]] = {}  # per workspace, oldest first; lazy
        self._state_version_index: dict[str, StateVersionRec] = {}
        self._moving: set[str] = set()  # runs whose lifecycle is under way
        self._org_workspaces: dict[str, list[WorkspaceRec]] = {}
        self._org_runs: dict[str, list[str]] = {}

    def new_id(self, prefix: str) -> str:
        with self.lock:
            return prefix + "-" + "".join(ID_ALPHABET[b % len(ID_ALPHABET)] for b in self._ids.randbytes(16))

    # -- organizations, users, projects and workspaces --------------------------------------------------------

    def user(self, username: str) -> UserRec:
        """The user of that name, created on first use (ids derive from the name: reproducible)."""
        user_id = "user-" + hashlib.sha256(username.encode()).hexdigest()[:16]
        rec = self.users.get(user_id)
        if rec is None:
            rec = self.users[user_id] = UserRec(user_id, username, f"{username}@example.com")
        return rec

    def project(self, org: str, name: str = DEFAULT_PROJECT) -> ProjectRec:
        """The organization's project of that name, created on first use."""
        project_id = "prj-" + hashlib.sha256(f"{org}/{name}".encode()).hexdigest()[:16]
        rec = self.projects.get(project_id)
        if rec is None:
            rec = self.projects[project_id] = ProjectRec(project_id, name, org)
        return rec


    def add_workspace(self, ws: WorkspaceRec) -> WorkspaceRec:
        if ws.project_id is None:
            ws.project_id = self.project(ws.organization).id
        for tag in ws.tags:
            self.tag_created.setdefault((ws.organization, tag), ws.created_at)
        self.workspaces[ws.id] = ws
        self.workspace_by_name[(ws.organization, ws.name)] = ws.id
        self._org_workspaces.pop(ws.organization, None)
        return ws

    def org_workspaces(self, org: str) -> list[WorkspaceRec]:
        """By name; the sorted list is kept until a workspace is added."""
        listed = self._org_workspaces.get(org)
        if listed is None:
            listed = sorted((w for w in self.workspaces.values() if w.organization == org), key=lambda w: w.name)
            self._org_workspaces[org] = listed
        return list(listed)

    # -- state versions -----------------------------------------------------------------------------------

    def state_versions(self, ws: WorkspaceRec) -> list[StateVersionRec]:
        """Oldest first; a workspace's history is generated on first access."""
        versions = self._state_versions.get(ws.id)
        if versions is None:
            versions = self.histories.pop(ws.id, None)
            if versions is None:
                versions = self.history_factory(ws) if self.history_factory else []
            self._state_versions[ws.id] = versions
            for version in versions:
                self._state_version_index[version.id] = version
        return versions

    def state_version(self, sv_id: str) -> StateVersionRec | None:
        return self._state_version_index.get(sv_id)

    def current_state_version(self, ws: WorkspaceRec) -> StateVersionRec | None:
        versions = self.state_versions(ws)
        return versions[-1] if versions else None

    def add_state_version(self, ws: WorkspaceRec, version: StateVersionRec) -> None:
        self.state_versions(ws).append(version)
        self._state_version_index[version.id] = version

    # -- runs ---------------------------------------------------------------------------------------------
    #
    # The queue, as TFC documents it (cloud-docs/run/remote-operations.mdx "Ordering and Timing" and
    # cloud-docs/run/states.mdx "The Pending Stage"): each workspace processes its runs in the order they were
    # queued; a run stays pending until every run before it has completed — a run awaiting confirmation
    # included: it stays the workspace's current run and stays confirmable, and a newer run waits behind it.
    # Speculative (plan-only) runs "can begin at any time without waiting for other runs" and never become
    # the current run.

    def add_run(self, run: RunRec, plan: PlanRec, cv: ConfigurationVersionRec) -> RunRec:
        """Record a run (scenario or API) at the end of its workspace's queue."""
        ws = self.workspaces[run.workspace_id]
        self.runs[run.id] = run
        self._org_runs.setdefault(ws.organization, []).append(run.id)
        self.plans[plan.id] = plan
        self.cvs[cv.id] = cv
        ws.run_ids.append(run.id)
        if not run.plan_only:
            ws.latest_run_id = run.id
            ws.latest_cv_id = cv.id
        if cv.id in self.plan_templates and not cv.speculative:
            self.template_cvs[ws.id] = cv.id
        if run.status not in FINAL and run.status not in CONFIRMABLE:
            self._moving.add(run.id)  # pending: may start at once; under way (scenario): one step from now
            run.next_step_at = self.clock() + (self.step if run.status != "pending" else timedelta(0))
        self.refresh_current(ws)
        return run

    def queue(self, ws: WorkspaceRec) -> list[RunRec]:
        """The workspace's runs that are not finished and not plan-only, oldest first: the head is processed."""
        runs = (self.runs[r] for r in ws.run_ids)
        return [r for r in runs if r.status not in FINAL and not r.plan_only]

    def refresh_current(self, ws: WorkspaceRec) -> None:
        """The current run is the one being processed (the queue's head), else the newest finished run."""
        queued = self.queue(ws)
        ws.current_run_id = queued[0].id if queued else ws.latest_run_id

    def position_in_queue(self, run: RunRec) -> int:
        if run.status in FINAL or run.plan_only:
            return 0
        return next(i for i, r in enumerate(self.queue(self.workspaces[run.workspace_id])) if r.id == run.id)

    def is_current(self, run: RunRec) -> bool:
        return self.workspaces[run.workspace_id].current_run_id == run.id

    def is_confirmable(self, run: RunRec) -> bool:
        return (run.status in CONFIRMABLE and not run.plan_only and self.is_current(run)
                and self.plans[run.plan_id].has_changes)

    @staticmethod
    def is_discardable(run: RunRec) -> bool:
        return run.status in DISCARDABLE

    @staticmethod
    def is_cancelable(run: RunRec) -> bool:
        return run.status in CANCELABLE and run.canceled_at is None

    def is_force_cancelable(self, run: RunRec) -> bool:
        return (run.status not in FINAL and run.force_cancel_available_at is not None
                and self.clock() >= run.force_cancel_available_at)

    def set_status(self, run: RunRec, status: str, events: list[Event], at: datetime | None = None) -> None:
        run.status = status
        run.timestamps[f"{status.replace('_', '-')}-at"] = at or self.clock()
        trigger = TRIGGER_OF_STATUS.get(status)
        if trigger and not run.plan_only:  # TFC sends no notifications for speculative plans
            events.append(Event(trigger, run.id, status))

    def advance(self) -> list[Event]:
        """Move every run whose next lifecycle step is due; return the transitions that fire webhooks."""
        events: list[Event] = []
        now = self.clock()
        progressed = True
        while progressed:  # with an instant lifecycle, one call walks each run to its resting state
            progressed = False
            for run_id in sorted(self._moving, key=lambda r: self.runs[r].created_at):
                run = self.runs[run_id]
                if run.next_step_at is not None and run.next_step_at <= now and self._step(run, events, now):
                    progressed = True
        return events

    def _step(self, run: RunRec, events: list[Event], now: datetime) -> bool:
        """One lifecycle step: pending → plan_queued → planning → planned / planned_and_finished / errored;
        confirmed → apply_queued → applying → applied. Each step takes ``lifecycle_seconds``."""
        ws = self.workspaces[run.workspace_id]
        plan = self.plans[run.plan_id]
        status = run.status
        # when the step happened: its scheduled time, so a late request sees the same history as a prompt one
        # (a pending run's wait ends when the run before it completed)
        at = run.next_step_at or now
        if status == "pending" and not run.plan_only:
            at = max([at, *(max(r.timestamps.values()) for r in map(self.runs.get, ws.run_ids)
                            if r is not None and r.id != run.id and not r.plan_only and r.timestamps
                            and r.created_at <= run.created_at)])
        if run.canceled_at is not None and run.hangs_on_cancel:
            return False  # interrupted and stuck: only force-cancel ends it
        if run.canceled_at is not None and status in CANCELABLE:
            self._stop(run, plan, "canceled", events, at)
        elif status == "pending":
            if not run.plan_only and self.queue(ws)[0].id != run.id:
                return False  # waits for every run before it to complete
            self.set_status(run, "plan_queued", events, at)
            plan.status = "queued"
            plan.timestamps["queued-at"] = at
        elif status == "plan_queued":
            if not self.agent_free(run):
                run.next_step_at = now  # waits for an agent: it starts when one is free, not when scheduled
                return False
            self.set_status(run, "planning", events, at)
            plan.status = "running"
            plan.timestamps["started-at"] = at
        elif status == "planning":
            if run.errored_plan:
                plan.status = "errored"
                plan.timestamps["errored-at"] = at
                self.set_status(run, "errored", events, at)
            else:
                plan.document = self.plan_document(run)
                count_plan(plan)
                plan.status = "finished"
                plan.timestamps["finished-at"] = at
                rest = "planned" if plan.has_changes and not run.plan_only else "planned_and_finished"
                self.set_status(run, rest, events, at)
        elif status == "confirmed":
            self.set_status(run, "apply_queued", events, at)
            run.apply_status = "queued"
            run.apply_timestamps["queued-at"] = at
        elif status == "apply_queued":
            if not self.agent_free(run):
                run.next_step_at = now  # waits for an agent: it starts when one is free, not when scheduled
                return False
            self.set_status(run, "applying", events, at)
            run.apply_status = "running"
            run.apply_timestamps["started-at"] = at
        elif status == "applying":
            self._finish_apply(run, ws, plan)
            self.set_status(run, "applied", events, at)
            run.apply_status = "finished"
            run.apply_timestamps["finished-at"] = at
        else:
            self._moving.discard(run.id)
            return False
        if run.status in FINAL or run.status in CONFIRMABLE:
            self._moving.discard(run.id)
            run.next_step_at = None
        else:
            run.next_step_at = at + self.step
        self.refresh_current(ws)
        return True

    def confirm(self, run: RunRec, events: list[Event]) -> None:
        self.set_status(run, "confirmed", events)
        self._moving.add(run.id)
        run.next_step_at = self.clock() + self.step

    def discard(self, run: RunRec, events: list[Event]) -> None:
        """A pending or confirmable run ends; the queue moves on."""
        if run.status == "pending":
            self.plans[run.plan_id].status = "unreachable"
        self.set_status(run, "discarded", events)
        self._moving.discard(run.id)
        run.next_step_at = None
        self.refresh_current(self.workspaces[run.workspace_id])

    def cancel(self, run: RunRec) -> None:
        """Interrupt a planning or applying run: it stops at its next step (unless it hangs), and may be
        force-canceled after the cool-off (run.mdx "Forcefully cancel a run")."""
        now = self.clock()
        run.canceled_at = now
        run.force_cancel_available_at = now + FORCE_CANCEL_COOL_OFF
        run.next_step_at = now + self.step

    def force_cancel(self, run: RunRec, events: list[Event]) -> None:
        self._stop(run, self.plans[run.plan_id], "force_canceled", events)
        self._moving.discard(run.id)
        run.next_step_at = None
        self.refresh_current(self.workspaces[run.workspace_id])

    def _stop(self, run: RunRec, plan: PlanRec, status: str, events: list[Event], at: datetime | None = None) -> None:
        key = "canceled-at" if status == "canceled" else "force-canceled-at"
        at = at or self.clock()
        if run.status in ("plan_queued", "planning"):
            plan.status = "canceled"
            plan.timestamps[key] = at
        elif run.status in ("apply_queued", "applying"):
            run.apply_status = "canceled"
            run.apply_timestamps[key] = at
        self.set_status(run, status, events, at)

    def plan_document(self, run: RunRec) -> dict[str, Any]:
        """What planning ``run`` produces: its configuration version's plan from the scenario (none once a run
        of that version was applied: the infrastructure matches it), else the workspace's template, else the
        plan of the workspace's newest scenario configuration version, else no changes."""
        if run.cv_id in self._applied_cvs:
            return empty_plan()
        template = self.plan_templates.get(run.cv_id) or self.workspace_plans.get(run.workspace_id)
        fallback = self.template_cvs.get(run.workspace_id)
        if template is None and fallback is not None and fallback not in self._applied_cvs:
            template = self.plan_templates[fallback]  # e.g. a speculative plan: the same plan as the pending run
        return copy.deepcopy(template) if template is not None else empty_plan()

    def _finish_apply(self, run: RunRec, ws: WorkspaceRec, plan: PlanRec) -> None:
        self._applied_cvs.add(run.cv_id)
        previous = self.current_state_version(ws)
        resources = apply_plan_to_resources(previous.resources if previous else [], plan.document or {})
        ingress = self.ingress.get(self.cvs[run.cv_id].ingress_id or "")
        self.add_state_version(
            ws,
            StateVersionRec(id=self.new_id("sv"), workspace_id=ws.id, serial=(previous.serial + 1) if previous else 1,
                            created_at=self.clock(), resources=resources, run_id=run.id,
                            commit_sha=ingress.commit_sha if ingress else None),
        )

    def runs_in(self, org: str) -> Iterator[RunRec]:
        return (self.runs[run_id] for run_id in self._org_runs.get(org, ()))


def empty_plan() -> dict[str, Any]:
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [], "resource_drift": [],
            "output_changes": {}, "errored": False, "applyable": False, "complete": True}


def count_plan(plan: PlanRec) -> None:
    """The plan's counters, computed as the Terraform CLI summarises (a replace adds one and destroys one)."""
    plan.additions = plan.changes = plan.destructions = 0
    for change in (plan.document or {}).get("resource_changes", []):
        actions = change["change"]["actions"]
        if "create" in actions:
            plan.additions += 1
        if "delete" in actions:
            plan.destructions += 1
        if actions == ["update"]:
            plan.changes += 1


def _summary_key(change: dict[str, Any]) -> tuple[str, str, str]:
    module = change.get("module_address") or "root"
    return module, str(change["type"]), str(change["name"])


def apply_plan_to_resources(resources: list[dict[str, Any]], document: dict[str, Any]) -> list[dict[str, Any]]:
    """The state summary after an apply: creates add an instance, deletes remove one."""
    counts = {(r["module"], r["type"], r["name"]): dict(r) for r in resources}
    for change in document.get("resource_changes", []):
        if change.get("mode") == "data":
            continue
        actions = change["change"]["actions"]
        key = _summary_key(change)
        entry = counts.setdefault(key, {"name": key[2], "type": key[1], "count": 0, "module": key[0],
                                        "provider": _provider(change)})
        if actions == ["create"]:
            entry["count"] += 1
        elif actions == ["delete"]:
            entry["count"] -= 1
    return [r for r in counts.values() if r["count"] > 0]


def _provider(change: dict[str, Any]) -> str:
    return f'provider["{change.get("provider_name", "registry.terraform.io/hashicorp/aws")}"]'


def utc_now() -> datetime:
    return datetime.now(UTC)


_PLAN_PATH = ("plan_queued", "planning")
_APPLY_PATH = ("planned", "confirmed", "apply_queued", "applying", "applied")


def states_before(status: str, *, errored_plan: bool = False) -> tuple[str, ...]:
    """The states a run passed through to reach ``status`` (itself included), as its status-timestamps show."""
    if status in ("pending", "discarded") and not errored_plan:
        return (status,) if status == "pending" else ("plan_queued", "planning", "planned", "discarded")
    if status in _PLAN_PATH:
        return _PLAN_PATH[: _PLAN_PATH.index(status) + 1]
    if status in _APPLY_PATH:
        return _PLAN_PATH + _APPLY_PATH[: _APPLY_PATH.index(status) + 1]
    if status in ("canceled", "force_canceled", "errored"):
        return (*_PLAN_PATH, status)
    return (*_PLAN_PATH, status)  # planned_and_finished and the policy / cost-estimate resting states


def backfill_timestamps(run: RunRec, plan: PlanRec, *, now: datetime) -> None:
    """A scenario run's status-timestamps (and its plan's and apply's) for every state it reached, with
    durations as a real estate shows them: seconds queued, one to four minutes planning and applying."""
    rng = random.Random(zlib.crc32(run.id.encode()))
    moment = run.created_at
    run.timestamps = {"plan-queueable-at": moment}
    for state in states_before(run.status, errored_plan=run.errored_plan):
        moment += timedelta(seconds={"plan_queued": rng.uniform(1, 15), "planning": rng.uniform(2, 20),
                                     "apply_queued": rng.uniform(1, 15), "applying": rng.uniform(2, 20),
                                     "confirmed": rng.uniform(60, 3600)}.get(state, rng.uniform(30, 240)))
        moment = min(moment, now)
        if state != "pending":
            run.timestamps[f"{state.replace('_', '-')}-at"] = moment
        if state == "plan_queued":
            plan.timestamps["queued-at"] = moment
        elif state == "planning":
            plan.timestamps["started-at"] = moment
        elif state in ("planned", "planned_and_finished", "discarded") and "finished-at" not in plan.timestamps:
            plan.timestamps["finished-at"] = moment
        elif state == "errored":
            plan.timestamps["errored-at"] = moment
        elif state == "apply_queued":
            run.apply_timestamps["queued-at"] = moment
        elif state == "applying":
            run.apply_timestamps["started-at"] = moment
        elif state == "applied":
            run.apply_timestamps["finished-at"] = moment
            run.apply_status = "finished"
