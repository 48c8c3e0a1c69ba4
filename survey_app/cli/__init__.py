"""The `survey-app` command group (also reachable as `flask --app survey_app`)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext


def register(app: Flask) -> None:
    """Attach every command to the app's CLI group."""
    from ..wbs.cli import COMMANDS as WBS_COMMANDS
    from . import data, export, org, results, zi

    for command in (*data.COMMANDS, *org.COMMANDS, *results.COMMANDS, *export.COMMANDS,
                    *zi.COMMANDS, *WBS_COMMANDS):
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


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
def main() -> None:
    """Zona Integritas survey service."""
