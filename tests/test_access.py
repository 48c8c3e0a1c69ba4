"""Access rules from one module: every staff blueprint refuses a read-only user the same way."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app import access
from survey_app.models import HasilInput, ItemOverride, Kiosk, ServicePopulation
from tests.admin.support import csrf_of, login, make_user
from tests.helpers import make_unit

# What an editor may post in each blueprint (admin, results, zi, kiosk staff page).
EDITOR_POSTS = [
    ("/admin/units/U1/wording", {"service": "S1", "item": "ikm:persyaratan",
                                 "text_id": "Syarat?", "text_en": "Terms?"}),
    ("/admin/units/U1/results/population?period=2026-Q1", {"population": "50"}),
    ("/admin/units/U1/zi/?year=2026", {"rule": "permenpanrb-90-2021", "kinerja": "4"}),
    ("/admin/units/U1/kiosks/enrol", {"counter": "S1/L1", "name": "Tablet"}),
]


def test_role_sets_are_written_once() -> None:
    assert access.EDITORS == ("admin", "unit_admin")
    assert set(access.EDITORS) < set(access.STAFF_ROLES)


@pytest.mark.parametrize(("url", "data"), EDITOR_POSTS)
def test_a_read_only_user_gets_the_same_403_page_everywhere(
        session: Session, client: FlaskClient, url: str, data: dict[str, str]) -> None:
    unit = make_unit(session)
    make_user(session, unit=unit, role="analyst")
    login(client, "staf@u1.go.id")
    token = csrf_of(client.get("/admin/units/U1").get_data(as_text=True))
    refused = client.post(url, data={**data, "csrf_token": token})
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert "Anda tidak memiliki akses ke halaman ini." in page  # errors.py's 403 page
    assert '<html lang="id">' in page  # the full error template, not a hand-made body
    for model in (ItemOverride, ServicePopulation, HasilInput, Kiosk):
        assert session.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.parametrize(("url", "data"), EDITOR_POSTS)
def test_an_editor_is_let_through(session: Session, client: FlaskClient, url: str,
                                  data: dict[str, str]) -> None:
    unit = make_unit(session)
    make_user(session, unit=unit, role="unit_admin")
    login(client, "staf@u1.go.id")
    token = csrf_of(client.get("/admin/units/U1").get_data(as_text=True))
    assert client.post(url, data={**data, "csrf_token": token}).status_code != 403
