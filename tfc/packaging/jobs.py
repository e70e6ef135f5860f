"""The scheduled jobs that run as AWS Lambda functions, and where each one's handler lives."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LambdaJob:
    name: str
    handler: str  # "module.function", as Lambda's handler setting takes it
    summary: str

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]


JOBS: tuple[LambdaJob, ...] = (
    LambdaJob("notifier", "notifier.lambda_handler.handler", "Slack reminders of pending applies (every 10 min)"),
    LambdaJob("usage-report", "reporting.lambda_handler.handler", "monthly resources-under-management report"),
    LambdaJob("backup-webhook", "backup.lambda_handler.webhook", "state backup on TFC's run:completed webhook"),
    LambdaJob("backup-sweep", "backup.lambda_handler.sweep", "daily sweep for backups a webhook missed"),
    LambdaJob("monitor", "monitor.lambda_handler.handler", "agent pools, queue and plan-time monitoring"),
)


def select_jobs(names: list[str]) -> list[LambdaJob]:
    """The named jobs (all when ``names`` is empty); an unknown name is an error naming the known ones."""
    if not names:
        return list(JOBS)
    known = {job.name: job for job in JOBS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise KeyError(f"unknown job {', '.join(unknown)}; known jobs: {', '.join(known)}")
    return [known[name] for name in names]
