"""The optional scaling action: set an ECS service's desired count, after reading the service fresh."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitor.config import EcsTarget


@dataclass(frozen=True, slots=True)
class ScaleAction:
    cluster: str
    service: str
    before: int | None
    desired: int
    action: str  # "set", "would set", "unchanged", "failed"
    detail: str = ""


def desired_count(ecs: Any, target: EcsTarget) -> int | None:
    """The service's desired count now, or ``None`` when ECS does not know the service (or cannot be asked)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        found = ecs.describe_services(cluster=target.cluster, services=[target.service]).get("services") or []
    except (ClientError, BotoCoreError):
        return None
    active = [s for s in found if s.get("status") == "ACTIVE"]
    return int(active[0]["desiredCount"]) if active else None


def set_desired(ecs: Any, target: EcsTarget, desired: int, *, dry_run: bool) -> ScaleAction:
    from botocore.exceptions import BotoCoreError, ClientError

    def outcome(before: int | None, action: str, detail: str = "") -> ScaleAction:
        return ScaleAction(target.cluster, target.service, before, desired, action, detail)

    before = desired_count(ecs, target)
    if before is None:
        return outcome(None, "failed", f"no active service {target.service} in cluster {target.cluster}")
    if before == desired:
        return outcome(before, "unchanged")
    if dry_run:
        return outcome(before, "would set", f"{before} → {desired}")
    try:
        ecs.update_service(cluster=target.cluster, service=target.service, desiredCount=desired)
    except (ClientError, BotoCoreError) as exc:
        return outcome(before, "failed", f"{target.cluster}/{target.service}: {type(exc).__name__}")
    return outcome(before, "set", f"{before} → {desired}")
