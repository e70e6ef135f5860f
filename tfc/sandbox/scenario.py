"""Scenario files: YAML that describes an organization for the sandbox, validated with file:line errors.

The schema is documented in docs/sandbox.md. Every mapping remembers the line it started on, so a bad value
is reported as ``scenario.yaml:12: workspaces[3].runs[0].status: unknown status 'planed'``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from tfc.errors import ConfigError
from tfc.sandbox import agent_dynamics
from tfc.sandbox.run_timing import planning_stamps
from tfc.sandbox.world import (
    DEFAULT_PROJECT,
    FINAL,
    NON_FINAL,
    AgentPoolRec,
    AgentRec,
    ConfigurationVersionRec,
    IngressRec,
    PlanRec,
    RunRec,
    StateVersionRec,
    WorkspaceRec,
    World,
    backfill_timestamps,
    count_plan,
)
from tfc.yamllines import LINE, FastLineLoader

AGENT_STATUSES = ("idle", "busy", "unknown", "errored", "exited")
DEFAULT_PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]'


@dataclass
class _Where:
    path: Path

    def error(self, node: Any, field: str, problem: str) -> ConfigError:
        line = node.get(LINE, "?") if isinstance(node, dict) else "?"
        return ConfigError(f"{self.path}:{line}: {field}: {problem}")

    def get(self, node: dict[str, Any], key: str, field: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in node:
            if default is ...:
                raise self.error(node, field, f"'{key}' is required")
            return default
        value = node[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float, (int, float))):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.error(node, f"{field}.{key}", f"expected {names}, got {type(value).__name__}")
        return value

    def mapping(self, value: Any, parent: dict[str, Any], field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(parent, field, "expected a mapping")
        return value

    def unknown_keys(self, node: dict[str, Any], field: str, allowed: set[str]) -> None:
        extra = sorted(str(k) for k in node if k != LINE and k not in allowed)
        if extra:
            raise self.error(node, field, f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(sorted(allowed))}")


def load_scenario(world: World, path: Path, *, now: datetime) -> tuple[str, str]:
    """Fill ``world`` from a scenario file; return (token, organization)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the scenario: {exc.strerror}") from None
    try:
        # libyaml's parser (a 1,500-workspace scenario loads four times faster) with LineLoader's alias and depth limits
        document = yaml.load(text, Loader=FastLineLoader)  # noqa: S506 - a (C)SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise ConfigError(f"{path}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    where = _Where(path)
    if not isinstance(document, dict):
        raise ConfigError(f"{path}:1: the scenario must be a mapping with 'organization' and 'workspaces'")
    where.unknown_keys(document, "scenario", {"organization", "token", "user", "workspaces", "agent_pools"})
    org = where.get(document, "organization", "scenario", str)
    token = where.get(document, "token", "scenario", str, default=f"sandbox-{org}-token")
    world.organizations[org] = {"name": org, "email": f"platform@{org}.example"}
    world.tokens[token] = frozenset({org})
    world.token_users[token] = world.user(where.get(document, "user", "scenario", str, default=f"{org}-admin")).id
    pools = _agent_pools(world, where, document, org, now)
    workspaces = where.get(document, "workspaces", "scenario", list)
    seen: set[str] = set()
    for index, raw in enumerate(workspaces):
        field = f"workspaces[{index}]"
        node = where.mapping(raw, document, field)
        _workspace(world, where, node, field, org, pools, now, seen)
    return token, org


def _agent_pools(world: World, where: _Where, document: dict[str, Any], org: str, now: datetime) -> dict[str, str]:
    ids: dict[str, str] = {}
    for index, raw in enumerate(where.get(document, "agent_pools", "scenario", list, default=[])):
        field = f"agent_pools[{index}]"
        node = where.mapping(raw, document, field)
        where.unknown_keys(node, field, {"name", "agents", "timeline", "repeat_minutes"})
        name = where.get(node, "name", field, str)
        pool = AgentPoolRec(id=f"apool-{_digest(org, name)}", name=name, organization=org)
        if "timeline" in node:
            agent_dynamics.attach(world, pool, agent_dynamics.parse(node, field, now, where.error))
        agents = where.get(node, "agents", field, dict, default={})
        for status, count in agents.items():
            if status == LINE:
                continue
            if status not in AGENT_STATUSES or not isinstance(count, int) or count < 0:
                raise where.error(node, f"{field}.agents.{status}",
                                  f"expected one of {', '.join(AGENT_STATUSES)} with a count")
            for n in range(count):
                agent = AgentRec(id=f"agent-{_digest(pool.id, status, str(n))}", name=f"{name}-{status}-{n}",
                                 status=status, pool_id=pool.id, last_ping_at=now)
                world.agents[agent.id] = agent
                pool.agent_ids.append(agent.id)
        world.agent_pools[pool.id] = pool
        ids[name] = pool.id
    return ids


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:16]


