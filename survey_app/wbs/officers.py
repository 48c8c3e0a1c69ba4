"""Channels and officers: key pairs, password-wrapped channel keys, TOTP secrets."""

from __future__ import annotations

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..admin.services import create_user
from ..models import Unit, User, WbsChannel, WbsOfficer
from ..security import check_password
from . import crypto
from .config import WbsConfig

TOTP_PURPOSE = "wbs-totp"


class OfficerError(ValueError):
    """A channel or officer that cannot be set up as asked."""


def channel_of(session: Session, unit: Unit) -> WbsChannel | None:
    """The unit's channel, if it has one."""
    return session.scalar(select(WbsChannel).where(WbsChannel.unit_id == unit.id))


def create_channel(session: Session, unit: Unit) -> WbsChannel:
    """A channel without keys: the first officer added creates its key pair."""
    if channel_of(session, unit) is not None:
        raise OfficerError(f"unit {unit.code} already has a WBS channel")
    channel = WbsChannel(unit_id=unit.id)
    session.add(channel)
    session.flush()
    return channel


def find_officer(session: Session, email: str) -> WbsOfficer | None:
    """The officer record of an e-mail address."""
    return session.scalar(select(WbsOfficer).join(User).where(
        User.email == email.strip().lower()))


def unwrap_channel_key(cfg: WbsConfig, officer: WbsOfficer, password: str) -> bytes:
    """The channel private key, opened with the officer's password (CryptoError if wrong)."""
    key = crypto.derive(password.encode(), officer.key_salt, cfg.kdf_ops, cfg.kdf_mem)
    return crypto.decrypt(key, officer.wrapped_key)


def _existing_key(session: Session, cfg: WbsConfig, channel: WbsChannel, by_email: str | None,
                  by_password: str | None) -> bytes:
    if not by_email or by_password is None:
        raise OfficerError("this channel already has officers: give --by EMAIL of one of them "
                           "and their password as the second line on stdin")
    sponsor = find_officer(session, by_email)
    if sponsor is None or sponsor.channel_id != channel.id:
        raise OfficerError(f"{by_email} is not an officer of this channel")
    if not check_password(sponsor.user, by_password):
        raise OfficerError(f"wrong password for {by_email}")
    try:
        return unwrap_channel_key(cfg, sponsor, by_password)
    except crypto.CryptoError:
        raise OfficerError(f"the channel key of {by_email} does not open") from None


def add_officer(session: Session, cfg: WbsConfig, secret_key: str, email: str, password: str,
                unit: Unit, by_email: str | None = None,
                by_password: str | None = None) -> tuple[WbsOfficer, str]:
    """Create an officer account of the unit's channel; return it and its TOTP secret."""
    channel = channel_of(session, unit)
    if channel is None:
        raise OfficerError(f"unit {unit.code} has no WBS channel: run `wbs channel create` first")
    if channel.public_key is None:
        pair = crypto.new_keypair()
        channel.public_key, secret = pair.public, pair.secret
    else:
        secret = _existing_key(session, cfg, channel, by_email, by_password)
    user = create_user(session, email, password, "wbs_officer", unit, allow_officer=True)
    salt = crypto.random_bytes(crypto.SALT_BYTES)
    wrap = crypto.derive(password.encode(), salt, cfg.kdf_ops, cfg.kdf_mem)
    totp = pyotp.random_base32()
    officer = WbsOfficer(
        user=user, channel=channel, key_salt=salt, wrapped_key=crypto.encrypt(wrap, secret),
        totp_secret=crypto.encrypt(crypto.app_key(secret_key, TOTP_PURPOSE), totp.encode()),
        totp_last_step=0,
    )
    session.add(officer)
    session.flush()
    return officer, totp


def provisioning_uri(totp_secret: str, email: str) -> str:
    """otpauth:// URI for an authenticator app."""
    return pyotp.TOTP(totp_secret).provisioning_uri(name=email, issuer_name="WBS Zona Integritas")


def remove_officer(session: Session, email: str) -> None:
    """Deactivate an officer and delete their copy of the channel key."""
    officer = find_officer(session, email)
    if officer is None:
        raise OfficerError(f"no WBS officer {email}")
    officer.user.is_active = False
    session.delete(officer)
