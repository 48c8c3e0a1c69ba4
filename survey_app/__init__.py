"""Zona Integritas survey service: create_app() builds the Flask application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(**overrides: Any) -> Flask:
    """Build the app: configuration, extensions, blueprints, error pages, CLI."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_relative_config=True,
    )
    _configure(app, overrides)
    _clean_inputs(app)
    _trust_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)
    return app


def _configure(app: Flask, overrides: dict[str, Any]) -> None:
    from .config import Config

    testing = bool(overrides.pop("TESTING", False))
    config = Config.from_env(Path(app.instance_path), **overrides)
    app.config.update(
        SURVEY=config,
        SECRET_KEY=config.secret_key,
        TESTING=testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=config.base_url.startswith("https"),
        MAX_CONTENT_LENGTH=64 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
        BABEL_DEFAULT_LOCALE="id",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
    )


def _clean_inputs(app: Flask) -> None:
    from . import gate
    from .inputs import BoundedIntConverter, CleanRequest

    app.request_class = CleanRequest
    app.url_map.converters["int"] = BoundedIntConverter
    gate.init_app(app)


def _trust_proxies(app: Flask) -> None:
    """The client address and scheme as the trusted proxies saw them (PROXY_COUNT of them).

    X-Forwarded-For is read by clientaddr, not ProxyFix: see that module for why."""
    proxies = app.config["SURVEY"].proxy_count
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        from .clientaddr import TrustedForwardedFor

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=0, x_proto=proxies)  # type: ignore[method-assign]
        app.wsgi_app = TrustedForwardedFor(app.wsgi_app, proxies)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    from . import errors, i18n, security, startup
    from .db import db
    from .extensions import csrf
    from .ratelimit import make_store
    from .signing import SessionInterface
    from .survey.cache import TTLCache

    app.session_interface = SessionInterface()  # Flask's cookie, its serializer built once
    db.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    startup.init_app(app)  # start-up checks, logged
    app.extensions["rate_store"] = make_store(app.config["SURVEY"].redis_url)
    app.extensions["survey_cache"] = TTLCache()
    app.jinja_env.filters["round_half_up"] = _round_half_up


def _round_half_up(value: float, ndigits: int = 2) -> float:
    from analysis import round_half_up

    return round_half_up(value, ndigits)


def _register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .cli import register
    from .health import bp as health_bp
    from .imports.views import bp as imports_bp
    from .integrity import init_app as init_integrity
    from .kiosk import init_app as init_kiosk
    from .results.combined_views import bp as combined_bp
    from .results.group_public import bp as group_public_bp
    from .results.group_views import bp as groups_bp
    from .results.public import bp as public_bp
    from .results.views import bp as results_bp
    from .survey.views import bp as survey_bp
    from .wbs import init_app as init_wbs
    from .zi.views import bp as zi_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(zi_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(combined_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(group_public_bp)
    init_wbs(app)
    init_kiosk(app)
    init_integrity(app)
    register(app)