def _workspace(world: World, where: _Where, node: dict[str, Any], field: str, org: str, pools: dict[str, str],
               now: datetime, seen: set[str]) -> None:
    allowed = {"name", "tags", "tag_bindings", "project", "working_directory", "trigger_patterns",
               "trigger_prefixes", "agent_pool", "created_days_ago", "state_versions", "runs", "plan"}
    where.unknown_keys(node, field, allowed)
    name = where.get(node, "name", field, str)
    if name in seen:
        raise where.error(node, f"{field}.name", f"duplicate workspace name {name!r}")
    seen.add(name)
    pool_name = where.get(node, "agent_pool", field, str, default=None)
    if pool_name is not None and pool_name not in pools:
        raise where.error(node, f"{field}.agent_pool", f"no agent pool named {pool_name!r}")
    tags = [str(t) for t in where.get(node, "tags", field, list, default=[])]
    age = where.get(node, "created_days_ago", field, (int, float), default=730)
    ws = world.add_workspace(WorkspaceRec(
        id=f"ws-{_digest(org, name)}", name=name, organization=org, tags=tags,
        created_at=now - timedelta(days=age),
        working_directory=where.get(node, "working_directory", field, str, default=None),
        trigger_patterns=[str(p) for p in where.get(node, "trigger_patterns", field, list, default=[])],
        trigger_prefixes=[str(p) for p in where.get(node, "trigger_prefixes", field, list, default=[])],
        agent_pool_id=pools.get(pool_name or ""),
        project_id=world.project(org, where.get(node, "project", field, str, default=DEFAULT_PROJECT)).id,
        tag_bindings={str(k): str(v) for k, v in where.get(node, "tag_bindings", field, dict, default={}).items()
                      if k != LINE},
    ))
    if "plan" in node:  # the plan of runs with no scenario plan of their own (speculative plans, API runs)
        plan_node = where.mapping(node["plan"], node, f"{field}.plan")
        where.unknown_keys(plan_node, f"{field}.plan", {"changes", "drift", "outputs"})
        world.workspace_plans[ws.id] = _plan(where, plan_node, f"{field}.plan")
    versions = [_state_version(where, where.mapping(raw, node, f"{field}.state_versions[{i}]"),
                               f"{field}.state_versions[{i}]", ws, now, i)
                for i, raw in enumerate(where.get(node, "state_versions", field, list, default=[]))]
    versions.sort(key=lambda v: v.created_at)
    world.histories[ws.id] = versions
    for i, raw in enumerate(where.get(node, "runs", field, list, default=[])):
        run_field = f"{field}.runs[{i}]"
        _run(world, where, where.mapping(raw, node, run_field), run_field, ws, now)


def _state_version(where: _Where, node: dict[str, Any], field: str, ws: WorkspaceRec, now: datetime,
                   index: int) -> StateVersionRec:
    where.unknown_keys(node, field, {"days_ago", "serial", "resources", "resources_processed"})
    resources = []
    for r_index, raw in enumerate(where.get(node, "resources", field, list, default=[])):
        r_field = f"{field}.resources[{r_index}]"
        entry = where.mapping(raw, node, r_field)
        where.unknown_keys(entry, r_field, {"type", "name", "count", "module", "provider"})
        provider = where.get(entry, "provider", r_field, str, default=DEFAULT_PROVIDER)
        if not provider.startswith("provider["):
            provider = f'provider["registry.terraform.io/hashicorp/{provider}"]'
        resources.append({"name": where.get(entry, "name", r_field, str),
                          "type": where.get(entry, "type", r_field, str),
                          "count": where.get(entry, "count", r_field, int, default=1),
                          "module": where.get(entry, "module", r_field, str, default="root"), "provider": provider})
    days_ago = where.get(node, "days_ago", field, (int, float))
    serial = where.get(node, "serial", field, int, default=index + 1)
    return StateVersionRec(id=f"sv-{_digest(ws.id, str(serial))}", workspace_id=ws.id, serial=serial,
                           created_at=now - timedelta(days=days_ago), resources=resources,
                           processed=where.get(node, "resources_processed", field, bool, default=True))


