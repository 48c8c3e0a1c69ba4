"""Typed configuration read from the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


class ConfigError(RuntimeError):
    """Raised when the environment does not give a usable configuration."""


def _secret_key(instance_path: Path, production: bool) -> str:
    """Return SECRET_KEY, generating one into the instance folder for local use."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set in production (SURVEY_ENV=production)")
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class Config:
    """Everything the app reads from the environment, once, at start-up."""

    database_url: str
    secret_key: str
    base_url: str
    redis_url: str | None
    production: bool
    saran_max_chars: int = 1000
    proxy_count: int = 0  # reverse proxies in front whose X-Forwarded-For is trusted
    survey_rate_limit: tuple[int, int] = (60, 600)  # submissions per window (s) per client+counter
    login_rate_limit: tuple[int, int] = (10, 300)

    @classmethod
    def from_env(cls, instance_path: Path, **overrides: object) -> Config:
        """Build the configuration from environment variables and explicit overrides."""
        production = os.environ.get("SURVEY_ENV", "development") == "production"
        values: dict[str, object] = {
            "database_url": os.environ.get("DATABASE_URL")
            or f"sqlite:///{instance_path / 'survey.sqlite3'}",
            "base_url": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            "redis_url": os.environ.get("REDIS_URL") or None,
            "production": production,
            "proxy_count": int(os.environ.get("PROXY_COUNT", "0") or 0),
        }
        values.update(overrides)
        if "secret_key" not in values:
            values["secret_key"] = _secret_key(instance_path, production)
        return cls(**values)  # type: ignore[arg-type]
