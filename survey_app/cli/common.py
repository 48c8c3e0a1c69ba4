"""Helpers shared by the commands: one-line errors, never a traceback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from typing import Any, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError

from analysis.index import WEIGHT_MODES
from instruments import InstrumentError

from .. import inputs
from ..orgs import OrgError

F = TypeVar("F", bound=Callable[..., Any])

weights_option = click.option(
    "--weights", type=click.Choice([mode.value for mode in WEIGHT_MODES]),
    default=WEIGHT_MODES[0].value, show_default=True,
    help="compat-0.111 reproduces old reports (caps at 99.9).")


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn expected failures into a one-line message and exit status 1."""
    try:
        yield
    except (OrgError, InstrumentError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{exc.strerror or exc}: {exc.filename or ''}".strip()) \
            from None
    except SQLAlchemyError as exc:
        message = str(exc.orig if hasattr(exc, "orig") and exc.orig else exc).splitlines()[0]
        raise click.ClickException(f"database error: {message}") from None
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as exc:  # noqa: BLE001 - a CLI user gets one line, never a traceback
        raise click.ClickException(f"unexpected error: {type(exc).__name__}: {exc}") from None


def friendly(func: F) -> F:
    """Decorator form of friendly_errors."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with friendly_errors():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def parse_date(value: str, name: str) -> date:
    """A YYYY-MM-DD date or a one-line error naming the option."""
    try:
        return inputs.parse_date(value)
    except ValueError:
        raise click.ClickException(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None
