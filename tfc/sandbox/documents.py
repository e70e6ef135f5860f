"""World records as TFC's JSON:API resources (wire names as in ../shared/tfc-samples and go-tfe)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from tfc.sandbox.world import (
    AgentPoolRec,
    AgentRec,
    CommentRec,
    NotificationRec,
    ProjectRec,
    RunRec,
    StateVersionRec,
    UserRec,
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


def ref(kind: str, ident: str | None, related: str | None = None) -> dict[str, Any]:
    """A to-one relationship; ``related`` is the ``links.related`` URL clients follow."""
    out: dict[str, Any] = {"data": {"id": ident, "type": kind} if ident else None}
    if related:
        out["links"] = {"related": related}
    return out


def workspace(world: World, ws: WorkspaceRec) -> Resource:
    """go-tfe workspace.go ``Workspace``; relationships with the links.related clients follow."""
    current_sv = world.current_state_version(ws)
    resource_count = sum(r["count"] for r in current_sv.resources if not r["type"].startswith("data.")) if (
        current_sv) else 0
    link = f"/api/v2/workspaces/{ws.id}"
    latest = world.runs.get(ws.latest_run_id or "")
    return {
        "id": ws.id,
        "type": "workspaces",
        "attributes": {
            "name": ws.name,
            "created-at": created_at(ws.created_at),
            "updated-at": created_at(ws.updated_at or ws.created_at),
            "latest-change-at": created_at(latest.created_at if latest else ws.created_at),
            "description": None,
            "execution-mode": ws.execution_mode,
            "auto-apply": ws.auto_apply,
            "auto-apply-run-trigger": False,
            "allow-destroy-plan": True,
            "assessments-enabled": False,
            "locked": ws.locked,
            "locked-reason": ws.locked_reason,
            "resource-count": resource_count,
            "working-directory": ws.working_directory,
            "tag-names": list(ws.tags),
            "trigger-patterns": list(ws.trigger_patterns),
            "trigger-prefixes": list(ws.trigger_prefixes),
            "file-triggers-enabled": True,
            "queue-all-runs": False,
            "speculative-enabled": True,
            "structured-run-output-enabled": True,
            "global-remote-state": False,
            "terraform-version": "1.9.8",
            "environment": "default",
            "operations": True,
            "source": "tfe-api",
            "vcs-repo": {"identifier": "example/infrastructure", "display-identifier": "example/infrastructure",
                         "branch": "main", "ingress-submodules": False, "oauth-token-id": None,
                         "repository-http-url": "https://github.com/example/infrastructure",
                         "service-provider": "github", "tags-regex": None},
            "vcs-repo-identifier": "example/infrastructure",
            "actions": {"is-destroyable": True},
            "permissions": {"can-queue-run": True, "can-queue-apply": True, "can-read-state-versions": True,
                            "can-update": True, "can-destroy": True, "can-lock": True, "can-unlock": True,
                            "can-read-settings": True, "can-queue-destroy": True, "can-update-variable": True,
                            "can-force-unlock": True, "can-read-variable": True, "can-create-state-versions": True,
                            "can-read-state-outputs": True, "can-read-run": True},
            "setting-overwrites": {"execution-mode": False, "agent-pool": False},
        },
        "relationships": {
            "organization": ref("organizations", ws.organization),
            "project": ref("projects", ws.project_id, f"/api/v2/projects/{ws.project_id}"),
            "current-run": ref("runs", ws.current_run_id, f"/api/v2/runs/{ws.current_run_id}"
                               if ws.current_run_id else None),
            "latest-run": ref("runs", ws.latest_run_id),
            "current-state-version": ref("state-versions", current_sv.id if current_sv else None,
                                         f"{link}/current-state-version"),
            "current-configuration-version": ref("configuration-versions", ws.latest_cv_id),
            "agent-pool": ref("agent-pools", ws.agent_pool_id),
            "locked-by": {"data": None},
            "tags": {"links": {"related": f"{link}/relationships/tags"}},
            "tag-bindings": {"links": {"related": f"{link}/tag-bindings"}},
            "effective-tag-bindings": {"links": {"related": f"{link}/effective-tag-bindings"}},
        },
        "links": {"self": link, "self-html": f"/app/{ws.organization}/workspaces/{ws.name}"},
    }


def run(world: World, rec: RunRec) -> Resource:
    """go-tfe run.go ``Run``: every attribute and the relationships clients follow, with links.related."""
    options = rec.options
    link = f"/api/v2/runs/{rec.id}"
    return {
        "id": rec.id,
        "type": "runs",
        "attributes": {
            "actions": {
                "is-cancelable": world.is_cancelable(rec),
                "is-confirmable": world.is_confirmable(rec),
                "is-discardable": world.is_discardable(rec),
                "is-force-cancelable": world.is_force_cancelable(rec),
            },
            "created-at": created_at(rec.created_at),
            "canceled-at": created_at(rec.canceled_at) if rec.canceled_at else None,
            "force-cancel-available-at": (created_at(rec.force_cancel_available_at)
                                          if rec.force_cancel_available_at else None),
            "has-changes": world.plans[rec.plan_id].has_changes,
            "auto-apply": bool(options.get("auto-apply", False)),
            "allow-empty-apply": bool(options.get("allow-empty-apply", False)),
            "allow-config-generation": bool(options.get("allow-config-generation", False)),
            "is-destroy": rec.is_destroy,
            "message": rec.message,
            "plan-only": rec.plan_only,
            "position-in-queue": world.position_in_queue(rec),
            "source": rec.source,
            "status": rec.status,
            "status-timestamps": {k: stamp(v) for k, v in rec.timestamps.items()},
            "trigger-reason": rec.trigger_reason,
            "permissions": {"can-apply": True, "can-cancel": True, "can-comment": True, "can-discard": True,
                            "can-force-execute": True, "can-force-cancel": True, "can-override-policy-check": True},
            "refresh": bool(options.get("refresh", True)),
            "refresh-only": bool(options.get("refresh-only", False)),
            "save-plan": bool(options.get("save-plan", False)),
            "target-addrs": options.get("target-addrs"),
            "replace-addrs": options.get("replace-addrs"),
            "invoke-action-addrs": options.get("invoke-action-addrs"),
            "terraform-version": str(options.get("terraform-version") or "1.9.8"),
            "variables": list(options.get("variables") or []),
        },
        "relationships": {
            "workspace": ref("workspaces", rec.workspace_id),
            "plan": ref("plans", rec.plan_id, f"{link}/plan"),
            "apply": ref("applies", rec.apply_id, f"/api/v2/applies/{rec.apply_id}"),
            "configuration-version": ref("configuration-versions", rec.cv_id, f"{link}/configuration-version"),
            "created-by": ref("users", rec.created_by, f"{link}/created-by"),
            "comments": {"data": [{"id": c, "type": "comments"} for c in rec.comment_ids],
                         "links": {"related": f"{link}/comments"}},
        },
        "links": {"self": link},
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
    done = run_rec.status == "applied"
    return {
        "id": run_rec.apply_id,
        "type": "applies",
        "attributes": {
            "status": run_rec.apply_status,
            "status-timestamps": {k: stamp(v) for k, v in run_rec.apply_timestamps.items()},
            "resource-additions": rec.additions if done else 0,
            "resource-changes": rec.changes if done else 0,
            "resource-destructions": rec.destructions if done else 0,
            "resource-imports": 0,
        },
        "links": {"self": f"/api/v2/applies/{run_rec.apply_id}"},
    }


def configuration_version(world: World, cv_id: str, upload_url: str | None = None) -> Resource:
    """go-tfe configuration_version.go ``ConfigurationVersion``; ``upload-url`` only until the upload."""
    rec = world.cvs[cv_id]
    link = f"/api/v2/configuration-versions/{rec.id}"
    return {
        "id": rec.id,
        "type": "configuration-versions",
        "attributes": {"source": rec.source, "status": rec.status, "speculative": rec.speculative,
                       "auto-queue-runs": rec.auto_queue_runs, "provisional": rec.provisional,
                       "error": None, "error-message": None, "upload-url": upload_url,
                       "status-timestamps": {k: stamp(v) for k, v in rec.timestamps.items()}},
        "relationships": {"ingress-attributes": ref("ingress-attributes", rec.ingress_id,
                                                    f"{link}/ingress-attributes")},
        "links": {"self": link, "download": f"{link}/download"},
    }


def project(rec: ProjectRec) -> Resource:
    return {
        "id": rec.id,
        "type": "projects",
        "attributes": {"name": rec.name, "description": None, "default-execution-mode": "remote",
                       "auto-destroy-activity-duration": None},
        "relationships": {"organization": ref("organizations", rec.organization)},
        "links": {"self": f"/api/v2/projects/{rec.id}"},
    }


def organization(name: str, email: str) -> Resource:
    return {"id": name, "type": "organizations", "attributes": {"name": name, "email": email},
            "links": {"self": f"/api/v2/organizations/{name}"}}


def user(rec: UserRec) -> Resource:
    """go-tfe user.go ``User``."""
    return {
        "id": rec.id,
        "type": "users",
        "attributes": {"username": rec.username, "email": rec.email, "is-service-account": False,
                       "avatar-url": f"https://www.gravatar.com/avatar/{rec.id}", "v2-only": False,
                       "unconfirmed-email": None, "two-factor": {"enabled": False, "verified": False},
                       "permissions": {"can-create-organizations": True, "can-change-email": True,
                                       "can-change-username": True, "can-manage-user-tokens": True}},
        "links": {"self": f"/api/v2/users/{rec.id}"},
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
            "billable-rum-count": None,
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
            "updated-at": created_at(rec.updated_at or rec.created_at),
            "delivery-responses": list(rec.delivery_responses),
            "email-addresses": [],
        },
        "relationships": {"subscribable": ref(rec.subscribable_type, rec.workspace_id)},
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


# Include paths TFC accepts, per resource (go-tfe run.go ``RunIncludeOpt``, workspace.go ``WSIncludeOpt`` and the
# docs' "Available Related Resources"). Any other value answers 400 "Invalid include parameter" (go-tfe tfe.go
# ``checkResponseCode`` maps that text to ErrInvalidIncludeValue). Accepted paths the sandbox has no data for
# (cost_estimate, task_stages, readme, outputs, locked_by…) side-load nothing.
RUN_INCLUDES = frozenset({"plan", "apply", "created_by", "cost_estimate", "configuration_version",
                          "configuration_version.ingress_attributes", "workspace", "task_stages"})
WORKSPACE_INCLUDES = frozenset({
    "organization", "project", "current_configuration_version", "current_configuration_version.ingress_attributes",
    "current_run", "current_run.plan", "current_run.configuration_version",
    "current_run.configuration_version.ingress_attributes", "current_state_version", "current-state-version",
    "effective_tag_bindings", "locked_by", "readme", "outputs", "agent_pool"})
CV_INCLUDES = frozenset({"ingress_attributes"})


class Included:
    """The ``included`` array: each resource once, in the order first wanted."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()
        self.out: list[Resource] = []

    def add(self, kind: str, ident: str | None, build: Callable[[], Resource]) -> None:
        if ident is None or (kind, ident) in self.seen:
            return
        self.seen.add((kind, ident))
        self.out.append(build())


