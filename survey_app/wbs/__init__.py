"""Anonymous whistle-blowing (WBS): intake, receipts, encryption at rest, officer triage.

reporter/ holds the anonymous side (form, receipt, follow-up), officer/ the officers' side
(login, queue, cases, recap); the modules here are shared by both: settings (config), crypto,
receipt codes, states, deadlines, routing, evidence checks and storage, the audit log, reseal,
log scrubbing. Commands: survey_app/cli/wbs.py.
"""

from __future__ import annotations

import logging
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
    from . import logfilter, reseal
    from .officer.views import bp as officer_bp
    from .reporter.views import bp as reporter_bp

    app.extensions["wbs"] = WbsConfig.from_env(Path(app.instance_path))
    _warn_about_old_files(app.extensions["wbs"].files_dir)
    logfilter.install()
    reseal.init_app(app)
    # Uploads and long notes need a larger body than the app's default: each blueprint raises
    # the limits, then checks CSRF itself (the app-wide check would parse the body too early).
    csrf.exempt(reporter_bp)
    csrf.exempt(officer_bp)
    app.register_blueprint(reporter_bp)
    app.register_blueprint(officer_bp)


def _warn_about_old_files(folder: Path) -> None:
    """Evidence files left from before revision 0011 are not read any more: say so."""
    if folder.is_dir() and any(folder.iterdir()):
        logging.getLogger(__name__).warning(
            "WBS: %s still holds files; evidence now lives in the database: run "
            "`survey-app init-db` to move them there", folder)
