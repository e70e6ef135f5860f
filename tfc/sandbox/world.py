"""The sandbox's in-memory TFC: organizations' workspaces, runs and their lifecycle, state versions, agents.

Everything here is plain data plus the run state machine; HTTP lives in ``api.py``. One lock guards the world;
callers hold it (``with world.lock``) around every read-modify-write.
"""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Clock = Callable[[], datetime]

CONFIRMABLE = frozenset({"planned", "cost_estimated", "policy_checked", "post_plan_completed"})
DISCARDABLE = CONFIRMABLE | {"pending", "policy_override", "policy_soft_failed"}
CANCELABLE = frozenset({"pending", "plan_queued", "planning", "apply_queued", "applying"})
ACTIVE = frozenset({"plan_queued", "planning", "confirmed", "apply_queued", "applying"})
FINAL = frozenset({"applied", "planned_and_finished", "errored", "discarded", "canceled", "force_canceled"})
NON_FINAL = frozenset(
    {"pending", "fetching", "plan_queued", "planning", "planned", "cost_estimating", "cost_estimated",
     "policy_checking", "policy_override", "policy_soft_failed", "policy_checked", "confirmed", "post_plan_running",
     "post_plan_completed", "apply_queued", "applying"}
)
STATUS_GROUPS = {"non_final": NON_FINAL, "final": FINAL, "discardable": DISCARDABLE - {"pending"}}


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
    current_run_id: str | None = None
    run_ids: list[str] = field(default_factory=list)  # oldest first


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
    next_step_at: datetime | None = None  # when the lifecycle moves this run on


@dataclass
class ConfigurationVersionRec:
    id: str
    ingress_id: str | None
    source: str = "github"
    status: str = "uploaded"


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
    workspace_id: str
    name: str
    url: str
    destination_type: str
    enabled: bool
    triggers: list[str]
    token: str | None
    created_at: datetime
    delivery_responses: list[dict[str, Any]] = field(default_factory=list)


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


TRIGGER_OF_STATUS = {
    "pending": "run:created",
    "planning": "run:planning",
    "planned": "run:needs_attention",
    "applying": "run:applying",
    "applied": "run:completed",
    "planned_and_finished": "run:completed",
    "errored": "run:errored",
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
        # Scenario data are lookups, never chains of closures (a chain of 1,000 overflowed the stack):
        self.plan_templates: dict[str, dict[str, Any]] = {}  # configuration version id -> the plan it produces
        self.workspace_plans: dict[str, dict[str, Any]] = {}  # workspace id -> plan of a run with no template
        self.histories: dict[str, list[StateVersionRec]] = {}  # workspace id -> scenario state versions
        self.history_factory: Callable[[WorkspaceRec], list[StateVersionRec]] | None = None  # lazy (demo)
        self._applied_cvs: set[str] = set()
        self._state_versions: dict[str, list[StateVersionRec]] = {}  # per workspace, oldest first; lazy
        self._state_version_index: dict[str, StateVersionRec] = {}
        self._moving: set[str] = set()  # runs whose lifecycle is under way
        self._org_workspaces: dict[str, list[WorkspaceRec]] = {}
        self._org_runs: dict[str, list[str]] = {}

    def new_id(self, prefix: str) -> str:
        with self.lock:
            return prefix + "-" + "".join(self._ids.choice(ID_ALPHABET) for _ in range(16))

    # -- organizations and workspaces ---------------------------------------------------------------------

    def add_workspace(self, ws: WorkspaceRec) -> WorkspaceRec:
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

    def add_run(self, run: RunRec, plan: PlanRec, cv: ConfigurationVersionRec) -> RunRec:
        """Record a run (scenario or API); the newest run is its workspace's current run."""
        ws = self.workspaces[run.workspace_id]
        self.runs[run.id] = run
        self._org_runs.setdefault(ws.organization, []).append(run.id)
        self.plans[plan.id] = plan
        self.cvs[cv.id] = cv
        ws.run_ids.append(run.id)
        ws.current_run_id = run.id
        if run.status not in FINAL and run.status not in CONFIRMABLE:
            self._moving.add(run.id)
            run.next_step_at = self.clock()
        return run

    def is_current(self, run: RunRec) -> bool:
        return self.workspaces[run.workspace_id].current_run_id == run.id

    def is_confirmable(self, run: RunRec) -> bool:
        return run.status in CONFIRMABLE and self.is_current(run) and self.plans[run.plan_id].has_changes

    def workspace_busy(self, ws: WorkspaceRec, except_run: str) -> bool:
        return any(self.runs[r].status in ACTIVE for r in ws.run_ids if r != except_run)

    def set_status(self, run: RunRec, status: str, events: list[Event]) -> None:
        run.status = status
        run.timestamps[f"{status.replace('_', '-')}-at"] = self.clock()
        trigger = TRIGGER_OF_STATUS.get(status)
        if trigger:
            events.append(Event(trigger, run.id))

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
        ws = self.workspaces[run.workspace_id]
        plan = self.plans[run.plan_id]
        status = run.status
        if status == "pending":
            if not self.is_current(run) or self.workspace_busy(ws, run.id):
                return False
            self.set_status(run, "planning", events)
            plan.status = "running"
        elif status == "planning":
            if run.errored_plan:
                plan.status = "errored"
                self.set_status(run, "errored", events)
            else:
                plan.document = self.plan_document(run)
                count_plan(plan)
                plan.status = "finished"
                self.set_status(run, "planned" if plan.has_changes and not run.plan_only else "planned_and_finished",
                                events)
        elif status == "confirmed":
            self.set_status(run, "applying", events)
            run.apply_status = "running"
        elif status == "applying":
            self._finish_apply(run, ws, plan)
            self.set_status(run, "applied", events)
            run.apply_status = "finished"
        else:
            self._moving.discard(run.id)
            return False
        if run.status in FINAL or run.status in CONFIRMABLE:
            self._moving.discard(run.id)
            run.next_step_at = None
            self._start_next(ws, now)
        else:
            run.next_step_at = now + self.step
        return True

    def _start_next(self, ws: WorkspaceRec, now: datetime) -> None:
        """A workspace whose run came to rest lets its current pending run start."""
        current = self.runs.get(ws.current_run_id or "")
        if current is not None and current.status == "pending":
            self._moving.add(current.id)
            current.next_step_at = now

    def confirm(self, run: RunRec, events: list[Event]) -> None:
        self.set_status(run, "confirmed", events)
        run.apply_status = "queued"
        self._moving.add(run.id)
        run.next_step_at = self.clock() + self.step

    def finish_early(self, run: RunRec, status: str, events: list[Event]) -> None:
        """Discard or cancel: the run rests; the workspace's queue moves on."""
        self.set_status(run, status, events)
        self._moving.discard(run.id)
        run.next_step_at = None
        self._start_next(self.workspaces[run.workspace_id], self.clock())

    def plan_document(self, run: RunRec) -> dict[str, Any]:
        """What planning ``run`` produces: its configuration version's plan from the scenario (none once a run
        of that version was applied: the infrastructure matches it), else the workspace's, else no changes."""
        if run.cv_id in self._applied_cvs:
            return empty_plan()
        template = self.plan_templates.get(run.cv_id) or self.workspace_plans.get(run.workspace_id)
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
