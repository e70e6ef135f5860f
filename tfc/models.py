"""Typed, frozen records for the TFC resources the toolkit uses, built from JSON:API resources.

Unknown fields are ignored; a missing field the toolkit needs raises :class:`~tfc.errors.MalformedResponse`
naming the resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tfc.errors import MalformedResponse
from tfc.jsonapi import (
    IncludedIndex,
    Resource,
    attrs,
    nested_bool,
    parse_time,
    related,
    related_id,
    required,
    str_tuple,
)

_EMPTY: IncludedIndex = {}


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float | str) and str(value).lstrip("-").isdigit() else 0


@dataclass(frozen=True, slots=True)
class Workspace:
    id: str
    name: str
    tag_names: tuple[str, ...] = ()
    working_directory: str | None = None
    trigger_patterns: tuple[str, ...] = ()
    trigger_prefixes: tuple[str, ...] = ()
    execution_mode: str | None = None
    resource_count: int = 0
    locked: bool = False
    current_run_id: str | None = None
    agent_pool_id: str | None = None
    created_at: datetime | None = None
    organization: str | None = None
    current_state_version_id: str | None = None

    def tag_value(self, key: str) -> str | None:
        """The value of a ``key:value`` tag name, or ``None`` when the workspace has no such tag."""
        prefix = key + ":"
        for tag in self.tag_names:
            if tag.startswith(prefix):
                return tag[len(prefix) :]
        return None

    def has_tag(self, tag: str) -> bool:
        return tag in self.tag_names

    @classmethod
    def from_resource(cls, resource: Resource, included: IncludedIndex = _EMPTY) -> Workspace:
        a = attrs(resource)
        return cls(
            id=str(resource["id"]),
            name=str(required(resource, "name")),
            tag_names=str_tuple(a.get("tag-names")),
            working_directory=a.get("working-directory") or None,
            trigger_patterns=str_tuple(a.get("trigger-patterns")),
            trigger_prefixes=str_tuple(a.get("trigger-prefixes")),
            execution_mode=a.get("execution-mode"),
            resource_count=_int(a.get("resource-count")),
            locked=bool(a.get("locked")),
            current_run_id=related_id(resource, "current-run"),
            agent_pool_id=related_id(resource, "agent-pool"),
            created_at=parse_time(a.get("created-at")),
            organization=related_id(resource, "organization"),
            current_state_version_id=related_id(resource, "current-state-version"),
        )


@dataclass(frozen=True, slots=True)
class IngressAttributes:
    id: str
    commit_sha: str | None
    commit_message: str | None = None
    commit_url: str | None = None
    branch: str | None = None
    identifier: str | None = None
    sender_username: str | None = None
    sender_html_url: str | None = None
    is_pull_request: bool = False
    pull_request_number: int | None = None

    @classmethod
    def from_resource(cls, resource: Resource) -> IngressAttributes:
        a = attrs(resource)
        number = a.get("pull-request-number")
        return cls(
            id=str(resource["id"]),
            commit_sha=a.get("commit-sha"),
            commit_message=a.get("commit-message"),
            commit_url=a.get("commit-url"),
            branch=a.get("branch"),
            identifier=a.get("identifier"),
            sender_username=a.get("sender-username"),
            sender_html_url=a.get("sender-html-url"),
            is_pull_request=bool(a.get("is-pull-request")),
            pull_request_number=number if isinstance(number, int) else None,
        )


@dataclass(frozen=True, slots=True)
class ConfigurationVersion:
    id: str
    source: str | None
    status: str | None
    ingress: IngressAttributes | None = None
    upload_url: str | None = None  # only in the answer that creates it: a signed URL, a secret of its own

    @classmethod
    def from_resource(cls, resource: Resource, included: IncludedIndex = _EMPTY) -> ConfigurationVersion:
        a = attrs(resource)
        ingress = related(resource, "ingress-attributes", "ingress-attributes", included)
        upload_url = a.get("upload-url")
        return cls(
            id=str(resource["id"]),
            source=a.get("source"),
            status=a.get("status"),
            ingress=IngressAttributes.from_resource(ingress) if ingress else None,
            upload_url=upload_url if isinstance(upload_url, str) else None,
        )


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    status: str
    has_changes: bool = False
    resource_additions: int = 0
    resource_changes: int = 0
    resource_destructions: int = 0
    resource_imports: int = 0

    @classmethod
    def from_resource(cls, resource: Resource, included: IncludedIndex = _EMPTY) -> Plan:
        a = attrs(resource)
        return cls(
            id=str(resource["id"]),
            status=str(required(resource, "status")),
            has_changes=bool(a.get("has-changes")),
            resource_additions=_int(a.get("resource-additions")),
            resource_changes=_int(a.get("resource-changes")),
            resource_destructions=_int(a.get("resource-destructions")),
            resource_imports=_int(a.get("resource-imports")),
        )


@dataclass(frozen=True, slots=True)
class Apply:
    id: str
    status: str
    resource_additions: int = 0
    resource_changes: int = 0
    resource_destructions: int = 0

    @classmethod
    def from_resource(cls, resource: Resource, included: IncludedIndex = _EMPTY) -> Apply:
        a = attrs(resource)
        return cls(
            id=str(resource["id"]),
            status=str(required(resource, "status")),
            resource_additions=_int(a.get("resource-additions")),
            resource_changes=_int(a.get("resource-changes")),
            resource_destructions=_int(a.get("resource-destructions")),
        )


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    status: str
    message: str | None = None
    source: str | None = None
    created_at: datetime | None = None
    status_timestamps: Mapping[str, datetime] = field(default_factory=dict)
    is_confirmable: bool = False
    is_discardable: bool = False
    is_cancelable: bool = False
    can_apply: bool = False
    has_changes: bool = False
    plan_only: bool = False
    is_destroy: bool = False
    workspace_id: str | None = None
    plan_id: str | None = None
    apply_id: str | None = None
    configuration_version_id: str | None = None
    workspace: Workspace | None = None
    plan: Plan | None = None
    apply: Apply | None = None
    configuration_version: ConfigurationVersion | None = None

    @property
    def ingress(self) -> IngressAttributes | None:
        return self.configuration_version.ingress if self.configuration_version else None

    @property
    def commit_sha(self) -> str | None:
        ingress = self.ingress
        return ingress.commit_sha if ingress else None

    @classmethod
    def from_resource(cls, resource: Resource, included: IncludedIndex = _EMPTY) -> Run:
        a = attrs(resource)
        raw_stamps = a.get("status-timestamps")
        stamps = {
            k: t
            for k, v in (raw_stamps.items() if isinstance(raw_stamps, Mapping) else ())
            if (t := parse_time(v)) is not None
        }
        workspace = related(resource, "workspace", "workspaces", included)
        plan = related(resource, "plan", "plans", included)
        apply = related(resource, "apply", "applies", included)
        cv = related(resource, "configuration-version", "configuration-versions", included)
        return cls(
            id=str(resource["id"]),
            status=str(required(resource, "status")),
            message=a.get("message"),
            source=a.get("source"),
            created_at=parse_time(a.get("created-at")),
            status_timestamps=stamps,
            is_confirmable=nested_bool(resource, "actions", "is-confirmable"),
            is_discardable=nested_bool(resource, "actions", "is-discardable"),
            is_cancelable=nested_bool(resource, "actions", "is-cancelable"),
            can_apply=nested_bool(resource, "permissions", "can-apply"),
            has_changes=bool(a.get("has-changes")),
            plan_only=bool(a.get("plan-only")),
            is_destroy=bool(a.get("is-destroy")),
            workspace_id=related_id(resource, "workspace"),
            plan_id=related_id(resource, "plan"),
            apply_id=related_id(resource, "apply"),
            configuration_version_id=related_id(resource, "configuration-version"),
            workspace=Workspace.from_resource(workspace, included) if workspace else None,
            plan=Plan.from_resource(plan) if plan else None,
            apply=Apply.from_resource(apply) if apply else None,
            configuration_version=ConfigurationVersion.from_resource(cv, included) if cv else None,
        )


@dataclass(frozen=True, slots=True)
class StateResource:
    name: str
    type: str
    count: int
    module: str
    provider: str

    @classmethod
    def from_summary(cls, entry: Mapping[str, Any]) -> StateResource:
        return cls(
            name=str(entry.get("name", "")),
            type=str(entry.get("type", "")),
            count=_int(entry.get("count")),
            module=str(entry.get("module") or "root"),
            provider=str(entry.get("provider", "")),
        )


@dataclass(frozen=True, slots=True)
class StateVersion:
    id: str
    serial: int
    created_at: datetime
    status: str | None = None
    resources_processed: bool = False
    resources: tuple[StateResource, ...] | None = None
    billable_rum_count: int | None = None
    vcs_commit_sha: str | None = None
    workspace_id: str | None = None
    run_id: str | None = None
    download_url: str | None = field(default=None, repr=False)
    json_download_url: str | None = field(default=None, repr=False)

    @classmethod
    def from_resource(cls, resource: Resource, included: IncludedIndex = _EMPTY) -> StateVersion:
        a = attrs(resource)
        created = parse_time(required(resource, "created-at"))
        if created is None:
            raise MalformedResponse(f"state-versions {resource.get('id')}: unreadable created-at")
        summary = a.get("resources")
        billable = a.get("billable-rum-count")
        return cls(
            id=str(resource["id"]),
            serial=_int(required(resource, "serial")),
            created_at=created,
            status=a.get("status"),
            resources_processed=bool(a.get("resources-processed")),
            resources=(
                tuple(StateResource.from_summary(e) for e in summary if isinstance(e, Mapping))
                if isinstance(summary, list)
                else None
            ),
            billable_rum_count=billable if isinstance(billable, int) else None,
            vcs_commit_sha=a.get("vcs-commit-sha"),
            workspace_id=related_id(resource, "workspace"),
            run_id=related_id(resource, "run"),
            download_url=a.get("hosted-state-download-url"),
            json_download_url=a.get("hosted-json-state-download-url"),
        )


@dataclass(frozen=True, slots=True)
class AgentPool:
    id: str
    name: str
    agent_count: int = 0
    organization_scoped: bool = True

    @classmethod
    def from_resource(cls, resource: Resource, included: IncludedIndex = _EMPTY) -> AgentPool:
        a = attrs(resource)
        return cls(
            id=str(resource["id"]),
            name=str(required(resource, "name")),
            agent_count=_int(a.get("agent-count")),
            organization_scoped=bool(a.get("organization-scoped", True)),
        )


@dataclass(frozen=True, slots=True)
class Agent:
    id: str
    name: str | None
    status: str
    ip_address: str | None = None
    last_ping_at: datetime | None = None

    @classmethod
    def from_resource(cls, resource: Resource, included: IncludedIndex = _EMPTY) -> Agent:
        a = attrs(resource)
        return cls(
            id=str(resource["id"]),
            name=a.get("name"),
            status=str(required(resource, "status")),
            ip_address=a.get("ip-address"),
            last_ping_at=parse_time(a.get("last-ping-at")),
        )


@dataclass(frozen=True, slots=True)
class NotificationConfiguration:
    id: str
    name: str
    destination_type: str
    enabled: bool
    url: str | None
    triggers: tuple[str, ...]
    workspace_id: str | None = None

    @classmethod
    def from_resource(cls, resource: Resource, included: IncludedIndex = _EMPTY) -> NotificationConfiguration:
        a = attrs(resource)
        return cls(
            id=str(resource["id"]),
            name=str(required(resource, "name")),
            destination_type=str(required(resource, "destination-type")),
            enabled=bool(a.get("enabled")),
            url=a.get("url"),
            triggers=str_tuple(a.get("triggers")),
            workspace_id=related_id(resource, "subscribable"),
        )


@dataclass(frozen=True, slots=True)
class Comment:
    id: str
    body: str

    @classmethod
    def from_resource(cls, resource: Resource, included: IncludedIndex = _EMPTY) -> Comment:
        return cls(id=str(resource["id"]), body=str(attrs(resource).get("body") or ""))
