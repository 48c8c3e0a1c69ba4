"""Plain make_* helpers for test data and page scraping."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import instruments
from survey_app import orgs
from survey_app.models import Answer, Response, Unit

IKM_CODES = instruments.latest("ikm").codes


def make_unit(session: Session, code: str = "U1", services: dict[str, list[str]] | None = None,
              tz: str = "Asia/Jakarta", parent: str | None = None) -> Unit:
    """A unit with services and counters (default: service S1 with counter L1)."""
    unit = orgs.add_unit(session, code, f"Unit {code}", parent, tz)
    for service_code, counters in (services if services is not None else {"S1": ["L1"]}).items():
        service = orgs.add_service(session, unit, service_code, f"Layanan {service_code}")
        for counter in counters:
            orgs.add_counter(session, service, counter, None)
    session.commit()
    return unit


def form_tokens(html: str) -> dict[str, str]:
    """The hidden csrf_token and form_token of a rendered survey form."""
    found = dict(re.findall(r'name="(csrf_token|form_token)" value="([^"]*)"', html))
    assert set(found) == {"csrf_token", "form_token"}, "form tokens missing"
    return found


def full_answers(value: int = 4) -> dict[str, str]:
    """Every IKM element answered with `value`, plus a profile."""
    data = {code: str(value) for code in IKM_CODES}
    data.update(jenis_kelamin="P", usia="34", pendidikan="S1", pekerjaan="Swasta")
    return data


def open_form(client: FlaskClient, url: str) -> dict[str, str]:
    """GET a survey page and return its tokens."""
    page = client.get(url)
    assert page.status_code == 200
    return form_tokens(page.get_data(as_text=True))


def count_responses(session: Session) -> int:
    """Responses stored."""
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def count_answers(session: Session) -> int:
    """Answer rows stored."""
    return int(session.scalar(select(func.count()).select_from(Answer)) or 0)
