"""Helpers of the WBS tests: channels, officers, reports, logins, scraping."""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from survey_app.models import User, WbsOfficer, WbsReport
from survey_app.wbs.config import FAST_KDF
from survey_app.wbs.officer import accounts as officers
from tests.helpers import make_unit

PASSWORD = "a long officer password"
SECRET = "test-secret-key"


def configure_for_tests(app: Flask, files_dir: Path, **changes: object) -> None:
    """Fast Argon2id and a private evidence folder (production cost stays the default)."""
    app.extensions["wbs"] = replace(app.extensions["wbs"], files_dir=files_dir,
                                    **{**FAST_KDF, **changes})


def purge_audit(app: Flask) -> None:
    """Empty the append-only audit table, going round its triggers (tests only)."""
    engine = app.extensions["survey_db"].engine
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            triggers = conn.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'wbs_audit'")).all()
            for name, _sql in triggers:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
            conn.execute(text("DELETE FROM wbs_audit"))
            for _name, sql in triggers:
                conn.execute(text(sql))
        else:
            conn.execute(text("ALTER TABLE wbs_audit DISABLE TRIGGER USER"))
            conn.execute(text("DELETE FROM wbs_audit"))
            conn.execute(text("ALTER TABLE wbs_audit ENABLE TRIGGER USER"))


def make_officer(app: Flask, session: Session, unit: str = "U1", email: str | None = None,
                 by: str | None = None, create_unit: bool = True,
                 parent: str | None = None) -> tuple[WbsOfficer, str]:
    """An officer of the unit's channel (channel and unit created as needed); its TOTP secret."""
    from survey_app.orgs import find_unit

    if create_unit:
        make_unit(session, unit, parent=parent)
    u = find_unit(session, unit)
    if officers.channel_of(session, u) is None:
        officers.create_channel(session, u)
    officer, totp = officers.add_officer(
        session, app.extensions["wbs"], SECRET, email or f"petugas@{unit.lower()}.go.id",
        PASSWORD, u, by, PASSWORD if by else None)
    session.commit()
    return officer, totp


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of a page."""
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert found, f"no csrf token on {url}"
    return found.group(1)


def report_data(unit: str = "U1", **fields: object) -> dict[str, object]:
    """A complete report form."""
    data: dict[str, object] = {
        "unit": unit, "category": "pungli", "head_involved": "no",
        "apa": "Petugas loket meminta uang tambahan.", "siapa": "Petugas loket 3",
        "di_mana": "Loket 3", "kapan": "Senin lalu", "bagaimana": "Diminta di luar tarif.",
        "contact": "",
    }
    data.update(fields)
    return data


def submit(client: FlaskClient, data: dict[str, object],
           files: list[tuple[bytes, str]] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    """POST the report form (with files as (content, filename)); returns the response."""
    form = dict(data)
    form["csrf_token"] = csrf_token(client, "/wbs")
    form["evidence"] = [(io.BytesIO(content), name) for content, name in (files or [])]
    return client.post("/wbs", data=form, content_type="multipart/form-data", **kwargs)


def receipt_of(html: str) -> str:
    """The receipt shown in the data-receipt element."""
    found = re.search(r'data-receipt="([0-9A-Z-]+)"', html)
    assert found, "no data-receipt on the page"
    return found.group(1)


def report_receipt(client: FlaskClient, **fields: object) -> str:
    """Submit a valid report and return its receipt."""
    resp = submit(client, report_data(**fields))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    return receipt_of(resp.get_data(as_text=True))


def follow(client: FlaskClient, receipt: str):  # type: ignore[no-untyped-def]
    """Open the case page with a receipt."""
    return client.post("/wbs/follow-up", data={
        "receipt": receipt, "csrf_token": csrf_token(client, "/wbs/follow-up")})


def login_officer(client: FlaskClient, session: Session, email: str, totp: str,
                  password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Log an officer in with password and a fresh TOTP code."""
    # Allow several logins within one 30 s step in a test (an UPDATE: the app's own claim
    # of the step never reaches this session's copy of the officer).
    session.execute(update(WbsOfficer).where(WbsOfficer.user_id.in_(
        select(User.id).where(User.email == email))).values(totp_last_step=0))
    session.commit()
    return client.post("/wbs/officer/login", data={
        "email": email, "password": password, "code": pyotp.TOTP(totp).now(),
        "csrf_token": csrf_token(client, "/wbs/officer/login")})


def only_report(session: Session) -> WbsReport:
    """The one stored report."""
    session.expire_all()
    return session.scalars(select(WbsReport)).one()


def jpeg_with_gps(marker: str = "", size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG whose EXIF holds a GPS position, a camera serial and `marker` as description."""
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = marker or "description"  # ImageDescription
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    exif[0x0112] = 1
    gps = {1: "S", 2: (6.0, 10.0, 30.0), 3: "E", 4: (106.0, 49.0, 12.0)}
    exif[0x8825] = gps
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG declaring width x height pixels in a few dozen bytes (its pixels never follow)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))
