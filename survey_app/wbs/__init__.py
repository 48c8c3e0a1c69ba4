"""Anonymous whistle-blowing (WBS): intake, receipts, encryption at rest, officer triage."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from .config import WbsConfig


def settings() -> WbsConfig:
    """The WBS settings of the current app."""
    config: WbsConfig = current_app.extensions["wbs"]
    return config


def init_app(app: Flask) -> None:
    """Settings, log scrubbing and the reporter's and officers' blueprints."""
    from ..extensions import csrf
    from . import case_views, logfilter, reseal
    from .views import bp

    app.extensions["wbs"] = WbsConfig.from_env(Path(app.instance_path))
    logfilter.install()
    reseal.init_app(app)
    # Uploads and long notes need a larger body than the app's default: each blueprint raises
    # the limits, then checks CSRF itself (the app-wide check would parse the body too early).
    csrf.exempt(bp)
    csrf.exempt(case_views.bp)
    app.register_blueprint(bp)
    app.register_blueprint(case_views.bp)  # the officers' blueprint, case routes included
