"""Channels and officers: key pairs, password-wrapped channel keys, TOTP secrets."""

from __future__ import annotations

import pyotp
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ...admin.services import MIN_PASSWORD, create_user
from ...models import Unit, User, WbsChannel, WbsOfficer, WbsSession
from ...security import check_password, hash_password
from .. import crypto
from ..config import WbsConfig

TOTP_PURPOSE = "wbs-totp"
MIN_OFFICERS = 2  # below this, one forgotten password loses every report of the channel


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
    if sponsor is None or sponsor.channel_id != channel.id or not sponsor.user.is_active:
        raise OfficerError(f"{by_email} is not an active officer of this channel")
    if not check_password(sponsor.user, by_password):
        raise OfficerError(f"wrong password for {by_email}")
    try:
        return unwrap_channel_key(cfg, sponsor, by_password)
    except crypto.CryptoError:
        raise OfficerError(f"the channel key of {by_email} does not open") from None


def find_account(session: Session, email: str) -> User | None:
    """The account of an e-mail address, whatever its role."""
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def _renewable(session: Session, channel: WbsChannel, user: User) -> WbsOfficer | None:
    """The officer record of an existing account that may be renewed in this channel."""
    if user.role != "wbs_officer":
        raise OfficerError(f"{user.email} is a {user.role} account, not a WBS officer")
    officer = session.scalar(select(WbsOfficer).where(WbsOfficer.user_id == user.id))
    # A removed officer has no record left; the account still names the channel's unit.
    unit_id = officer.channel.unit_id if officer is not None else user.unit_id
    if unit_id != channel.unit_id:
        raise OfficerError(f"{user.email} is an officer of another WBS channel")
    return officer


def add_officer(session: Session, cfg: WbsConfig, secret_key: str, email: str, password: str,
                unit: Unit, by_email: str | None = None,
                by_password: str | None = None) -> tuple[WbsOfficer, str]:
    """Create an officer of the unit's channel, or renew one (forgotten password, lost
    authenticator, removed officer back); return it and its new TOTP secret.

    Renewing sets the new password, re-wraps the channel key under it, issues a new TOTP
    secret, reactivates the account and ends its open sessions.
    """
    channel = channel_of(session, unit)
    if channel is None:
        raise OfficerError(f"unit {unit.code} has no WBS channel: run `wbs channel create` first")
    user = find_account(session, email)
    officer = _renewable(session, channel, user) if user is not None else None
    if user is not None and len(password) < MIN_PASSWORD:
        raise OfficerError(f"password must have at least {MIN_PASSWORD} characters")
    if channel.public_key is None:
        pair = crypto.new_keypair()
        channel.public_key, secret = pair.public, pair.secret
    else:
        secret = _existing_key(session, cfg, channel, by_email, by_password)
    if user is None:
        user = create_user(session, email, password, "wbs_officer", unit, allow_officer=True)
    else:
        user.password_hash, user.is_active = hash_password(password), True
    salt = crypto.random_bytes(crypto.SALT_BYTES)
    wrap = crypto.derive(password.encode(), salt, cfg.kdf_ops, cfg.kdf_mem)
    totp = pyotp.random_base32()
    sealed_totp = crypto.encrypt(crypto.app_key(secret_key, TOTP_PURPOSE), totp.encode())
    if officer is None:
        officer = WbsOfficer(user=user, channel=channel)
        session.add(officer)
    else:
        session.execute(delete(WbsSession).where(WbsSession.officer_id == officer.id))
    officer.key_salt, officer.wrapped_key = salt, crypto.encrypt(wrap, secret)
    officer.totp_secret, officer.totp_last_step = sealed_totp, 0
    session.flush()
    return officer, totp


def active_officers(session: Session, channel: WbsChannel) -> int:
    """How many officers of the channel can log in (each holds a copy of the channel key)."""
    return session.scalar(select(func.count()).select_from(WbsOfficer).join(User).where(
        WbsOfficer.channel_id == channel.id, User.is_active.is_(True))) or 0


def few_officers_warning(session: Session, channel: WbsChannel) -> str | None:
    """A warning line when a channel has fewer than MIN_OFFICERS active officers."""
    count = active_officers(session, channel)
    if count >= MIN_OFFICERS:
        return None
    code = channel.unit.code
    if count == 0:
        return (f"warning: the WBS channel of {code} has no active officer: nobody can read "
                "its reports, and no officer can be added without one who still holds the "
                "channel key")
    return (f"warning: the WBS channel of {code} has only 1 active officer: if that password "
            "is forgotten, every report of the channel is lost for good; add a second officer "
            "with --by")


def provisioning_uri(totp_secret: str, email: str) -> str:
    """otpauth:// URI for an authenticator app."""
    return pyotp.TOTP(totp_secret).provisioning_uri(name=email, issuer_name="WBS Zona Integritas")


def remove_officer(session: Session, email: str, *, force: bool = False) -> WbsChannel:
    """Deactivate an officer and delete their copy of the channel key; return the channel.

    The last active officer holds the last copy of the channel key: removing them makes every
    report of the channel unreadable for good, so that needs `force`. The channel key itself
    is not rotated: see the README's threat model.
    """
    officer = find_officer(session, email)
    if officer is None:
        raise OfficerError(f"no WBS officer {email}")
    channel = officer.channel
    if not force and officer.user.is_active and active_officers(session, channel) <= 1:
        raise OfficerError(
            f"{email} is the last active officer of the WBS channel of {channel.unit.code}: "
            "without them nobody can ever read its reports; add another officer first "
            "(--by), or pass --force")
    officer.user.is_active = False
    session.delete(officer)
    session.flush()
    return channel
