"""The rollout's progress on disk, so Ctrl-C, a lost laptop or a CI timeout never loses track of what was applied."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tfc.atomic import PRIVATE, write_atomically
from tfc.errors import ConfigError
from tfc.rollout.decide import Phase

STATE_VERSION = 1


@dataclass
class TierRecord:
    phase: Phase = Phase.PENDING
    started_at: str | None = None
    finished_at: str | None = None  # when its applies ended (the soak counts from here)
    applied: list[str] = field(default_factory=list)  # run ids this rollout confirmed
    counts: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


@dataclass
class RolloutState:
    organization: str
    commit: str
    tiers: list[str]
    records: dict[str, TierRecord] = field(default_factory=dict)
    opened_gates: list[str] = field(default_factory=list)

    def record(self, tier: str) -> TierRecord:
        return self.records.setdefault(tier, TierRecord())

    def phases(self) -> dict[str, Phase]:
        return {tier: record.phase for tier, record in self.records.items()}

    def to_json(self) -> str:
        document: dict[str, Any] = {"version": STATE_VERSION, **asdict(self)}
        return json.dumps(document, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, where: Path) -> RolloutState:
        try:
            raw = json.loads(text)
            if raw.get("version") != STATE_VERSION:
                raise ValueError(f"version {raw.get('version')!r}")
            records = {str(t): TierRecord(phase=Phase(r["phase"]), started_at=r.get("started_at"),
                                          finished_at=r.get("finished_at"), applied=list(r.get("applied", [])),
                                          counts=dict(r.get("counts", {})), reasons=list(r.get("reasons", [])))
                       for t, r in raw.get("records", {}).items()}
            return cls(str(raw["organization"]), str(raw["commit"]), [str(t) for t in raw["tiers"]], records,
                       [str(g) for g in raw.get("opened_gates", [])])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{where}: not a rollout state file this version understands ({exc})") from None


def default_state_path(organization: str, commit: str, environ: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if environ is None else environ
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "tfc" / "rollouts" / organization / f"{commit}.json"


class StateFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> RolloutState | None:
        if not self.path.is_file():
            return None
        return RolloutState.from_json(self.path.read_text(encoding="utf-8"), self.path)

    def save(self, state: RolloutState) -> None:
        write_atomically(self.path, state.to_json().encode(), mode=PRIVATE)
