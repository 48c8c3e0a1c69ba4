"""Bahasa Indonesia first, English on request (?lang=en, remembered in the session)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel

LANGUAGES = ("id", "en")


def select_locale() -> str:
    """Language from ?lang=, then the session, then Bahasa Indonesia (always, outside requests)."""
    if not has_request_context():
        return "id"
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        session["lang"] = wanted
        return wanted
    stored = session.get("lang")
    return stored if stored in LANGUAGES else "id"


def current_lang() -> str:
    """The language of this request, chosen once."""
    if "lang" not in g:
        g.lang = select_locale()
    return g.lang  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and expose the language to templates."""
    from . import formats, profile

    Babel(app, locale_selector=current_lang)
    formats.register(app.jinja_env)
    app.jinja_env.globals["profile_groups"] = profile.ordered_groups
    app.context_processor(lambda: {"lang": current_lang(), "languages": LANGUAGES,
                                   "lang_href": lang_href})


def lang_href(code: str) -> str:
    """This page in another language: the query string kept, `lang` replaced."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode([*args, ("lang", code)])