def run_includes(world: World, runs: Iterable[RunRec], include: Sequence[str],
                 into: Included | None = None, prefix: str = "") -> list[Resource]:
    """The ``included`` array for runs (``prefix`` is the path that led to them, e.g. ``current_run.``)."""
    acc = into or Included()
    for rec in runs:
        for path in include:
            if not path.startswith(prefix):
                continue
            path = path.removeprefix(prefix)
            if path == "plan":
                acc.add("plans", rec.plan_id, partial(plan, world, rec.plan_id))
            elif path == "apply":
                acc.add("applies", rec.apply_id, partial(apply, world, rec))
            elif path == "workspace":
                acc.add("workspaces", rec.workspace_id, partial(workspace, world, world.workspaces[rec.workspace_id]))
            elif path == "created_by" and rec.created_by:
                acc.add("users", rec.created_by, partial(user, world.users[rec.created_by]))
            elif path in ("configuration_version", "configuration_version.ingress_attributes"):
                acc.add("configuration-versions", rec.cv_id, partial(configuration_version, world, rec.cv_id))
                ingress_id = world.cvs[rec.cv_id].ingress_id
                if path.endswith("ingress_attributes"):
                    acc.add("ingress-attributes", ingress_id, partial(ingress_attributes, world, ingress_id or ""))
    return acc.out


