"""Subcommands imported when they run, not at start-up: `tfc deps …` never loads Slack, boto3 or Flask.

Each command is registered with the one-line summary ``tfc --help`` lists, so listing them imports no command
module (a test checks each summary against the command's own help); running one command imports only its module.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer._click import Command, Context, HelpFormatter
from typer.core import TyperCommand, TyperGroup

# command name -> "module:attribute": a Typer (the command group), or a function that registers commands on a Typer
COMMANDS: dict[str, str] = {}
# command name -> the first paragraph of its help, as `tfc --help` shows it
SUMMARIES: dict[str, str] = {}


def lazy(target: str, **summaries: str) -> None:
    """Register the commands ``target`` provides, each with its summary (one call per capability in app.py)."""
    for name, summary in summaries.items():
        COMMANDS[name] = target
        SUMMARIES[name] = summary


def load(name: str) -> Command:
    module_name, _, attribute = COMMANDS[name].partition(":")
    found = getattr(importlib.import_module(module_name), attribute)
    if isinstance(found, typer.Typer):
        group = typer.main.get_group(found)
        group.name = name
        return group
    scratch = typer.Typer()
    found(scratch)  # a register(app) function: let it register on a scratch app and take our command
    command: Command = typer.main.get_group(scratch).commands[name]
    return command


class LazyGroup(TyperGroup):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._loaded: dict[str, Command] = {}
        self._listing = False

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The help page lists commands by their registered summaries: nothing is imported to show it."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in COMMANDS if n not in self.commands)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in COMMANDS:
            return found
        if self._listing and cmd_name not in self._loaded:
            return TyperCommand(cmd_name, help=SUMMARIES[cmd_name])
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = load(cmd_name)
        return self._loaded[cmd_name]