def _run(world: World, where: _Where, node: dict[str, Any], field: str, ws: WorkspaceRec, now: datetime) -> None:
    where.unknown_keys(node, field, {"status", "commit", "author", "message", "minutes_ago", "changes", "drift",
                                     "outputs", "branch", "hangs_on_cancel", "apply_errors", "planning_minutes"})
    status = where.get(node, "status", field, str)
    if status not in FINAL and status not in NON_FINAL:
        raise where.error(node, f"{field}.status", f"unknown status {status!r}")
    waiting_behind = world.queue(ws)
    if waiting_behind and status not in ("pending", "discarded"):
        raise where.error(node, f"{field}.status",
                          f"{status!r} after a {waiting_behind[0].status!r} run: TFC processes a workspace's runs in "
                          "order, so a run after an unfinished one is pending (or discarded)")
    commit = where.get(node, "commit", field, str, default=_digest(ws.id, field) + "0" * 24)
    if len(commit) != 40 or any(c not in "0123456789abcdef" for c in commit):
        raise where.error(node, f"{field}.commit", "expected a 40-character lowercase hex SHA")
    template = _plan(where, node, field)
    created = now - timedelta(minutes=where.get(node, "minutes_ago", field, (int, float), default=60))
    message = where.get(node, "message", field, str, default="Scenario change")
    author = where.get(node, "author", field, str, default="scenario-author")
    branch = where.get(node, "branch", field, str, default="main")
    ingress = IngressRec(id=world.new_id("ia"), commit_sha=commit, commit_message=message, sender_username=author,
                         branch=branch)
    world.ingress[ingress.id] = ingress
    cv = ConfigurationVersionRec(id=world.new_id("cv"), ingress_id=ingress.id, workspace_id=ws.id)
    run = RunRec(id=world.new_id("run"), workspace_id=ws.id, status=status, created_at=created,
                 plan_id=world.new_id("plan"), apply_id=world.new_id("apply"), cv_id=cv.id,
                 message=ingress.commit_message, errored_plan=status == "errored", created_by=world.user(author).id,
                 trigger_reason="vcs", hangs_on_cancel=where.get(node, "hangs_on_cancel", field, bool, default=False),
                 errored_apply=where.get(node, "apply_errors", field, bool, default=False))
    finished = status not in ("pending", "plan_queued", "planning", "errored", "canceled", "force_canceled")
    plan = PlanRec(id=run.plan_id, run_id=run.id, document=template if finished else None,
                   status="finished" if finished else "errored" if status == "errored" else "pending")
    count_plan(plan)
    backfill_timestamps(run, plan, now=now)
    planning = where.get(node, "planning_minutes", field, (int, float), default=None)
    if planning is not None:  # a known planning duration instead of the backfilled one
        stamps = planning_stamps(status, created, now, planning)
        if isinstance(stamps, str):
            raise where.error(node, f"{field}.planning_minutes", stamps)
        run.timestamps.update(stamps)
    plan.status = {"plan_queued": "queued", "planning": "running"}.get(status, plan.status)
    world.plan_templates[cv.id] = template  # a lookup: what this configuration version plans to
    world.add_run(run, plan, cv)


def _plan(where: _Where, node: dict[str, Any], field: str) -> dict[str, Any]:
    """A Terraform JSON plan from a scenario node's ``changes``, ``drift`` and ``outputs``."""
    changes = [_change(where, where.mapping(c, node, f"{field}.changes[{i}]"), f"{field}.changes[{i}]")
               for i, c in enumerate(where.get(node, "changes", field, list, default=[]))]
    drift = [_change(where, where.mapping(c, node, f"{field}.drift[{i}]"), f"{field}.drift[{i}]")
             for i, c in enumerate(where.get(node, "drift", field, list, default=[]))]
    outputs = {str(k): _strip(v) for k, v in where.get(node, "outputs", field, dict, default={}).items() if k != LINE}
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes,
            "resource_drift": drift, "output_changes": outputs, "errored": False}


def _strip(value: Any) -> Any:
    """The YAML value without the loader's line markers."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _change(where: _Where, node: dict[str, Any], field: str) -> dict[str, Any]:
    where.unknown_keys(node, field, {"address", "actions", "before", "after", "after_unknown", "before_sensitive",
                                     "after_sensitive", "provider_name"})
    address = where.get(node, "address", field, str)
    actions = where.get(node, "actions", field, list)
    valid = {"no-op", "create", "read", "update", "delete", "forget"}
    if not actions or any(a not in valid for a in actions):
        raise where.error(node, f"{field}.actions", f"expected a list of {', '.join(sorted(valid))}")
    parts = address.split(".")
    mode = "data" if parts[0] == "data" or ".data." in address else "managed"
    rtype, name = (parts[-2], parts[-1].split("[")[0]) if len(parts) >= 2 else (address, address)
    module = address.rsplit("." + rtype + ".", 1)[0] if address.startswith("module.") else None
    entry: dict[str, Any] = {"address": address, "mode": mode, "type": rtype, "name": name,
                             "provider_name": where.get(node, "provider_name", field, str,
                                                        default="registry.terraform.io/hashicorp/aws"),
                             "change": {k: _strip(node.get(k)) for k in ("before", "after")}}
    entry["change"]["actions"] = list(actions)
    for key in ("after_unknown", "before_sensitive", "after_sensitive"):
        entry["change"][key] = _strip(node.get(key, {}))
    if module:
        entry["module_address"] = module
    return entry
