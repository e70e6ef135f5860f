"""The root ``tfc`` command, its global options and the one error boundary that turns errors into exit codes."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Sequence
from typing import Annotated

import typer
from typer._click.exceptions import ClickException

from tfc import __version__
from tfc.cli.context import CliState, OutputFormat, get_state, stderr
from tfc.cli.lazy import LazyGroup, lazy
from tfc.errors import ExitCode, TfcError
from tfc.redact import redact
from tfc.settings import SettingsFlags

EXIT_CODES_HELP = """\
Exit codes: 0 ok · 1 a handled error (message on stderr) · 2 usage error · 3 some items failed or were left \
for a person (commands that batch say so) · 70 an internal error (rerun with --debug) · 130 interrupted.
"""

app = typer.Typer(
    name="tfc",
    help="Batch review/apply, dependency maps and scheduled jobs for Terraform Cloud / Enterprise.\n\n"
    + EXIT_CODES_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,  # a crash must never print locals: they hold the token
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=LazyGroup,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tfc-toolkit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    hostname: Annotated[
        str | None, typer.Option(help="TFC/TFE hostname or URL (env TFE_HOSTNAME; default app.terraform.io).")
    ] = None,
    organization: Annotated[
        str | None, typer.Option("--organization", "-o", help="Organization name (env TFE_ORGANIZATION).")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            help="API token. Prefer TFE_TOKEN, TF_TOKEN_<host> or `terraform login`: flags land in shell history.",
            show_default=False,
        ),
    ] = None,
    sandbox: Annotated[
        str | None,
        typer.Option(
            help="Talk to the built-in TFC sandbox instead of a real TFC: 'demo' or a scenario YAML file.",
            metavar="SCENARIO",
        ),
    ] = None,
    rate_limit: Annotated[
        float | None, typer.Option(help="Client-side requests per second (default 30, TFC's limit).", min=0.1)
    ] = None,
    concurrency: Annotated[int | None, typer.Option(help="Concurrent requests (default 8).", min=1, max=64)] = None,
    output: Annotated[OutputFormat, typer.Option(help="Default output format for commands.")] = OutputFormat.table,
    stats: Annotated[bool, typer.Option("--stats", help="Print API request counts on stderr at the end.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    state = get_state(ctx)
    state.flags = SettingsFlags(
        token=token,
        hostname=hostname,
        organization=organization,
        rate_limit_per_second=rate_limit,
        max_concurrency=concurrency,
    )
    if token:
        state.secrets.append(token)
    state.output, state.stats, state.debug, state.sandbox = output, stats, debug, sandbox
    if stats:
        ctx.call_on_close(lambda: _print_stats(state))


def _print_stats(state: CliState) -> None:
    for client in state.clients:
        stderr.print(f"API requests: {json.dumps(client.stats.as_dict())}")


# Commands are imported when they run (tfc/cli/lazy.py): lazy("module:Typer or register function", NAME="summary").
lazy("tfc.cli.workspaces:app", workspaces="Workspaces of the organization.")
lazy("tfc.cli.runs:app", runs="Runs of the organization.")
# --- registration of capability commands (one line each) ---
lazy("tfc.cli.review:register",
     review="Review the runs of a commit across workspaces: approve by rule, review equal plans once, apply safely.",
     apply="Apply, without prompts, the runs of a commit whose every change a --wildcard rule allows.",
     run="Queue plans in the selected workspaces (tags, name globs, or the workspaces a change affects).",
     status="Where every workspace stands for a commit: planning, needs confirmation, applying, applied, errored…")
lazy("tfc.cli.sandbox:app", sandbox="The built-in TFC-compatible sandbox.")
lazy("tfc.cli.usage:app", usage="Usage reports: resources under management over time.")
lazy("tfc.cli.deps:app", deps="Dependency map: per-workspace trigger patterns from the module graph.")
lazy("tfc.cli.remind:app", remind="Slack reminders of pending applies; reassign and snooze them.")
lazy("tfc.cli.package:app", package="Build deployment packages for the scheduled jobs.")
lazy("tfc.cli.rollout:app", rollout="Staged rollouts: one commit, tier by tier, each only after the last succeeded.")
lazy("tfc.cli.dependabot:app", dependabot="Dependabot config for provider upgrades, generated from a policy.")
lazy("tfc.cli.backup:app", backup="State backups in S3: sweep, verify, restore (the webhook Lambda writes them).")
lazy("tfc.cli.monitor:app", monitor="Agent-pool exhaustion, run queues and slow plans (docs/monitoring.md).")
lazy("tfc.cli.monitor:agents_app", agents="Agent pools: autoscaling recommendations (docs/monitoring.md).")
lazy("tfc.cli.plan:register",
     plan="Speculative impact plans of a change, one canary per shape, grouped into one Markdown summary.")
# --- end of registration ---


def _redact(text: str, secrets: Sequence[str]) -> str:
    """``text`` without this invocation's secrets, any registered secret, bearer credential or signed URL."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return redact(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; the only place that turns exceptions into exit codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    state = CliState(flags=SettingsFlags())
    debug = "--debug" in args
    try:
        result = app(args=args, prog_name="tfc", standalone_mode=False, obj=state)
    except TfcError as exc:
        if debug:
            sys.stderr.write(_redact(traceback.format_exc(), state.secrets))
        sys.stderr.write(_redact(f"tfc: error: {exc}\n", state.secrets))
        return int(exc.exit_code)
    except ClickException as exc:
        exc.show()
        return exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("tfc: interrupted\n")
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:
        if debug:
            sys.stderr.write(_redact(traceback.format_exc(), state.secrets))
        detail = _redact(f"{type(exc).__name__}: {exc}", state.secrets)
        sys.stderr.write(f"tfc: internal error: {detail} (rerun with --debug for the traceback)\n")
        return 70
    return result if isinstance(result, int) else 0
