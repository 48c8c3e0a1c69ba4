"""Error pages: a clear message, never a traceback."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You do not have access to this page."),
    404: _l("Page not found. Check the address or scan the QR code again."),
    405: _l("This action is not allowed here."),
    413: _l("What you sent is too large."),
    429: _l("Too many attempts. Please wait a few minutes and try again."),
    500: _l("Something went wrong on our side. Nothing you sent was half-saved; please try again."),
}
# After a POST the work may have been stored before the failure: never ask to send it again.
AFTER_POST = _l("Something went wrong on our side while finishing your request. What you sent "
                "may already be saved: please do not send it again now.")
BUSY = _l("The service is busy for a moment. Please reload this page in a minute.")
BUSY_AFTER_POST = _l("The service is busy for a moment, so we could not confirm whether what you "
                     "sent was saved. Please do not send it again right away.")


def _render(code: int, message: object) -> tuple[str, int]:
    try:
        return render_template("errors/error.html", code=code, message=message), code
    except Exception:  # the page itself failed (e.g. no URL adapter): plain words still go out
        current_app.logger.exception("error page failed")
        return f"<!doctype html><title>{code}</title><p>{escape(str(message))}</p>", code


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors, CSRF failures and crashes."""

    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError) -> tuple[str, int]:
        return _render(
            400, _l("This form has expired or was not sent from our page. Please reload it.")
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        return _render(code, MESSAGES.get(code, exc.description))

    @app.errorhandler(Exception)
    def crash(exc: Exception) -> tuple[str, int]:
        posted = request.method not in ("GET", "HEAD", "OPTIONS")
        if isinstance(exc, (OperationalError, InterfaceError)):  # the database is away
            app.logger.warning("database unavailable: %s", type(getattr(exc, "orig", exc)).__name__)
            return _render(503, BUSY_AFTER_POST if posted else BUSY)
        app.logger.exception("unhandled error")
        return _render(500, AFTER_POST if posted else MESSAGES[500])
