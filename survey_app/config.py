"""Typed configuration read from the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


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


def _trusted_hosts(base_url: str, production: bool) -> tuple[str, ...]:
    """TRUSTED_HOSTS (comma-separated, `*` = any); in production by default BASE_URL's host and
    the loopback names a local health check uses, elsewhere any well-formed host."""
    raw = os.environ.get("TRUSTED_HOSTS")
    if raw is not None:
        names = tuple(h.strip().lower() for h in raw.split(",") if h.strip())
        return () if "*" in names else names
    if not production:
        return ()
    name = (urlsplit(base_url).hostname or "").lower()
    return (f"[{name}]" if ":" in name else name, "localhost", "127.0.0.1", "[::1]")


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
    trusted_hosts: tuple[str, ...] = ()  # Host names answered; empty: any well-formed name
    survey_rate_limit: tuple[int, int] = (60, 600)  # submissions per window (s) per client+counter
    login_rate_limit: tuple[int, int] = (10, 300)
    kiosk_rate_limit: tuple[int, int] = (120, 600)  # submissions per window (s) per kiosk+counter

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
        if "trusted_hosts" not in values:
            values["trusted_hosts"] = _trusted_hosts(str(values["base_url"]),
                                                     bool(values["production"]))
        if "secret_key" not in values:
            values["secret_key"] = _secret_key(instance_path, production)
        return cls(**values)  # type: ignore[arg-type]
