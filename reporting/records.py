"""What a usage report is computed from: workspaces and the resource summaries of their state versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ResourceCount:
    type: str  # e.g. aws_s3_bucket, or data.aws_ami for a data source
    provider: str  # short name, e.g. hashicorp/aws
    count: int  # instances


@dataclass(frozen=True, slots=True)
class VersionSummary:
    id: str
    serial: int
    created_at: datetime
    resources: tuple[ResourceCount, ...]
    billable: int | None = None  # TFC's billable-rum-count for the version, where the API gives it
    skipped: str | None = None  # why the version could not be counted; it is left out of every series


@dataclass(frozen=True, slots=True)
class WorkspaceHistory:
    id: str
    name: str
    tags: tuple[str, ...]
    created_at: datetime | None
    versions: tuple[VersionSummary, ...] = ()  # oldest first
    deleted_at: datetime | None = None  # seen in an earlier run, gone since
    current_state_version_id: str | None = None

    def tag_value(self, key: str) -> str | None:
        prefix = key + ":"
        return next((t[len(prefix):] for t in self.tags if t.startswith(prefix)), None)


@dataclass(frozen=True, slots=True)
class FetchStats:
    workspaces: int = 0
    workspaces_fetched: int = 0
    versions_fetched: int = 0
    state_files_downloaded: int = 0  # versions without a resource summary
    requests: int = 0
    notes: list[str] = field(default_factory=list)
