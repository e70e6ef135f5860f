"""World records as TFC's JSON:API resources (wire names as in ../shared/tfc-samples and go-tfe)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from tfc.sandbox.world import (
    CANCELABLE,
    DISCARDABLE,
    AgentPoolRec,
    AgentRec,
    CommentRec,
    NotificationRec,
    RunRec,
    StateVersionRec,
    WorkspaceRec,
    World,
)

Resource = dict[str, Any]


def created_at(value: datetime) -> str:
    """``created-at`` style: milliseconds and Z."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def stamp(value: datetime) -> str:
    """``status-timestamps`` style: seconds and +00:00."""
    return value.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def ref(kind: str, ident: str | None) -> dict[str, Any]:
    return {"data": {"id": ident, "type": kind} if ident else None}


def workspace(world: World, ws: WorkspaceRec) -> Resource:
    current_sv = world.current_state_version(ws)
    resource_count = sum(r["count"] for r in current_sv.resources if not r["type"].startswith("data.")) if (
        current_sv) else 0
    return {
        "id": ws.id,
        "type": "workspaces",
        "attributes": {
            "name": ws.name,
            "created-at": created_at(ws.created_at),
            "execution-mode": ws.execution_mode,
            "auto-apply": ws.auto_apply,
            "locked": ws.locked,
            "resource-count": resource_count,
            "working-directory": ws.working_directory,
            "tag-names": list(ws.tags),
            "trigger-patterns": list(ws.trigger_patterns),
            "trigger-prefixes": list(ws.trigger_prefixes),
            "file-triggers-enabled": True,
            "terraform-version": "1.9.8",
            "environment": "default",
            "operations": True,
            "permissions": {"can-queue-run": True, "can-queue-apply": True, "can-read-state-versions": True},
        },
        "relationships": {
            "organization": ref("organizations", ws.organization),
            "current-run": ref("runs", ws.current_run_id),
            "latest-run": ref("runs", ws.current_run_id),
            "current-state-version": ref("state-versions", current_sv.id if current_sv else None),
            "agent-pool": ref("agent-pools", ws.agent_pool_id),
        },
        "links": {"self": f"/api/v2/organizations/{ws.organization}/workspaces/{ws.name}"},
    }


def run(world: World, rec: RunRec) -> Resource:
    confirmable = world.is_confirmable(rec)
    current = world.is_current(rec)
    return {
        "id": rec.id,
        "type": "runs",
        "attributes": {
            "actions": {
                "is-cancelable": rec.status in CANCELABLE,
                "is-confirmable": confirmable,
                "is-discardable": rec.status in DISCARDABLE and current,
                "is-force-cancelable": False,
            },
            "created-at": created_at(rec.created_at),
            "canceled-at": None,
            "has-changes": world.plans[rec.plan_id].has_changes,
            "auto-apply": False,
            "is-destroy": rec.is_destroy,
            "message": rec.message,
            "plan-only": rec.plan_only,
            "source": rec.source,
            "status": rec.status,
            "status-timestamps": {k: stamp(v) for k, v in rec.timestamps.items()},
            "trigger-reason": "manual",
            "permissions": {"can-apply": True, "can-cancel": True, "can-comment": True, "can-discard": True},
            "refresh": True,
            "refresh-only": False,
            "terraform-version": "1.9.8",
            "variables": [],
        },
        "relationships": {
            "workspace": ref("workspaces", rec.workspace_id),
            "plan": ref("plans", rec.plan_id),
            "apply": ref("applies", rec.apply_id),
            "configuration-version": ref("configuration-versions", rec.cv_id),
            "comments": {"data": [{"id": c, "type": "comments"} for c in rec.comment_ids]},
        },
        "links": {"self": f"/api/v2/runs/{rec.id}"},
    }


def plan(world: World, plan_id: str) -> Resource:
    rec = world.plans[plan_id]
    return {
        "id": rec.id,
        "type": "plans",
        "attributes": {
            "has-changes": rec.has_changes,
            "resource-additions": rec.additions,
            "resource-changes": rec.changes,
            "resource-destructions": rec.destructions,
            "resource-imports": 0,
            "status": rec.status,
            "status-timestamps": {k: stamp(v) for k, v in rec.timestamps.items()},
            "execution-details": {"mode": "agent"},
        },
        "relationships": {},
        "links": {"self": f"/api/v2/plans/{rec.id}", "json-output": f"/api/v2/plans/{rec.id}/json-output"},
    }


def apply(world: World, run_rec: RunRec) -> Resource:
    rec = world.plans[run_rec.plan_id]
    return {
        "id": run_rec.apply_id,
        "type": "applies",
        "attributes": {
            "status": run_rec.apply_status,
            "resource-additions": rec.additions if run_rec.status == "applied" else 0,
            "resource-changes": rec.changes if run_rec.status == "applied" else 0,
            "resource-destructions": rec.destructions if run_rec.status == "applied" else 0,
        },
        "links": {"self": f"/api/v2/applies/{run_rec.apply_id}"},
    }


def configuration_version(world: World, cv_id: str) -> Resource:
    rec = world.cvs[cv_id]
    return {
        "id": rec.id,
        "type": "configuration-versions",
        "attributes": {"source": rec.source, "status": rec.status, "speculative": False, "auto-queue-runs": True},
        "relationships": {"ingress-attributes": ref("ingress-attributes", rec.ingress_id)},
    }


