"""The `survey-app` command group (also reachable as `flask --app survey_app`)."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup, with_appcontext


class OneLineUsageError(click.ClickException):
    """A usage error shown as the contract asks: one line, no usage text, exit status 2."""

    exit_code = 2


class OneLineErrors(click.Group):
    """Turn click's usage errors (bad option, missing argument, bad type) into one line."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise OneLineUsageError(exc.format_message()) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise OneLineUsageError(exc.format_message()) from None


class OneLineAppGroup(OneLineErrors, AppGroup):
    """The app's own command group (what `flask --app survey_app` and the tests run)."""


class OneLineFlaskGroup(OneLineErrors, FlaskGroup):
    """The `survey-app` entry point."""


def register(app: Flask) -> None:
    """Attach every command to the app's CLI group."""
    from . import data, export, groups, kiosk, org, results, zi
    from . import integrity as integrity_cli
    from . import rollups as rollups_cli
    from .check import COMMANDS as CHECK_COMMANDS
    from .wbs import COMMANDS as WBS_COMMANDS

    group = OneLineAppGroup(app.cli.name)
    group.commands.update(app.cli.commands)
    app.cli = group

    for command in (*data.COMMANDS, *org.COMMANDS, *results.COMMANDS, *export.COMMANDS,
                    *zi.COMMANDS, *WBS_COMMANDS, *kiosk.COMMANDS,
                    *integrity_cli.COMMANDS, *CHECK_COMMANDS, *groups.COMMANDS,
                    *rollups_cli.COMMANDS):
        _in_app_context(command)
        app.cli.add_command(command)


def _in_app_context(command: click.Command) -> None:
    """Run every (sub)command inside the app context, as `app.cli.command` would."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _in_app_context(sub)
    elif command.callback is not None and not getattr(command, "_in_app_ctx", False):
        command.callback = with_appcontext(command.callback)
        command._in_app_ctx = True  # type: ignore[attr-defined]


def _create_app() -> Flask:
    from survey_app import create_app

    return create_app()


@click.group(cls=OneLineFlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
def main() -> None:
    """Zona Integritas survey service."""
