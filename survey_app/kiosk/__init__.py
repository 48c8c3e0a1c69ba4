"""Counter kiosk: a tablet enrolled for one counter that takes the survey by touch, offline too."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the kiosk page, its JSON API (no CSRF cookie: a credential header instead) and
    the staff page."""
    from ..extensions import csrf
    from .api import bp as api_bp
    from .staff import bp as staff_bp
    from .views import bp as pages_bp

    csrf.exempt(api_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(staff_bp)
