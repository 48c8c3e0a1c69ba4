"""The kiosk's pages: the app shell, the enrolment page and the service worker script."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, render_template, send_file

from ..i18n import LANGUAGES
from .texts import ui_texts

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
STATIC = Path(__file__).resolve().parent.parent / "static" / "kiosk"


@bp.get("/")
def app_shell() -> str:
    """The same page for every kiosk: who it is comes from the credential the browser holds."""
    return render_template("kiosk/app.html", texts={lang: ui_texts(lang) for lang in LANGUAGES})


@bp.get("/enrol/<token>")
def enrol(token: str) -> str:
    """Opening the link enrols this browser (its script spends the token): a link preview that
    runs no script spends nothing."""
    return render_template("kiosk/enrol.html", token=token[:200],
                           texts={lang: ui_texts(lang) for lang in LANGUAGES})


@bp.get("/sw.js")
def service_worker() -> Response:
    """Served under /kiosk/ so that it may control the kiosk pages; always revalidated."""
    response = send_file(STATIC / "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
