"""Subcommands imported when they run, not at start-up: `tfc deps …` never loads Slack, boto3 or Flask.

``tfc --help`` lists every command, so it imports the command modules (which keep their heavy libraries to the
functions that need them); running one command imports only its own module.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer._click import Command, Context
from typer.core import TyperGroup

# command name -> "module:attribute": a Typer (the command group), or a function that registers commands on a Typer
COMMANDS: dict[str, str] = {}


def lazy(names: str, target: str) -> None:
    """Register ``target`` under each space-separated command name (one line per capability in app.py)."""
    for name in names.split():
        COMMANDS[name] = target


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

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in COMMANDS if n not in self.commands)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in COMMANDS:
            return found
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = load(cmd_name)
        return self._loaded[cmd_name]
