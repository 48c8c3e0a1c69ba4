"""Periods and plan fields as users type them: far years and Unicode digits are messages, not
500s, on the dashboard, the exports and the follow-up plan (RTL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from survey_app.inputs import parse_date, parse_report_date
from survey_app.models import FollowUpItem
from survey_app.results.period import parse_period, period_from_dates
from tests.results.test_dashboard import Q1, csrf, setup

BASE = "/admin/units/U1/results"
FAR = ["period=0001", "period=9999-12", "from=9999-12-31&to=9999-12-31",
       "period=0001-01-01..2026-01-01", "period=2000-01-01..2999-12-31"]


@pytest.mark.parametrize("text", ["0001", "9999", "1999-Q4", "3000-01", "0001-01-01..2026-01-01"])
def test_far_periods_are_refused_with_the_allowed_years(text):
    with pytest.raises(ValueError, match="out of range|longer than"):
        parse_period(text)


def test_the_allowed_years_work_to_their_ends():
    first, last = parse_period("2000-01"), parse_period("2999")
    assert first.previous().previous().start == date(1999, 11, 1)
    assert last.utc_bounds("Asia/Jayapura")[1].year == 2999  # 3000-01-01 local, still UTC 2999
    assert period_from_dates("2999-12-31", "2999-12-31").days == 1
    with pytest.raises(ValueError, match="out of range"):
        parse_report_date("9999-12-31")
    assert parse_date("9999-12-31").year == 9999  # the unbounded parser, for other callers
    with pytest.raises(ValueError, match="longer than 100 years"):
        period_from_dates("2000-01-01", "2999-12-31")
    assert period_from_dates("2000-01-01", "2099-12-31").previous().start == date(1899, 12, 31)


@pytest.mark.parametrize("query", FAR)
@pytest.mark.parametrize("page", ["/", "/rtl", "/export/csv", "/export/pdf"])
def test_far_periods_are_a_message_everywhere(runner, session, client, tmp_path, page, query):
    setup(runner, session, client, tmp_path)
    response = client.get(f"{BASE}{page}?{query}", follow_redirects=True)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "2000" in text and "2999" in text or "100 years" in text


def test_rtl_field_names_with_unicode_digits_are_ignored(runner, session, client, tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(f"{BASE}/rtl?{Q1}").get_data(as_text=True)
    data = {"csrf_token": csrf(page), "program-²": "x", "program-¹²": "y", "program-٣": "z",
            "program-": "w", "program-99999999999999999999": "v", "waktu-²": "q",
            "program-pengaduan": "Program baru"}
    assert client.post(f"{BASE}/rtl?{Q1}", data=data).status_code == 302
    session.expire_all()
    plan = session.scalars(select(FollowUpItem).order_by(FollowUpItem.priority)).all()
    assert [(p.element_code, p.program) for p in plan] == [("pengaduan", "Program baru"),
                                                          ("biaya", "")]
