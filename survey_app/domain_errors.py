"""Typed domain errors: a message id and its parameters, put into words where they are shown.

Domain code raises `NoData(N_("no %(slug)s answers for %(where)s"), slug=..., where=...)` and
never calls gettext itself; a page shows `exc.message()` (the msgid translated into the
request's language, parameters filled in), a CLI shows `str(exc)` (the English text). A
parameter that is itself a `Msg` or a `DomainError` is worded the same way, so parts nest.

Only expected conditions are domain errors. A plain `ValueError` from `analysis/` is bad input
to a pure function, i.e. a bug here, and reaches the error page instead of reading as
"no data".
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext


def N_(msgid: str) -> str:  # noqa: N802 - the gettext marker babel extracts
    """Mark a msgid for extraction; it is translated where it is shown."""
    return msgid


class Msg:
    """A msgid with its parameters: English by `str()`, translated by `message()`."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid, self.params = msgid, params

    def __str__(self) -> str:
        return self.msgid % self.params if self.params else self.msgid

    def __repr__(self) -> str:
        return f"Msg({str(self)!r})"

    def message(self) -> str:
        """The message in the current request's language."""
        if not self.params:
            return gettext(self.msgid)
        return gettext(self.msgid, **{k: v.message() if isinstance(v, Msg | DomainError) else v
                                      for k, v in self.params.items()})


class DomainError(ValueError):
    """An expected refusal or condition, as a msgid with parameters.

    A `ValueError` so callers that catch bad input (the CLI) keep working; views catch
    `DomainError` (or a subclass), never a bare `ValueError`.
    """

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msg = Msg(msgid, **params)
        super().__init__(str(self.msg))

    @property
    def msgid(self) -> str:
        """The untranslated message id."""
        return self.msg.msgid

    @property
    def params(self) -> dict[str, Any]:
        """The parameters the message is filled with."""
        return self.msg.params

    def message(self) -> str:
        """The message in the current request's language."""
        return self.msg.message()


class NoData(DomainError):
    """The selection holds nothing to compute (no answers, or too few for the weights)."""
