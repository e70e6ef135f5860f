"""Run records for the pure tests, built as the client builds them (from models)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tfc.models import Run, Workspace

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def workspace(name: str, pool: str | None = "apool-a", mode: str = "agent", tags: tuple[str, ...] = (),
              current: str | None = None) -> Workspace:
    return Workspace(id=f"ws-{name}", name=name, execution_mode=mode, agent_pool_id=pool, tag_names=tags,
                     current_run_id=current)


def run(run_id: str, status: str, ws: Workspace, *, created_min_ago: float = 30,
        stamps: dict[str, float] | None = None) -> Run:
    """``stamps``: status-timestamp key -> minutes ago."""
    return Run(id=run_id, status=status, workspace=ws, workspace_id=ws.id,
               created_at=NOW - timedelta(minutes=created_min_ago),
               status_timestamps={k: NOW - timedelta(minutes=v) for k, v in (stamps or {}).items()})
