"""The `survey-app` command group (also reachable as `flask --app survey_app`)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def register(app: Flask) -> None:
    """Attach every command to the app's CLI group."""
    from . import data, org

    for command in (*data.COMMANDS, *org.COMMANDS):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from survey_app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
def main() -> None:
    """Zona Integritas survey service."""