def workspace_includes(world: World, workspaces: Iterable[WorkspaceRec], include: Sequence[str],
                       state_url: Callable[[str], str]) -> list[Resource]:
    acc = Included()
    for ws in workspaces:
        wanted = set(include)
        if "organization" in wanted:
            org = world.organizations[ws.organization]
            acc.add("organizations", ws.organization, partial(organization, org["name"], org["email"]))
        if "project" in wanted and ws.project_id:
            acc.add("projects", ws.project_id, partial(project, world.projects[ws.project_id]))
        if wanted & {"current_state_version", "current-state-version"}:
            sv = world.current_state_version(ws)
            if sv is not None:
                acc.add("state-versions", sv.id, partial(state_version, world, sv, state_url(sv.id)))
        if any(p.startswith("current_configuration_version") for p in wanted) and ws.latest_cv_id:
            acc.add("configuration-versions", ws.latest_cv_id,
                    partial(configuration_version, world, ws.latest_cv_id))
            ingress_id = world.cvs[ws.latest_cv_id].ingress_id
            if "current_configuration_version.ingress_attributes" in wanted:
                acc.add("ingress-attributes", ingress_id, partial(ingress_attributes, world, ingress_id or ""))
        current = world.runs.get(ws.current_run_id or "")
        if current is not None and any(p.startswith("current_run") for p in wanted):
            acc.add("runs", current.id, partial(run, world, current))
            run_includes(world, [current], include, acc, prefix="current_run.")
    return acc.out
