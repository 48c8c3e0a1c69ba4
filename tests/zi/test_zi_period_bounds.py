"""The ZI page's survey period: years outside 2000..2999 are a field message, never a 500."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.models import HasilInput
from tests.zi.test_zi_page import setup


@pytest.mark.parametrize(("start", "end"), [
    ("0001-01-01", "0001-12-31"),
    ("2026-01-01", "9999-12-31"),
    ("1999-12-31", "2026-12-31"),
])
def test_period_outside_the_supported_years_is_a_field_message(
        runner, session, client, tmp_path, start, end):
    setup(runner, session, client, tmp_path)
    page = client.get("/admin/units/U1/zi/?year=2026").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post("/admin/units/U1/zi/?year=2026", data={
        "csrf_token": token, "rule": "permenpanrb-90-2021", "ipak_source": "ipk",
        "ipkp_source": "ikm", "from": start, "to": end})
    assert resp.status_code == 422
    assert session.scalars(select(HasilInput)).all() == []
