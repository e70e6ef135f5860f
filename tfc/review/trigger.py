"""``tfc run``: queue plans in the selected workspaces, once each, reporting every failure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tfc.client import TfcClient
from tfc.errors import TfcError
from tfc.models import Workspace


@dataclass(frozen=True, slots=True)
class Triggered:
    workspace: Workspace
    run_id: str | None
    error: str | None = None


def trigger_runs(
    client: TfcClient,
    workspaces: Sequence[Workspace],
    message: str,
    *,
    on_done: Callable[[Triggered], None] | None = None,
) -> list[Triggered]:
    """Create one run per workspace. A failed create is reported, not retried: creating twice queues twice."""

    def work(workspace: Workspace) -> Triggered:
        try:
            run = client.create_run(workspace.id, message=message)
            result = Triggered(workspace, run.id)
        except TfcError as exc:
            result = Triggered(workspace, None, str(exc))
        if on_done is not None:
            on_done(result)
        return result

    return client.map(work, workspaces)