def ingress_attributes(world: World, ingress_id: str) -> Resource:
    rec = world.ingress[ingress_id]
    repo = f"https://github.com/{rec.identifier}"
    return {
        "id": rec.id,
        "type": "ingress-attributes",
        "attributes": {
            "branch": rec.branch,
            "clone-url": f"{repo}.git",
            "commit-message": rec.commit_message,
            "commit-sha": rec.commit_sha,
            "commit-url": f"{repo}/commit/{rec.commit_sha}",
            "compare-url": None,
            "identifier": rec.identifier,
            "is-pull-request": False,
            "on-default-branch": True,
            "pull-request-number": None,
            "pull-request-url": None,
            "pull-request-title": None,
            "pull-request-body": None,
            "tag": None,
            "sender-username": rec.sender_username,
            "sender-avatar-url": f"https://avatars.example.com/{rec.sender_username}",
            "sender-html-url": f"https://github.com/{rec.sender_username}",
        },
    }


def _billable(resources: Sequence[Mapping[str, Any]]) -> int:
    """TFC's billable-rum-count: managed instances, less terraform_data and null_resource."""
    return sum(int(r["count"]) for r in resources
               if not str(r["type"]).startswith("data.") and r["type"] not in ("terraform_data", "null_resource"))


def state_version(world: World, rec: StateVersionRec, download_url: str) -> Resource:
    modules: dict[str, dict[str, int]] = {}
    providers: dict[str, dict[str, int]] = {}
    if rec.processed:
        for r in rec.resources:
            key = r["type"].replace("_", "-")
            modules.setdefault(r["module"], {})[key] = modules.get(r["module"], {}).get(key, 0) + r["count"]
            providers.setdefault(r["provider"], {})[key] = providers.get(r["provider"], {}).get(key, 0) + r["count"]
    return {
        "id": rec.id,
        "type": "state-versions",
        "attributes": {
            "billable-rum-count": _billable(rec.resources) if rec.processed else None,
            "created-at": created_at(rec.created_at),
            "serial": rec.serial,
            "status": "finalized",
            "intermediate": False,
            "resources-processed": rec.processed,
            "resources": [dict(r) for r in rec.resources] if rec.processed else [],
            "modules": modules if rec.processed else None,
            "providers": providers if rec.processed else None,
            "hosted-state-download-url": download_url,
            "hosted-json-state-download-url": None,
            "terraform-version": "1.9.8",
            "vcs-commit-sha": rec.commit_sha,
            "state-version": 4,
            "size": 1000 + 200 * len(rec.resources),
        },
        "relationships": {
            "run": ref("runs", rec.run_id),
            "workspace": ref("workspaces", rec.workspace_id),
        },
        "links": {"self": f"/api/v2/state-versions/{rec.id}"},
    }


def agent_pool(pool: AgentPoolRec, agents: Sequence[AgentRec]) -> Resource:
    return {
        "id": pool.id,
        "type": "agent-pools",
        "attributes": {
            "name": pool.name,
            "created-at": "2024-01-01T00:00:00.000Z",
            "organization-scoped": True,
            "agent-count": sum(1 for a in agents if a.status in ("idle", "busy", "unknown")),
        },
        "relationships": {"agents": {"links": {"related": f"/api/v2/agent-pools/{pool.id}/agents"}}},
    }


def agent(rec: AgentRec) -> Resource:
    return {
        "id": rec.id,
        "type": "agents",
        "attributes": {"name": rec.name, "status": rec.status, "ip-address": "10.0.0.1",
                       "last-ping-at": created_at(rec.last_ping_at)},
        "links": {"self": f"/api/v2/agents/{rec.id}"},
    }


def notification(rec: NotificationRec) -> Resource:
    return {
        "id": rec.id,
        "type": "notification-configurations",
        "attributes": {
            "enabled": rec.enabled,
            "name": rec.name,
            "url": rec.url,
            "destination-type": rec.destination_type,
            "token": None,
            "triggers": list(rec.triggers),
            "created-at": created_at(rec.created_at),
            "updated-at": created_at(rec.created_at),
            "delivery-responses": list(rec.delivery_responses),
            "email-addresses": [],
        },
        "relationships": {"subscribable": ref("workspaces", rec.workspace_id)},
        "links": {"self": f"/api/v2/notification-configurations/{rec.id}"},
    }


def comment(rec: CommentRec) -> Resource:
    return {
        "id": rec.id,
        "type": "comments",
        "attributes": {"body": rec.body, "created-at": created_at(rec.created_at)},
        "relationships": {"run-event": {"data": None}},
        "links": {"self": f"/api/v2/comments/{rec.id}"},
    }


def run_includes(world: World, runs: Iterable[RunRec], include: Sequence[str]) -> list[Resource]:
    """The ``included`` array for runs, each resource once, for the include paths TFC supports on runs."""
    seen: set[tuple[str, str]] = set()
    out: list[Resource] = []

    def wanted(kind: str, ident: str | None) -> bool:
        if ident is None or (kind, ident) in seen:
            return False
        seen.add((kind, ident))
        return True

    for rec in runs:
        for path in include:
            if path == "plan" and wanted("plans", rec.plan_id):
                out.append(plan(world, rec.plan_id))
            elif path == "apply" and wanted("applies", rec.apply_id):
                out.append(apply(world, rec))
            elif path == "workspace" and wanted("workspaces", rec.workspace_id):
                out.append(workspace(world, world.workspaces[rec.workspace_id]))
            elif path in ("configuration_version", "configuration_version.ingress_attributes"):
                if wanted("configuration-versions", rec.cv_id):
                    out.append(configuration_version(world, rec.cv_id))
                ingress_id = world.cvs[rec.cv_id].ingress_id
                if path.endswith("ingress_attributes") and wanted("ingress-attributes", ingress_id):
                    out.append(ingress_attributes(world, ingress_id or ""))
    return out
