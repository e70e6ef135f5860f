"""Monitor settings: from the Lambda's environment (every variable is in docs/monitoring.md) or from CLI flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from monitor.exhaustion import Window
from monitor.scaling import ScalePolicy
from tfc.errors import ConfigError


@dataclass(frozen=True, slots=True)
class EcsTarget:
    cluster: str
    service: str


@dataclass(frozen=True, slots=True)
class MonitorConfig:
    window: Window = field(default_factory=Window)
    plan_threshold: timedelta = timedelta(minutes=4)
    plan_selector: tuple[str, ...] = ("tier:dev",)
    oncall_channel: str = "#tfc-oncall"
    scale: ScalePolicy = field(default_factory=ScalePolicy)
    ecs_services: dict[str, EcsTarget] = field(default_factory=dict)  # pool name -> ECS service
    scale_apply: bool = False  # set ECS desired counts (otherwise the recommendation is only reported)
    namespace: str = "TfcToolkit/Monitor"


def parse_selector(text: str) -> tuple[str, ...]:
    """``tier:dev`` or ``tier:dev,team:net`` (every tag required); empty selects every workspace."""
    return tuple(t.strip() for t in text.split(",") if t.strip())


def parse_ecs_services(text: str, where: str) -> dict[str, EcsTarget]:
    """``pool=cluster/service`` pairs separated by commas."""
    out = {}
    for entry in (e.strip() for e in text.split(",") if e.strip()):
        pool, _, target = entry.partition("=")
        cluster, _, service = target.partition("/")
        if not pool or not cluster or not service:
            raise ConfigError(f"{where}: {entry!r}: expected POOL=CLUSTER/SERVICE")
        out[pool.strip()] = EcsTarget(cluster.strip(), service.strip())
    return out


def _number(raw: str | None, name: str, default: float, *, minimum: float) -> float:
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected a number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name}: must be at least {minimum:g}, got {raw!r}")
    return value


def _minutes(raw: str | None, name: str, default: float, minimum: float = 0) -> timedelta:
    return timedelta(minutes=_number(raw, name, default, minimum=minimum))


def _count(raw: str | None, name: str, default: int, minimum: int = 0) -> int:
    return int(_number(raw, name, default, minimum=minimum))


def _flag(raw: str | None, name: str) -> bool:
    value = (raw or "false").strip().lower()
    if value not in ("true", "false", "1", "0"):
        raise ConfigError(f"{name}: expected true or false, got {raw!r}")
    return value in ("true", "1")


def from_env(env: Mapping[str, str]) -> MonitorConfig:
    """Each variable is read by its literal name (the Terraform contract test reads them from this source)."""
    scale = ScalePolicy(
        min_agents=_count(env.get("MONITOR_MIN_AGENTS"), "MONITOR_MIN_AGENTS", 1),
        max_agents=_count(env.get("MONITOR_MAX_AGENTS"), "MONITOR_MAX_AGENTS", 100),
        headroom=_count(env.get("MONITOR_HEADROOM"), "MONITOR_HEADROOM", 1),
        target_wait=_minutes(env.get("MONITOR_TARGET_WAIT_MINUTES"), "MONITOR_TARGET_WAIT_MINUTES", 2),
        default_run_time=_minutes(env.get("MONITOR_DEFAULT_RUN_MINUTES"), "MONITOR_DEFAULT_RUN_MINUTES", 5, 0.1),
        scale_in_cooldown=_minutes(env.get("MONITOR_SCALE_IN_COOLDOWN_MINUTES"),
                                   "MONITOR_SCALE_IN_COOLDOWN_MINUTES", 15))
    if scale.min_agents > scale.max_agents:
        raise ConfigError(f"MONITOR_MIN_AGENTS ({scale.min_agents}) is above MONITOR_MAX_AGENTS ({scale.max_agents})")
    window = Window(
        exhausted_after=_minutes(env.get("MONITOR_EXHAUSTED_MINUTES"), "MONITOR_EXHAUSTED_MINUTES", 10, 1),
        recovered_after=_minutes(env.get("MONITOR_RECOVERED_MINUTES"), "MONITOR_RECOVERED_MINUTES", 5, 1),
        recover_idle=_count(env.get("MONITOR_RECOVER_IDLE"), "MONITOR_RECOVER_IDLE", 1, 1),
        max_gap=_minutes(env.get("MONITOR_MAX_GAP_MINUTES"), "MONITOR_MAX_GAP_MINUTES", 5, 1))
    return MonitorConfig(
        window=window,
        plan_threshold=_minutes(env.get("MONITOR_PLAN_THRESHOLD_MINUTES"), "MONITOR_PLAN_THRESHOLD_MINUTES", 4, 0.1),
        plan_selector=parse_selector(env.get("MONITOR_PLAN_SELECTOR", "tier:dev")),
        oncall_channel=env.get("MONITOR_ONCALL_CHANNEL") or "#tfc-oncall",
        scale=scale,
        ecs_services=parse_ecs_services(env.get("MONITOR_ECS_SERVICES", ""), "MONITOR_ECS_SERVICES"),
        scale_apply=_flag(env.get("MONITOR_SCALE_APPLY"), "MONITOR_SCALE_APPLY"),
        namespace=env.get("MONITOR_METRICS_NAMESPACE") or "TfcToolkit/Monitor",
    )
