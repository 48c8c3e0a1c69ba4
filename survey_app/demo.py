"""Demo data: a unit with services, counters, an admin and some answered surveys."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import instruments

from . import orgs, staff_sessions
from .admin.services import create_user
from .models import Response, Unit, User, utcnow
from .security import hash_password
from .survey.services import Target, instrument_version, new_response
from .survey.validation import Submission

DEMO_UNIT = "DEMO"
DEMO_ADMIN = "admin@demo.example"
DEMO_OFFICER = "wbs@demo.example"
SARAN = (
    "Antrean perlu nomor urut yang jelas.",
    "Petugas ramah, terima kasih.",
    "Ruang tunggu panas, mohon ditambah kipas angin.",
    "Informasi persyaratan di papan pengumuman kurang jelas.",
    "Pelayanan cepat dan tidak dipungut biaya.",
)
SERVICES = {
    "SKCK": ("Surat Keterangan Catatan Kepolisian", ("L1", "L2")),
    "SIM": ("Surat Izin Mengemudi", ("L3",)),
    "PENGADUAN": ("Pengaduan Masyarakat", ()),
}


def ensure_demo(session: Session, seed_responses: int = 240) -> tuple[Unit, str]:
    """Create the demo unit once; return it and a fresh password for its admin (the caller
    commits)."""
    unit = session.scalar(select(Unit).where(Unit.code == DEMO_UNIT))
    if unit is None:
        unit = orgs.add_unit(session, DEMO_UNIT, "Unit Layanan Demo", tz="Asia/Jakarta")
        for code, (name, counters) in SERVICES.items():
            service = orgs.add_service(session, unit, code, name)
            for counter in counters:
                orgs.add_counter(session, service, counter, f"Loket {counter[1:]}")
        session.flush()
    password = secrets.token_urlsafe(12)
    user = session.scalar(select(User).where(User.email == DEMO_ADMIN))
    if user is None:
        create_user(session, DEMO_ADMIN, password, "unit_admin", unit)
    else:
        user.password_hash = hash_password(password)
        staff_sessions.end_all(session, user)  # the old password's logins end
    if not session.scalar(select(func.count()).select_from(Response)
                          .where(Response.unit_id == unit.id)):
        _seed(session, unit, seed_responses)
    session.flush()  # the caller commits
    return unit, password


def _seed(session: Session, unit: Unit, count: int) -> None:
    """Plausible answers over the last 120 days (fixed seed: the same demo every time)."""
    rng = random.Random(14_2017)
    instrument = instruments.latest("ikm")
    version = instrument_version(session, instrument)
    now = utcnow()
    for _ in range(count):
        service = rng.choice(unit.services)
        counter = rng.choice(service.counters) if service.counters else None
        # One latent satisfaction per respondent makes the answers hang together, as real ones do.
        mood = rng.gauss(3.2, 0.45)
        sub = Submission(
            answers={code: min(4, max(1, round(mood + rng.gauss(0, 0.45))))
                     for code in instrument.codes},
            saran=rng.choice(SARAN) if rng.random() < 0.2 else None,
            jenis_kelamin=rng.choice("LP"),
            usia=rng.randint(18, 70),
            pendidikan=rng.choice(("SD", "SMP", "SMA", "SMA", "D1-D3", "S1", "S1", "S2")),
            pekerjaan=rng.choice(("PNS", "Swasta", "Swasta", "Wirausaha", "Lainnya")),
        )
        when = now - timedelta(minutes=rng.randint(0, 120 * 24 * 60))
        session.add(new_response(Target.of(unit, service, counter), version, sub, source="web",
                                 submitted_at=when))


def ensure_demo_officer(session: Session, unit: Unit) -> tuple[str, str] | None:
    """A WBS channel and officer for the demo unit, once; their password and TOTP secret (the
    caller commits)."""
    from flask import current_app

    from .wbs.officer.accounts import add_officer, channel_of, create_channel, find_officer

    if find_officer(session, DEMO_OFFICER) is not None:
        return None
    if channel_of(session, unit) is None:
        create_channel(session, unit)
    password = secrets.token_urlsafe(12)
    _, totp = add_officer(session, current_app.extensions["wbs"], current_app.config["SECRET_KEY"],
                          DEMO_OFFICER, password, unit)
    session.flush()  # the caller commits before showing the password: it unlocks the key
    return password, totp
