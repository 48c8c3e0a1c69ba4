"""WBS settings, read once from the environment (WBS_*), frozen like the app's Config."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nacl.pwhash import argon2id

from ..config import ConfigError
from ..inputs import parse_int

MB = 1024 * 1024


def _int(name: str, default: int, hi: int) -> int:
    """A whole number from 0 to `hi` in an environment variable; ConfigError naming it."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    number = parse_int(value, 0, hi)
    if number is None:
        raise ConfigError(f"{name} must be a whole number from 0 to {hi}, not {value[:20]!r}")
    return number


@dataclass(frozen=True)
class WbsConfig:
    """Limits, deadlines and key-derivation cost of the whistle-blowing channel."""

    # Where evidence files lived before revision 0011 moved them into the database: read only
    # by that migration (WBS_FILES_DIR, default instance/wbs_files), never written.
    files_dir: Path
    ack_days: int = 3
    verify_days: int = 14
    resolve_days: int = 60
    cuti_bersama: bool = True  # also skip the government's collective leave days
    max_files: int = 3
    max_file_bytes: int = 10 * MB
    max_text_chars: int = 20_000  # per 5W1H field
    max_contact_chars: int = 500
    max_image_pixels: int = 40_000_000  # per image, read from the header before decoding
    # Megapixels of images decoded (to clean them) per window, whole instance: bounds the CPU
    # and memory refused or hostile images can cost (20 reports of 3 photos of 24 MP fit).
    image_rate: tuple[int, int] = (1440, 60)
    submit_rate: tuple[int, int] = (20, 60)  # reports per window (s), for the whole instance
    unlock_rate: tuple[int, int] = (60, 60)  # receipt attempts per window, whole instance
    login_rate: tuple[int, int] = (10, 300)  # officer logins per window and account
    session_fails: int = 5  # wrong receipts in one browser session before a pause
    session_pause: int = 900
    officer_session_hours: int = 8
    # Argon2id cost of a receipt or officer-password key (about 0.25 s, 64 MiB). Receipt lookup
    # ids depend on it: never change it on a running instance (tests lower it).
    kdf_ops: int = 3
    kdf_mem: int = 64 * MB

    @property
    def max_request_bytes(self) -> int:
        """The body a report or an answer may have: all files plus the text fields."""
        return self.max_files * (self.max_file_bytes + 64 * 1024) + 2 * MB

    @property
    def max_text_request_bytes(self) -> int:
        """The body an officer's note may have: max_text_chars characters of 4 UTF-8 bytes,
        each URL-encoded as %XX (12 bytes), plus the other fields."""
        return self.max_text_chars * 12 + 16 * 1024

    @classmethod
    def from_env(cls, instance_path: Path) -> WbsConfig:
        """Settings from WBS_* variables, defaults otherwise."""
        return cls(
            files_dir=Path(os.environ.get("WBS_FILES_DIR") or instance_path / "wbs_files"),
            ack_days=_int("WBS_ACK_DAYS", 3, 3650),
            verify_days=_int("WBS_VERIFY_DAYS", 14, 3650),
            resolve_days=_int("WBS_RESOLVE_DAYS", 60, 3650),
            cuti_bersama=os.environ.get("WBS_CUTI_BERSAMA", "1").strip().lower()
            not in ("0", "false", "no", "off"),
            max_files=_int("WBS_MAX_FILES", 3, 20),
            max_file_bytes=_int("WBS_MAX_FILE_MB", 10, 1024) * MB,
        )


FAST_KDF = {"kdf_ops": argon2id.OPSLIMIT_MIN, "kdf_mem": argon2id.MEMLIMIT_MIN}
