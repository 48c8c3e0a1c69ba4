"""Survey integrity in the app: audit log, checks over stored responses, quarantine, and
verifiable publications (the signals themselves are pure, in analysis/integrity/)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the integrity pages, the public verification page and the panel's Jinja global."""
    from .panel import integrity_panel, kind_name
    from .stamp import stamp_for_publication
    from .verdicts import make_store
    from .views import bp, public_bp

    # Verification verdicts, shared by every app server through Redis when configured.
    app.extensions["verdict_store"] = make_store(app.config["SURVEY"].redis_url)
    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
    app.jinja_env.globals["integrity_panel"] = integrity_panel
    app.jinja_env.globals["publication_stamp"] = stamp_for_publication
    app.jinja_env.globals["integrity_kind_name"] = kind_name
